#pragma once
// Formatting only: a SuiteResult (or one record) to text, and back from the canonical JSON.
// No OS access.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "model/doc.h"
#include "model/error.h"
#include "model/model.h"

namespace tmfault::reports {

/// "PASS heap-space/faulty ..." — one line for a finished variant (streamed as runs end).
std::string variant_line(const RunRecord& r, bool color);

/// The end-of-run summary: counts, the doc-accuracy table (section x symptom/remedies),
/// and for every failure, error or refuted remedy the memory breakdown before and after.
std::string terminal_summary(const SuiteResult& s, bool color);

/// A stored run as text: every variant_line, then terminal_summary (what a run prints,
/// minus the live progress).
std::string text_report(const SuiteResult& s, bool color);

/// The canonical JSON of a suite (every other format can be rebuilt from it).
std::string suite_json(const SuiteResult& s);

/// One record as JSON (result.json of a variant).
std::string record_json(const RunRecord& r);

/// A malformed or foreign results file; what() names the key path ("records[3].plan.kind").
struct ReadError : UsageError {
  using UsageError::UsageError;
};

/// The inverse of suite_json: suite_json(suite_from_json(suite_json(x))) == suite_json(x).
/// Throws ReadError for invalid JSON, a format other than "tmfault-suite/1", or a missing or
/// mistyped key. Keys added after format 1 (plan.expect_mentions) may be absent.
SuiteResult suite_from_json(std::string_view text);

/// JUnit XML (Jenkins/Ant schema): one <testsuite> per scenario, one <testcase> per variant.
std::string junit_xml(const SuiteResult& s);

/// One self-contained HTML page (inline CSS and SVG, no script, no network).
std::string html_page(const SuiteResult& s);

enum class Format { text, json, junit, html };

/// "text", "json", "junit", "html".
std::optional<Format> format_from_name(std::string_view name);

/// `s` in format `f` (color applies to text only). Pure: the same suite renders the same bytes.
std::string render(const SuiteResult& s, Format f, bool color = false);

/// "pass" / "fail" / "error".
std::string_view outcome_name(Outcome o);

/// `tmfault doc-check`: per section of the guide, its scenarios, their quotes and (with results)
/// what the runs concluded; then the problems, one per line.
std::string doc_check_text(const DocCheck& dc, const std::vector<std::string>& problems);

/// `tmfault explain`: each variant's memory breakdown, remedies beside their faulty run.
std::string explain_text(const std::vector<ExplainedVariant>& variants);

/// `tmfault explain --format json`: each variant's options and Flink's breakdown in exact bytes
/// (every component of kMemoryParts, the JVM heap and direct limits, total Flink and total
/// process), its JVM flags and dynamic configs as BashJavaUtils printed them; or `refused` with
/// Flink's message.
std::string explain_json(const std::vector<ExplainedVariant>& variants, std::string_view flink_version);

}  // namespace tmfault::reports
