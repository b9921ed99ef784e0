#pragma once
// Several stored suites side by side, one column per run (typically one Flink line each): per
// claim of the guide its verdict and observed symptom on every version, and the claims whose
// answer is not the same everywhere, with Flink's memory breakdown on each version.
// Formatting only; no OS access.
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"

namespace tmfault::reports {

/// One claim (a scenario's faulty run or one remedy) across the suites.
struct ClaimAcross {
  std::string id;                      ///< "heap-space/faulty"
  const RunRecord* plan = nullptr;     ///< the first run of it: doc, title, name, quote
  std::vector<const RunRecord*> runs;  ///< one per suite, nullptr where that suite did not run it
  bool differs = false;  ///< the verdict or the observed symptom is not the same on every suite that ran it
  bool missing = false;  ///< some suite did not run it
};

/// Every claim of the suites, grouped by doc section in the order the sections first appear,
/// claims in the order they first appear. Points into `suites`: keep them alive while it is used.
struct VersionComparison {
  std::vector<std::string> labels;  ///< one per suite: its Flink version ("1.20.5"), made unique
                                    ///< with "#2", "#3" when a version appears twice
  std::vector<ClaimAcross> claims;
  std::size_t differing() const;
  std::size_t missing() const;
};

/// Lines the suites up. Empty `suites` gives an empty comparison.
VersionComparison compare_versions(const std::vector<SuiteResult>& suites);

/// "PASS oom-heap", "FAIL healthy", "ERROR" or "-" (not run): a claim on one version.
std::string version_cell(const RunRecord* r);

/// The side-by-side view as text: one row per claim under its section (the guide's words
/// beneath), one column per suite; then every claim that differs, with each version's verdict,
/// reason and memory breakdown. `color` paints the cells of a terminal.
std::string versions_text(const std::vector<SuiteResult>& suites, bool color);

/// The same as one self-contained HTML page (inline CSS, no script).
std::string versions_html(const std::vector<SuiteResult>& suites);

/// The same as JSON, format "tmfault-versions/1": the suites (version, counts) and per claim
/// each version's outcome, observed symptom, reason and breakdown in exact bytes.
std::string versions_json(const std::vector<SuiteResult>& suites);

}  // namespace tmfault::reports
