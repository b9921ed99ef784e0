#include "harness/app/recheck.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "harness/stages/check.h"
#include "harness/stages/detectors.h"
#include "reports/cells.h"
#include "reports/reports.h"

namespace tmfault {
namespace fs = std::filesystem;
namespace {

std::optional<std::string> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string verdict_text(const Verdict& v) {
  return v.outcome == Outcome::error ? "error"
                                     : fmt::format("{} ({})", reports::outcome_name(v.outcome),
                                                   v.observed_known ? symptom_name(v.observed) : "nothing known");
}

/// The record's hits, re-detected from its stored logs; `missing` names logs that are gone.
std::vector<SymptomHit> rescan(const Observation& o, const fs::path& dir, std::vector<std::string>& missing) {
  std::vector<SymptomHit> hits;
  for (Role r : {Role::taskmanager, Role::jobmanager}) {
    std::string stem(role_source(r));
    std::optional<std::string> log = slurp(dir / (stem + ".log"));
    if (!log) {
      for (const SymptomHit& h : o.hits)
        if (h.source == stem) hits.push_back(h);
      if (!o.hits.empty()) missing.push_back(stem + ".log");
      continue;
    }
    auto found = detect_hits(*log, slurp(dir / (stem + ".times")).value_or(""), stem);
    hits.insert(hits.end(), found.begin(), found.end());
  }
  return hits;
}

}  // namespace

Recheck recheck(const SuiteResult& stored, const fs::path& run_dir) {
  Recheck out;
  out.suite = stored;
  for (RunRecord& r : out.suite.records) {
    fs::path dir = run_dir / r.plan.scenario_id / r.plan.variant;
    std::vector<std::string> missing;
    if (r.observation.derive_ok || r.observation.harness_error.empty()) {
      r.observation.hits = rescan(r.observation, dir, missing);
      if (auto log = slurp(dir / fmt::format("{}.log", role_source(r.plan.subject))))
        r.observation.oom_while_logging = first_milestone_line(*log, Milestone::oom_while_logging);
      if (!r.observation.derive_ok)
        if (auto d = slurp(dir / "derive.log")) r.observation.derive_output = *d;
    }
    std::string id = reports::variant_id(r.plan);
    if (!missing.empty())
      out.notes.push_back(fmt::format("{}: {} missing, its stored hits kept", id, fmt::join(missing, ", ")));
    Verdict before = r.verdict;
    r.verdict = check(r.plan, r.observation);
    if (before.outcome != r.verdict.outcome || before.observed_known != r.verdict.observed_known ||
        before.observed != r.verdict.observed)
      out.changes.push_back(fmt::format("{}: {} -> {}: {}", id, verdict_text(before), verdict_text(r.verdict),
                                        r.verdict.reason));
  }
  return out;
}

}  // namespace tmfault
