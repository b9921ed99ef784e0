#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <vector>

#include "reports/reports.h"

namespace tmfault::reports {
namespace {

std::string paint(std::string_view text, std::string_view code, bool color) {
  return color ? fmt::format("\033[{}m{}\033[0m", code, text) : std::string(text);
}

std::string outcome_tag(Outcome o, bool color) {
  switch (o) {
    case Outcome::pass: return paint("PASS ", "32", color);
    case Outcome::fail: return paint("FAIL ", "31;1", color);
    case Outcome::error: return paint("ERROR", "33;1", color);
  }
  return "?";
}

std::string seconds(Millis m) { return fmt::format("{:.1f}s", m.count() / 1000.0); }

std::string mib(std::uint64_t b) { return fmt::format("{}m", (b + (1 << 19)) >> 20); }

/// What the doc claims about a remedy, judged by what the run showed.
std::string remedy_cell(const RunRecord& r) {
  if (r.verdict.outcome == Outcome::error) return "error";
  if (!r.verdict.observed_known) return "refuted (no outcome)";
  if (r.verdict.observed == Symptom::healthy) return "confirmed";
  return fmt::format("refuted ({})", symptom_name(r.verdict.observed));
}

std::string symptom_cell(const RunRecord& r) {
  if (r.verdict.outcome == Outcome::error) return "error";
  if (r.verdict.outcome == Outcome::pass) return fmt::format("reproduced ({})", symptom_name(r.plan.expect));
  return fmt::format("NOT reproduced (saw {})",
                     r.verdict.observed_known ? symptom_name(r.verdict.observed) : "nothing known");
}

std::string breakdown_row(const Observation& o) {
  if (!o.memory) return "no breakdown (Flink refused the configuration)";
  const MemoryBreakdown& m = *o.memory;
  return fmt::format("heap {} (fw {} + task {}), direct {} (fw {} + task {} + net {}), managed {}, "
                     "metaspace {}, overhead {} = process {}",
                     mib(m.jvm_heap()), mib(m.framework_heap), mib(m.task_heap), mib(m.jvm_direct()),
                     mib(m.framework_off_heap), mib(m.task_off_heap), mib(m.network), mib(m.managed),
                     mib(m.jvm_metaspace), mib(m.jvm_overhead), mib(m.total_process()));
}

/// Sections of the guide in the order they first ran; under each, every scenario's rows.
void doc_table(const SuiteResult& s, std::string& out) {
  out += "\nDoc accuracy (mem_trouble.md):\n";
  std::vector<std::string> sections;
  for (const RunRecord& r : s.records)
    if (std::find(sections.begin(), sections.end(), r.plan.doc) == sections.end()) sections.push_back(r.plan.doc);
  for (const std::string& doc : sections) {
    bool first = true;
    for (const RunRecord& r : s.records) {
      if (r.plan.doc != doc) continue;
      if (first) out += fmt::format("  {}  ({})\n", r.plan.title, doc), first = false;
      if (r.plan.kind == VariantKind::faulty)
        out += fmt::format("    symptom:  {:<56} {}\n", r.plan.scenario_id, symptom_cell(r));
      else
        out += fmt::format("    remedy:   {:<56} {}{}\n", r.plan.name, remedy_cell(r),
                           r.plan.expect != Symptom::healthy ? " (a known finding)" : "");
    }
  }
}

const RunRecord* faulty_of(const SuiteResult& s, const RunRecord& r) {
  for (const RunRecord& x : s.records)
    if (x.plan.scenario_id == r.plan.scenario_id && x.plan.kind == VariantKind::faulty) return &x;
  return nullptr;
}

void details(const SuiteResult& s, std::string& out, bool color) {
  for (const RunRecord& r : s.records) {
    bool finding = r.plan.kind == VariantKind::remedy && r.verdict.observed_known &&
                   r.verdict.observed != Symptom::healthy;
    if (r.verdict.outcome == Outcome::pass && !finding) continue;
    out += fmt::format("\n{} {}/{}: {}\n", outcome_tag(r.verdict.outcome, color), r.plan.scenario_id,
                       r.plan.variant, r.verdict.reason);
    if (!r.plan.why.empty()) out += fmt::format("  why (scenario): {}\n", r.plan.why);
    const RunRecord* f = faulty_of(s, r);
    bool compare = f && f != &r;
    if (compare) out += fmt::format("  before: {}\n", breakdown_row(f->observation));
    out += fmt::format("  {}: {}\n", compare ? "after " : "memory", breakdown_row(r.observation));
    out += fmt::format("  logs: {}\n", r.dir.string());
    if (!r.reproduce.empty()) out += fmt::format("  reproduce: {}\n", r.reproduce);
  }
}

std::string maybe_seconds(const std::optional<Millis>& m) { return m ? seconds(*m) : "-"; }

/// Where each variant's wall time went: milestones since the variant started.
void timings_table(const SuiteResult& s, std::string& out) {
  out += fmt::format("\nTimings (since each variant started):\n  {:<64} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7}\n",
                     "variant", "derived", "JM up", "TM reg", "task", "outcome", "total");
  for (const RunRecord& r : s.records) {
    const Timings& t = r.observation.timings;
    out += fmt::format("  {:<64} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7}\n",
                       r.plan.scenario_id + "/" + r.plan.variant, maybe_seconds(t.derived),
                       maybe_seconds(t.jm_ready), maybe_seconds(t.tm_registered),
                       maybe_seconds(t.job_running),
                       maybe_seconds(t.first_symptom ? t.first_symptom : t.job_ended), seconds(t.total));
  }
}

}  // namespace

std::string variant_line(const RunRecord& r, bool color) {
  std::string seen = r.verdict.observed_known ? std::string(symptom_name(r.verdict.observed)) : "?";
  return fmt::format("{} {:<60} {:<17} {:>6}  {}", outcome_tag(r.verdict.outcome, color),
                     r.plan.scenario_id + "/" + r.plan.variant, seen,
                     seconds(r.observation.timings.total),
                     r.verdict.outcome == Outcome::pass ? "" : r.verdict.reason);
}

std::string terminal_summary(const SuiteResult& s, bool color) {
  std::map<Outcome, int> counts;
  for (const RunRecord& r : s.records) ++counts[r.verdict.outcome];
  std::string out;
  timings_table(s, out);
  doc_table(s, out);
  details(s, out, color);
  out += fmt::format("\n{} passed, {} failed, {} errors in {} (Flink {}){}\n", counts[Outcome::pass],
                     counts[Outcome::fail], counts[Outcome::error], seconds(s.wall), s.flink_version,
                     s.interrupted ? " — INTERRUPTED" : "");
  return out;
}

}  // namespace tmfault::reports
