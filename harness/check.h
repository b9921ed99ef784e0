#pragma once
// The checker: a pure function of Plan + Observation. Never touches the OS.
#include "model/model.h"

namespace tmfault {

/// What the run showed, by the fixed vocabulary; nullopt when nothing classifiable happened
/// (e.g. a timeout with no symptom, or a job that failed for another reason). `detail`
/// receives a one-line description of what was seen.
std::optional<Symptom> observed_symptom(const Observation& o, std::string& detail);

/// pass: observed == expected; fail: another (or no) symptom; error: the harness or
/// environment failed, or the run was interrupted.
Verdict check(const VariantPlan& plan, const Observation& o);

}  // namespace tmfault
