#pragma once
// `tmfault explain`: Flink's memory breakdown for every variant, derived without running it.
#include <atomic>
#include <vector>

#include "harness/flink/dist.h"
#include "model/model.h"

namespace tmfault {

/// Derives each plan's subject's memory with the version's BashJavaUtils, all in one JVM (in a
/// temporary directory, removed afterwards).
std::vector<ExplainedVariant> explain_plans(const std::vector<VariantPlan>& plans, const FlinkDist& d,
                                            const std::atomic<bool>* stop);

}  // namespace tmfault
