#pragma once
// Formatting only: a SuiteResult (or one record) to text. No OS access.
#include <string>

#include "model/model.h"

namespace tmfault::reports {

/// "PASS heap-space/faulty ..." — one line for a finished variant (streamed as runs end).
std::string variant_line(const RunRecord& r, bool color);

/// The end-of-run summary: counts, the doc-accuracy table (section x symptom/remedies),
/// and for every failure, error or refuted remedy the memory breakdown before and after.
std::string terminal_summary(const SuiteResult& s, bool color);

/// The canonical JSON of a suite (every other format can be rebuilt from it).
std::string suite_json(const SuiteResult& s);

/// One record as JSON (result.json of a variant).
std::string record_json(const RunRecord& r);

/// "pass" / "fail" / "error".
std::string_view outcome_name(Outcome o);

}  // namespace tmfault::reports
