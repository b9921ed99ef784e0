#pragma once
// Scenario -> one VariantPlan per run: the faulty run, then each remedy.
#include <string>
#include <vector>

#include "model/model.h"

namespace tmfault {

/// Pure. The faulty run first, then remedies in file order.
std::vector<VariantPlan> plan_scenario(const Scenario& sc);

/// Options of `base` with `set` applied (replace in place, else append) and `unset` removed.
FlinkOptions apply_changes(const FlinkOptions& base, const FlinkOptions& set, const std::vector<std::string>& unset);

/// A human-readable, stable rendering of a plan (for --dry-run and plan.txt).
std::string describe_plan(const VariantPlan& p);

}  // namespace tmfault
