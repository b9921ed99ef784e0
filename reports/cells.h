#pragma once
// Shared judgements of the text-based formats: the doc-accuracy cells, the memory breakdown
// and the grouping of records by doc section. Terminal, JUnit and HTML say the same thing.
#include <string>
#include <vector>

#include "model/model.h"

namespace tmfault::reports {

/// The class of a doc-table cell, for styling: reproduced/confirmed, not, error, finding.
enum class CellKind { good, bad, error, finding };

struct Cell {
  std::string text;  ///< "reproduced (oom-heap)", "confirmed", "refuted (oom-direct)", "error", ...
  CellKind kind = CellKind::good;
};

/// Faulty run: did the documented symptom appear?
Cell symptom_cell(const RunRecord& r);

/// Remedy: did the run come out healthy (confirmed) or not (refuted)? A refutation the
/// scenario expects (a known finding) is CellKind::finding.
Cell remedy_cell(const RunRecord& r);

/// The doc-table cell of either kind of variant.
Cell doc_cell(const RunRecord& r);

/// Doc sections (plan.doc) in the order they first appear in the records.
std::vector<std::string> doc_sections(const SuiteResult& s);

/// The faulty run of r's scenario (nullptr when it is not in `s`).
const RunRecord* faulty_of(const SuiteResult& s, const RunRecord& r);

/// A remedy that did not make the run healthy: reported with its breakdown before and after.
bool is_finding(const RunRecord& r);

/// A remedy the guide does not give (plan.source), or one it gives that did not make the run
/// healthy: what a reader of the guide alone would not know.
bool is_beyond_the_guide(const RunRecord& r);

/// "not in the guide, and it works" / "not in the guide, and it does not resolve (saw oom-heap)" /
/// "the guide's remedy does not resolve (saw ...)"; "error" when the run could not say.
std::string beyond_the_guide_summary(const RunRecord& r);

/// "heap 154m (fw 128m + task 26m), direct ... = process 1024m", or why there is none.
std::string breakdown_row(const Observation& o);

/// "154m": bytes in MiB, rounded.
std::string mib(std::uint64_t bytes);

/// "9.8s".
std::string seconds(Millis m);

/// "heap-space/faulty".
std::string variant_id(const VariantPlan& p);

/// The earliest symptom hit (nullptr when none).
const SymptomHit* first_hit(const Observation& o);

/// The moment the pools are read at: the first symptom, else the subject's exit, else the job's
/// end, else the run's end.
Millis pools_moment(const Observation& o);

/// One pool's use against its size, from the samples Flink's metrics gave (observation.usage).
struct PoolFigure {
  std::string name;      ///< "heap", "direct", "metaspace", "managed", "network"
  std::string unit;      ///< "MiB", or "buffers" for the network's segments
  double used = 0, max = 0;  ///< in `unit`; max 0 = unknown
  double peak = 0;       ///< the highest use in any sample
};

/// What each pool held at the last sample at or before `at` (nullopt: no sample by then).
struct PoolsAt {
  Millis sample_age{0};   ///< how long before `at` the sample was taken
  std::vector<PoolFigure> pools;
  std::optional<double> gc_share;  ///< GC time / wall time over the ~2 s before the sample
  Millis gc_window{0};
};
std::optional<PoolsAt> pools_at(const Observation& o, Millis at);

/// One pool over the run, for drawing: each sample's use and the pool's size (in `unit`).
struct PoolSeries {
  std::string name, unit;
  double max = 0;  ///< the last sample's size; 0 = unknown
  std::vector<std::pair<Millis, double>> used;
};
std::vector<PoolSeries> pool_series(const Observation& o);

/// "heap 1120/1128 MiB (peak 1125), direct 12/128 MiB, ..., GC 95% of the last 2.0 s;
/// received 0.3s before the symptom" — or "" without samples.
std::string pools_line(const Observation& o);

/// A variant whose job was submitted several times to one TaskManager: "5 of 24 submissions
/// finished, the 6th saw oom-metaspace; metaspace 96m, used after each: 48 57 59 69 78 MiB" ("" for
/// a variant with one submission).
std::string resubmission_line(const RunRecord& r);

/// At most `n` lines of `s`, ending "... (K more lines in result.json)" when cut.
std::string head_lines(std::string_view s, std::size_t n);

/// "PASS" / "FAIL" / "ERROR".
std::string outcome_label(Outcome o);

}  // namespace tmfault::reports
