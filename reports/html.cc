// The HTML report: one self-contained page (inline CSS and SVG; no script, no network, and a
// Content-Security-Policy that forbids both). Every text from a run goes through xml_text or
// xml_attr: logs are hostile input.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "reports/cells.h"
#include "reports/escape.h"
#include "reports/html_style.h"
#include "reports/reports.h"
#include "reports/svg.h"

namespace tmfault::reports {
namespace {

std::string h(std::string_view s) { return xml_text(s); }

std::string css_class(Outcome o) { return std::string(outcome_name(o)); }

std::string css_class(CellKind k) {
  switch (k) {
    case CellKind::good: return "good";
    case CellKind::bad: return "bad";
    case CellKind::error: return "error";
    case CellKind::finding: return "finding";
  }
  return "";
}

/// A stable fragment id for a variant: "v-heap-space--faulty".
std::string anchor(const VariantPlan& p) {
  std::string id = "v-" + p.scenario_id + "--" + p.variant;
  for (char& c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  return id;
}

std::map<Outcome, int> counts(const SuiteResult& s) {
  std::map<Outcome, int> c;
  for (const RunRecord& r : s.records) ++c[r.verdict.outcome];
  return c;
}

std::string head(const SuiteResult& s) {
  auto c = counts(s);
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>tmfault: Flink {} - {} passed, {} failed, {} errors</title>\n<style>{}</style>\n</head>\n",
      h(s.flink_version), c[Outcome::pass], c[Outcome::fail], c[Outcome::error], html_css());
}

std::string header(const SuiteResult& s) {
  auto c = counts(s);
  std::string out = fmt::format(
      "<header>\n<h1>tmfault <small>Flink's memory troubleshooting guide, checked against a real "
      "TaskManager</small></h1>\n<div class=\"run\"><span>Flink <b>{}</b></span><span>started <b>{}</b></span>"
      "<span>wall <b>{}</b></span><span>{} variants</span><span>tmfault {}</span></div>\n"
      "<p><span class=\"badge pass\">{} passed</span> <span class=\"badge fail\">{} failed</span> "
      "<span class=\"badge error\">{} error{}</span></p>\n",
      h(s.flink_version), h(s.started_at), seconds(s.wall), s.records.size(), h(s.tmfault_version), c[Outcome::pass],
      c[Outcome::fail], c[Outcome::error], c[Outcome::error] == 1 ? "" : "s");
  if (s.interrupted) out += "<p class=\"banner\">This run was interrupted: some variants did not run.</p>\n";
  return out + "</header>\n";
}

std::string doc_row(const RunRecord& r) {
  Cell cell = doc_cell(r);
  bool faulty = r.plan.kind == VariantKind::faulty;
  std::string note = !faulty && r.plan.expect != Symptom::healthy ? "a known finding" : "";
  std::string quote = r.plan.quote.empty() ? "" : fmt::format("<q>{}</q>", h(r.plan.quote));
  return fmt::format("<tr><td class=\"kind\">{}</td><td><a href=\"#{}\">{}</a>{}</td><td class=\"cell {}\">{}</td>"
                     "<td class=\"note\">{}</td></tr>\n",
                     faulty ? "symptom" : "remedy", anchor(r.plan), h(faulty ? r.plan.scenario_id : r.plan.name), quote,
                     css_class(cell.kind), h(cell.text), note);
}

/// Same rows and words as the terminal's doc-accuracy table.
std::string doc_table(const SuiteResult& s) {
  std::string out = "<section id=\"doc\">\n<h2>Doc accuracy <small>does each symptom reproduce, does "
                    "each remedy help?</small></h2>\n<table class=\"doc\">\n<thead><tr><th>claim</th><th>scenario / "
                    "remedy</th><th>result</th><th></th></tr></thead>\n<tbody>\n";
  for (const std::string& doc : doc_sections(s)) {
    bool first = true;
    for (const RunRecord& r : s.records) {
      if (r.plan.doc != doc) continue;
      if (first)
        out += fmt::format("<tr class=\"section\"><th colspan=\"4\">{}<code>{}</code></th></tr>\n", h(r.plan.title),
                           h(doc)),
            first = false;
      out += doc_row(r);
    }
  }
  return out + "</tbody>\n</table>\n</section>\n";
}

/// Remedies from other pages and the guide's remedies that did not resolve, each with its pools.
std::string beyond_the_guide(const SuiteResult& s) {
  std::string rows;
  for (const RunRecord& r : s.records) {
    if (!is_beyond_the_guide(r)) continue;
    std::string source = r.plan.source.empty()
                             ? fmt::format("the guide: <q>{}</q>", h(r.plan.quote))
                             : fmt::format("<a href=\"{}\">{}</a>: <q>{}</q>", xml_attr(r.plan.source),
                                           h(r.plan.source), h(r.plan.quote));
    rows += fmt::format("<li><a href=\"#{}\">{}</a> <b>{}</b><br>{}{}{}</li>\n", anchor(r.plan), h(variant_id(r.plan)),
                        h(beyond_the_guide_summary(r)), source,
                        r.plan.why.empty() ? "" : fmt::format("<br>why: {}", h(r.plan.why)),
                        pools_line(r.observation).empty() ? ""
                                                          : fmt::format("<br>pools: {}", h(pools_line(r.observation))));
  }
  std::string resubmitted;
  for (const RunRecord& r : s.records)
    if (std::string line = resubmission_line(r); !line.empty())
      resubmitted += fmt::format("<li><a href=\"#{}\">{}</a>: {}</li>\n", anchor(r.plan), h(variant_id(r.plan)),
                                 h(line));
  if (!resubmitted.empty())
    rows += "<li>Resubmissions (one TaskManager, the job submitted again each time it finished):<ul>\n" + resubmitted +
            "</ul></li>\n";
  if (rows.empty()) return "";
  return "<section id=\"beyond\">\n<h2>What the guide does not say <small>remedies from other pages, and the "
         "guide's remedies that did not resolve</small></h2>\n<ul class=\"beyond\">\n" +
         rows + "</ul>\n</section>\n";
}

std::string describe_tm(const Observation& o) {
  if (!o.tm_started) return "never started";
  if (!o.tm_exit) return "alive at the end";
  return o.tm_exit->signaled ? fmt::format("killed by signal {}", o.tm_exit->code)
                             : fmt::format("exited with code {}", o.tm_exit->code);
}

std::string fact(std::string_view name, std::string_view html_value) {
  return fmt::format("<dt>{}</dt><dd>{}</dd>\n", name, html_value);
}

std::string options_html(const FlinkOptions& o) {
  std::string out;
  for (const auto& [k, v] : o) out += fmt::format("<code>{} = {}</code><br>", h(k), h(v));
  return out;
}

std::string facts(const RunRecord& r) {
  const Observation& o = r.observation;
  std::string seen = r.verdict.observed_known ? std::string(symptom_name(r.verdict.observed)) : "nothing known";
  std::string out = "<dl class=\"facts\">\n" + fact("expected", h(symptom_name(r.plan.expect))) +
                    fact("observed", h(seen));
  if (!r.plan.changed.empty()) out += fact("changed", options_html(r.plan.changed));
  if (!r.plan.why.empty()) out += fact("why (scenario)", h(r.plan.why));
  out += fact("TaskManager", h(describe_tm(o)) + (o.oom_kills ? fmt::format(", cgroup oom_kill={}", o.oom_kills) : ""));
  if (!o.job_state.empty()) out += fact("job", h(o.job_state));
  if (o.peak_bytes)
    out += fact("peak usage", fmt::format("{}{}", mib(o.peak_bytes),
                                          o.cgroup_limit_bytes ? " of limit " + mib(*o.cgroup_limit_bytes) : ""));
  out += fact("duration", seconds(o.timings.total) + (o.timed_out ? " (timed out)" : ""));
  return out + "</dl>\n";
}

struct MemRow {
  const char* name;
  std::uint64_t (*get)(const MemoryBreakdown&);
  bool total;
};

const MemRow kMemRows[] = {
    {"framework heap", [](const MemoryBreakdown& m) { return m.framework_heap; }, false},
    {"task heap", [](const MemoryBreakdown& m) { return m.task_heap; }, false},
    {"JVM heap", [](const MemoryBreakdown& m) { return m.jvm_heap(); }, true},
    {"framework off-heap", [](const MemoryBreakdown& m) { return m.framework_off_heap; }, false},
    {"task off-heap", [](const MemoryBreakdown& m) { return m.task_off_heap; }, false},
    {"network", [](const MemoryBreakdown& m) { return m.network; }, false},
    {"JVM direct", [](const MemoryBreakdown& m) { return m.jvm_direct(); }, true},
    {"managed", [](const MemoryBreakdown& m) { return m.managed; }, false},
    {"JVM metaspace", [](const MemoryBreakdown& m) { return m.jvm_metaspace; }, false},
    {"JVM overhead", [](const MemoryBreakdown& m) { return m.jvm_overhead; }, false},
    {"total process", [](const MemoryBreakdown& m) { return m.total_process(); }, true},
};

std::string size_cell(const std::optional<MemoryBreakdown>& m, const MemRow& row) { return m ? mib(row.get(*m)) : "-"; }

std::string delta(std::uint64_t before, std::uint64_t after) {
  if (before == after) return "";
  return after > before ? "+" + mib(after - before) : "-" + mib(before - after);
}

/// The breakdown Flink derived for this run, beside the faulty run's when this is a remedy.
std::string memory_table(const RunRecord* before, const RunRecord& r) {
  const auto& after = r.observation.memory;
  std::string out = "<table class=\"mem\">\n<thead><tr><th>component</th>";
  out += before ? "<th>faulty run</th><th>this remedy</th><th>change</th></tr></thead>\n"
                : "<th>this run</th></tr></thead>\n";
  for (const MemRow& row : kMemRows) {
    out += fmt::format("<tr{}><td>{}</td>", row.total ? " class=\"total\"" : "", row.name);
    if (before) {
      const auto& b = before->observation.memory;
      std::string d = b && after ? delta(row.get(*b), row.get(*after)) : "";
      out += fmt::format("<td class=\"num\">{}</td>", size_cell(b, row));
      out += fmt::format("<td class=\"num\">{}</td><td class=\"num diff\">{}</td>", size_cell(after, row), d);
    } else {
      out += fmt::format("<td class=\"num\">{}</td>", size_cell(after, row));
    }
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::string jvm_args(const Observation& o) {
  if (!o.memory || o.memory->jvm_args.empty()) return "";
  std::string args;
  for (const std::string& a : o.memory->jvm_args) args += (args.empty() ? "" : " ") + a;
  return fmt::format("<p>JVM: <code>{}</code></p>\n", h(args));
}

std::string hits_block(const Observation& o) {
  if (o.hits.empty()) return "";
  std::string lines;
  std::size_t shown = 0;
  for (const SymptomHit& hit : o.hits) {
    if (++shown > 20) break;
    lines += fmt::format("[{}] {} {}: {}\n", seconds(hit.at), symptom_name(hit.symptom), hit.source, hit.line);
  }
  if (o.hits.size() > 20) lines += fmt::format("... ({} more)\n", o.hits.size() - 20);
  return fmt::format("<h4>Symptom lines</h4>\n<pre class=\"log\">{}</pre>\n", h(lines));
}

std::string collapsible(std::string_view summary, std::string_view text) {
  if (text.empty()) return "";
  return fmt::format("<details><summary>{}</summary><pre>{}</pre></details>\n", summary, h(head_lines(text, 60)));
}

std::string variant_class(const RunRecord& r) {
  if (r.verdict.outcome == Outcome::pass && is_finding(r)) return "finding";
  return css_class(r.verdict.outcome);
}

std::string variant_card(const SuiteResult& s, const RunRecord& r) {
  const Observation& o = r.observation;
  const RunRecord* f = faulty_of(s, r);
  std::string out = fmt::format(
      "<section class=\"variant {}\" id=\"{}\">\n<h3><span class=\"badge {}\">{}</span>{} {} <small>{}</small></h3>\n"
      "<p class=\"reason\" title=\"{}\">{}</p>\n",
      variant_class(r), anchor(r.plan), css_class(r.verdict.outcome), outcome_label(r.verdict.outcome),
      is_finding(r) ? " <span class=\"badge finding\">finding</span>" : "", h(variant_id(r.plan)), h(r.plan.name),
      xml_attr(r.verdict.reason), h(r.verdict.reason));
  if (!o.harness_error.empty()) out += fmt::format("<p class=\"banner\">harness error: {}</p>\n", h(o.harness_error));
  for (const std::string& note : o.notes) out += fmt::format("<p class=\"none\">harness: {}</p>\n", h(note));
  std::string svg = memory_timeline_svg(o, "TaskManager memory of " + variant_id(r.plan));
  out += svg.empty() ? "<p class=\"none\">No memory timeline: no TaskManager ran.</p>\n" : svg;
  out += pools_svg(o, fmt::format("{} memory pools of {} (share of each pool's size)", role_name(r.plan.subject),
                                  variant_id(r.plan)));
  out += "<div class=\"cols\">\n<div>\n" + facts(r) + jvm_args(o) + "</div>\n<div>\n" +
         memory_table(f && f != &r ? f : nullptr, r) + "</div>\n</div>\n" + hits_block(o);
  out += collapsible(fmt::format("job failure ({})", h(o.job_state)), o.job_failure);
  out += collapsible("Flink's memory derivation output", o.derive_output);
  if (!r.reproduce.empty()) out += fmt::format("<p>reproduce: <code>{}</code></p>\n", h(r.reproduce));
  out += fmt::format("<p>logs: <code>{}</code></p>\n", h(r.dir.string()));
  return out + "</section>\n";
}

const char* const kLegend =
    "<p class=\"legend\">Timelines:<i class=\"k-usage\"></i>TaskManager cgroup memory usage"
    "<i class=\"k-limit\"></i>cgroup limit<i class=\"k-sym\"></i>first symptom"
    "<i class=\"k-ms\"></i>milestones (JM up, TM registered, task running, job ended)"
    "<i class=\"k-bar\"></i>sizes Flink derived: heap, direct, metaspace, managed, overhead</p>\n";

std::string variants(const SuiteResult& s) {
  std::string out;
  std::vector<std::string> done;
  for (const RunRecord& first : s.records) {
    if (std::find(done.begin(), done.end(), first.plan.scenario_id) != done.end()) continue;
    done.push_back(first.plan.scenario_id);
    out += fmt::format("<h2>{} <small>{}</small></h2>\n{}", h(first.plan.scenario_id), h(first.plan.title),
                       done.size() == 1 ? kLegend : "");
    for (const RunRecord& r : s.records)
      if (r.plan.scenario_id == first.plan.scenario_id) out += variant_card(s, r);
  }
  return out;
}

}  // namespace

std::string html_page(const SuiteResult& s) {
  return head(s) + "<body>\n<main>\n" + header(s) + doc_table(s) + beyond_the_guide(s) + variants(s) +
         "<footer>Rendered by tmfault from results.json; the timeline is the TaskManager cgroup's memory "
         "usage, the bar beside it the sizes Flink derived for the run.</footer>\n</main>\n</body>\n</html>\n";
}

}  // namespace tmfault::reports
