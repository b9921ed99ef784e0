#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <vector>

#include "reports/cells.h"
#include "reports/escape.h"
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

/// Logs and messages may carry escape sequences: never let them reach the terminal raw.
std::string safe(std::string_view s) { return printable_text(s); }

/// Sections of the guide in the order they first ran; under each, every scenario's rows.
void doc_table(const SuiteResult& s, std::string& out) {
  out += "\nDoc accuracy (each section names its file):\n";
  for (const std::string& doc : doc_sections(s)) {
    bool first = true;
    for (const RunRecord& r : s.records) {
      if (r.plan.doc != doc) continue;
      if (first) out += fmt::format("  {}  ({})\n", safe(r.plan.title), safe(doc)), first = false;
      if (r.plan.kind == VariantKind::faulty)
        out += fmt::format("    symptom:  {:<56} {}\n", safe(r.plan.scenario_id), symptom_cell(r).text);
      else
        out += fmt::format("    remedy:   {:<56} {}{}\n", safe(r.plan.name), remedy_cell(r).text,
                           r.plan.expect != Symptom::healthy ? " (a known finding)" : "");
    }
  }
}

void details(const SuiteResult& s, std::string& out, bool color) {
  for (const RunRecord& r : s.records) {
    if (r.verdict.outcome == Outcome::pass && !is_finding(r)) continue;
    out += fmt::format("\n{} {}: {}\n", outcome_tag(r.verdict.outcome, color), safe(variant_id(r.plan)),
                       safe(r.verdict.reason));
    if (!r.plan.why.empty()) out += fmt::format("  why (scenario): {}\n", safe(r.plan.why));
    const RunRecord* f = faulty_of(s, r);
    bool compare = f && f != &r;
    if (compare) out += fmt::format("  before: {}\n", breakdown_row(f->observation));
    out += fmt::format("  {}: {}\n", compare ? "after " : "memory", breakdown_row(r.observation));
    if (std::string pools = pools_line(r.observation); !pools.empty()) out += fmt::format("  pools: {}\n", pools);
    for (const std::string& note : r.observation.notes) out += fmt::format("  harness: {}\n", safe(note));
    out += fmt::format("  logs: {}\n", safe(r.dir.string()));
    if (!r.reproduce.empty()) out += fmt::format("  reproduce: {}\n", safe(r.reproduce));
  }
}

/// What each variant's pools held at its symptom (else its exit, else its end), from Flink's metrics.
void pools_table(const SuiteResult& s, std::string& out) {
  bool any = false;
  for (const RunRecord& r : s.records) {
    std::string line = pools_line(r.observation);
    if (line.empty()) continue;
    if (!any) out += "\nMemory pools (Flink's metrics, used/size; the peak when it was higher):\n", any = true;
    out += fmt::format("  {}\n    {}\n", safe(variant_id(r.plan)), line);
  }
}

/// Remedies from other pages, and the guide's remedies that did not resolve the symptom.
void beyond_the_guide(const SuiteResult& s, std::string& out) {
  bool any = false;
  for (const RunRecord& r : s.records) {
    if (!is_beyond_the_guide(r)) continue;
    if (!any) out += "\nWhat the guide does not say:\n", any = true;
    out += fmt::format("  {}: {}\n", safe(variant_id(r.plan)), beyond_the_guide_summary(r));
    if (!r.plan.source.empty()) out += fmt::format("    {} says: \"{}\"\n", safe(r.plan.source), safe(r.plan.quote));
    if (!r.plan.why.empty()) out += fmt::format("    why: {}\n", safe(r.plan.why));
    if (std::string pools = pools_line(r.observation); !pools.empty()) out += fmt::format("    pools: {}\n", pools);
  }
}

/// The variants whose job was submitted again and again to one TaskManager.
void resubmissions(const SuiteResult& s, std::string& out) {
  bool any = false;
  for (const RunRecord& r : s.records) {
    std::string line = resubmission_line(r);
    if (line.empty()) continue;
    if (!any) out += "\nResubmissions (one TaskManager, the job submitted again each time it finished):\n", any = true;
    out += fmt::format("  {}\n    {}\n", safe(variant_id(r.plan)), line);
  }
}

std::string maybe_seconds(const std::optional<Millis>& m) { return m ? seconds(*m) : "-"; }

/// Where each variant's wall time went: milestones since the variant started.
void timings_table(const SuiteResult& s, std::string& out) {
  out += fmt::format("\nTimings (since each variant started):\n  {:<64} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7}\n",
                     "variant", "derived", "JM up", "TM reg", "task", "outcome", "total");
  for (const RunRecord& r : s.records) {
    const Timings& t = r.observation.timings;
    out += fmt::format("  {:<64} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7}\n", safe(variant_id(r.plan)),
                       maybe_seconds(t.derived), maybe_seconds(t.jm_ready), maybe_seconds(t.tm_registered),
                       maybe_seconds(t.job_running),
                       maybe_seconds(t.first_symptom    ? t.first_symptom
                                     : t.subject_exited ? t.subject_exited
                                                        : t.job_ended),
                       seconds(t.total));
  }
}

}  // namespace

std::string variant_line(const RunRecord& r, bool color) {
  std::string seen = r.verdict.observed_known ? std::string(symptom_name(r.verdict.observed)) : "?";
  return fmt::format("{} {:<60} {:<17} {:>6}  {}", outcome_tag(r.verdict.outcome, color), safe(variant_id(r.plan)),
                     seen, seconds(r.observation.timings.total),
                     r.verdict.outcome == Outcome::pass ? "" : safe(r.verdict.reason));
}

std::string terminal_summary(const SuiteResult& s, bool color) {
  std::map<Outcome, int> counts;
  for (const RunRecord& r : s.records) ++counts[r.verdict.outcome];
  std::string out;
  timings_table(s, out);
  doc_table(s, out);
  beyond_the_guide(s, out);
  resubmissions(s, out);
  pools_table(s, out);
  details(s, out, color);
  std::string host = s.host.cgroup.empty() ? "" : fmt::format(", cgroup {}", safe(s.host.cgroup));
  out += fmt::format("\n{} passed, {} failed, {} errors in {} (Flink {}{}){}\n", counts[Outcome::pass],
                     counts[Outcome::fail], counts[Outcome::error], seconds(s.wall), safe(s.flink_version), host,
                     s.interrupted ? " — INTERRUPTED" : "");
  return out;
}

std::string text_report(const SuiteResult& s, bool color) {
  std::string out;
  for (const RunRecord& r : s.records) out += variant_line(r, color) + "\n";
  return out + terminal_summary(s, color);
}

}  // namespace tmfault::reports
