#pragma once
// The checker: a pure function of Plan + Observation. Never touches the OS.
#include "model/model.h"

namespace tmfault {

/// What the run showed of the plan's subject, by the fixed vocabulary; nullopt when nothing
/// classifiable happened (e.g. a timeout with no symptom, or a job that failed for another
/// reason). Only the subject's lines count, and after a timeout only those before the deadline.
/// `detail` receives a one-line description of what was seen.
std::optional<Symptom> observed_symptom(const VariantPlan& plan, const Observation& o, std::string& detail);

/// pass: observed == expected; fail: another (or no) symptom; error: the run says nothing about
/// the guide: the harness or environment failed, the run was interrupted, BashJavaUtils failed
/// without Flink's IllegalConfigurationException, the process not under test exited before the
/// job's final state or showed a symptom itself, or nothing happened before the deadline.
Verdict check(const VariantPlan& plan, const Observation& o);

}  // namespace tmfault
