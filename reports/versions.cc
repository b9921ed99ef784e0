// Several suites side by side (`tmfault report --versions`): the comparison, and its text, HTML
// and JSON. Every text from a run goes through printable_text / xml_text: logs are hostile.
#include "reports/versions.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "reports/cells.h"
#include "reports/escape.h"
#include "reports/html_style.h"
#include "reports/reports.h"

namespace tmfault::reports {
namespace {

/// What must agree across versions: the outcome and, unless it is an error, the symptom seen.
std::string answer_key(const RunRecord& r) {
  if (r.verdict.outcome == Outcome::error) return "error";
  return fmt::format("{}:{}", outcome_name(r.verdict.outcome),
                     r.verdict.observed_known ? symptom_name(r.verdict.observed) : "?");
}

bool all_same(const std::vector<std::string>& keys) {
  return std::adjacent_find(keys.begin(), keys.end(), std::not_equal_to<>()) == keys.end();
}

/// Each run's key (of the runs present).
template <class F>
std::vector<std::string> keys_of(const ClaimAcross& c, F key) {
  std::vector<std::string> out;
  for (const RunRecord* r : c.runs)
    if (r) out.push_back(key(*r));
  return out;
}

std::string breakdown_of(const RunRecord& r) { return breakdown_row(r.observation); }

/// The Flink versions, "#2" appended to a repeated one.
std::vector<std::string> unique_labels(const std::vector<SuiteResult>& suites) {
  std::vector<std::string> labels;
  std::map<std::string, int> seen;
  for (const SuiteResult& s : suites) {
    int n = ++seen[s.flink_version];
    std::string v = valid_utf8(s.flink_version);
    labels.push_back(n == 1 ? v : fmt::format("{}#{}", v, n));
  }
  return labels;
}

std::string safe(std::string_view s) { return printable_text(s); }

/// `line` without its trailing blanks (the last column is padded too), plus a newline.
std::string end_line(std::string line) {
  line.erase(line.find_last_not_of(' ') + 1);
  return line + "\n";
}

std::string paint(std::string_view text, const RunRecord* r, bool color) {
  if (!color || !r) return std::string(text);
  std::string_view code = r->verdict.outcome == Outcome::pass   ? "32"
                          : r->verdict.outcome == Outcome::fail ? "31;1"
                                                                : "33;1";
  return fmt::format("\033[{}m{}\033[0m", code, text);
}

std::string counts_line(const SuiteResult& s) {
  std::map<Outcome, int> c;
  for (const RunRecord& r : s.records) ++c[r.verdict.outcome];
  return fmt::format("{} passed, {} failed, {} errors", c[Outcome::pass], c[Outcome::fail], c[Outcome::error]);
}

std::string kind_word(const RunRecord& r) { return r.plan.kind == VariantKind::faulty ? "symptom" : "remedy"; }

/// Why the tmfault builds matter: a difference may then come from tmfault, not from Flink.
std::string tmfault_builds_note(const std::vector<SuiteResult>& suites) {
  std::vector<std::string> builds;
  for (const SuiteResult& s : suites)
    if (std::find(builds.begin(), builds.end(), s.tmfault_version) == builds.end()) builds.push_back(s.tmfault_version);
  if (builds.size() < 2) return "";
  return fmt::format("the runs are from different tmfault versions ({}): a difference may come from tmfault "
                     "or the scenarios, not from Flink",
                     fmt::join(builds, ", "));
}

// ------------------------------------------------------------------------------------ text

std::string text_header(const std::vector<SuiteResult>& suites, const VersionComparison& vc) {
  std::string out = fmt::format("Flink versions side by side: {}\n", fmt::join(vc.labels, ", "));
  for (std::size_t i = 0; i < suites.size(); ++i)
    out += fmt::format("  {:<10} {:<34} {:>8}  started {}  tmfault {}{}\n", safe(vc.labels[i]), counts_line(suites[i]),
                       seconds(suites[i].wall), safe(suites[i].started_at), safe(suites[i].tmfault_version),
                       suites[i].interrupted ? "  INTERRUPTED" : "");
  if (std::string note = tmfault_builds_note(suites); !note.empty()) out += "  note: " + safe(note) + "\n";
  return out + fmt::format("{} claims: {} the same on every version, {} differ, {} not run on every version\n",
                           vc.claims.size(), vc.claims.size() - vc.differing(), vc.differing(), vc.missing());
}

/// Per section a table: a row per claim under its scenario, a column per version.
void text_table(const VersionComparison& vc, bool color, std::string& out) {
  std::size_t name_width = 5;
  std::vector<std::size_t> widths;
  for (const std::string& l : vc.labels) widths.push_back(l.size());
  for (const ClaimAcross& c : vc.claims) {
    name_width = std::max(name_width, c.plan->plan.variant.size());
    for (std::size_t i = 0; i < c.runs.size(); ++i) widths[i] = std::max(widths[i], version_cell(c.runs[i]).size());
  }
  std::string section, scenario;
  for (const ClaimAcross& c : vc.claims) {
    const VariantPlan& p = c.plan->plan;
    if (p.doc != section) {
      section = p.doc, scenario.clear();
      std::string head = fmt::format("\n{}  ({})\n{:<{}}", safe(p.title), safe(section), "", 14 + name_width);
      for (std::size_t i = 0; i < vc.labels.size(); ++i) head += fmt::format("  {:<{}}", safe(vc.labels[i]), widths[i]);
      out += end_line(head);
    }
    if (p.scenario_id != scenario) out += fmt::format("  {}\n", safe(scenario = p.scenario_id));
    std::string row = fmt::format("    {} {:<8}{:<{}}",
                                  c.differs   ? '*'
                                  : c.missing ? '?'
                                              : ' ',
                                  kind_word(*c.plan), safe(p.variant), name_width);
    for (std::size_t i = 0; i < c.runs.size(); ++i) {
      std::string cell = version_cell(c.runs[i]);
      row += "  " + paint(cell, c.runs[i], color) + std::string(widths[i] - cell.size(), ' ');
    }
    out += end_line(row);
    if (!p.quote.empty()) out += fmt::format("{:<14}\"{}\"\n", "", safe(p.quote));
  }
  out += "\n  * the verdict or the observed symptom differs between versions (details below)\n";
  if (vc.missing()) out += "  ? not run on every version (-)\n";
}

/// A claim's runs version by version: verdict, reason, breakdown (once when the same everywhere).
void text_runs(const VersionComparison& vc, const ClaimAcross& c, bool color, std::string& out) {
  bool same_memory = all_same(keys_of(c, breakdown_of));
  for (std::size_t i = 0; i < c.runs.size(); ++i) {
    const RunRecord* r = c.runs[i];
    out += fmt::format("    {:<10} {}\n", safe(vc.labels[i]), paint(version_cell(r), r, color));
    if (!r) continue;
    out += fmt::format("               {}\n", safe(r->verdict.reason));
    if (!same_memory) out += fmt::format("               memory: {}\n", breakdown_of(*r));
  }
  if (same_memory) out += fmt::format("    memory on every version: {}\n", breakdown_of(*c.plan));
}

void text_differences(const VersionComparison& vc, bool color, std::string& out) {
  if (vc.differing() == 0) return void(out += "\nNo claim differs between versions.\n");
  out += fmt::format("\nDifferences ({}): the claims whose verdict or observed symptom is not the same on every "
                     "version, with Flink's memory breakdown of the variant\n",
                     vc.differing());
  for (const ClaimAcross& c : vc.claims) {
    if (!c.differs) continue;
    const VariantPlan& p = c.plan->plan;
    out += fmt::format("\n* {}  ({} \"{}\", {})\n", safe(c.id), kind_word(*c.plan), safe(p.name), safe(p.title));
    if (!p.quote.empty()) out += fmt::format("    the guide: \"{}\"\n", safe(p.quote));
    out += fmt::format("    expects: {}{}\n", symptom_name(p.expect), p.why.empty() ? "" : " (" + safe(p.why) + ")");
    text_runs(vc, c, color, out);
  }
}

// ------------------------------------------------------------------------------------ HTML

std::string h(std::string_view s) { return xml_text(s); }

std::string anchor(std::string_view id) {
  std::string a = "d-" + std::string(id);
  for (char& ch : a)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') ch = '_';
  return a;
}

/// version_cell with the symptom kept whole: a narrow column breaks after the verdict.
std::string html_cell(const RunRecord* r) {
  std::string text = version_cell(r);
  std::size_t space = text.find(' ');
  if (space == std::string::npos) return h(text);
  return fmt::format("{} <span class=\"sym\">{}</span>", h(text.substr(0, space)), h(text.substr(space + 1)));
}

std::string cell_class(const RunRecord* r) { return r ? std::string(outcome_name(r->verdict.outcome)) : "missing"; }

constexpr std::string_view kVersionsCss = R"css(
main { max-width: 1440px; }
div.scroll { overflow-x: auto; }
table.versions td.v { font-weight: 600; font-size: 13px; }
table.versions td.claim { min-width: 240px; }
span.sym { white-space: nowrap; }
table.versions td.pass { color: var(--pass); } table.versions td.fail { color: var(--fail); }
table.versions td.error { color: var(--error); } table.versions td.missing { color: var(--muted); }
table.versions tr.differs td { background: #fff8c5; }
table.versions tr.differs td.claim::before { content: "\2260  "; color: var(--fail); font-weight: 600; }
table.versions q { display: block; color: var(--muted); font-size: 12.5px; font-style: italic; }
table.versions tr.section th code { color: var(--muted); font-weight: normal; margin-left: 8px; }
table.versions tr.section th { background: var(--bg); font-size: 14px; }
table.runs td.num { text-align: right; font-variant-numeric: tabular-nums; }
section.variant table td.memory { font-size: 12.5px; }
)css";

std::string html_head(const VersionComparison& vc) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>tmfault: Flink {} side by side - {} of {} claims differ</title>\n<style>{}{}</style>\n</head>\n",
      h(fmt::format("{}", fmt::join(vc.labels, ", "))), vc.differing(), vc.claims.size(), html_css(), kVersionsCss);
}

std::string html_runs(const std::vector<SuiteResult>& suites, const VersionComparison& vc) {
  std::string out =
      "<header>\n<h1>tmfault <small>Flink's memory troubleshooting guide on every Flink version</small></h1>\n"
      "<table class=\"runs\">\n<thead><tr><th>Flink</th><th>result</th><th>wall</th><th>started</th>"
      "<th>tmfault</th></tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < suites.size(); ++i)
    out += fmt::format("<tr><td><b>{}</b></td><td>{}{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>\n",
                       h(vc.labels[i]), counts_line(suites[i]), suites[i].interrupted ? " (interrupted)" : "",
                       seconds(suites[i].wall), h(suites[i].started_at), h(suites[i].tmfault_version));
  out += "</tbody>\n</table>\n";
  if (std::string note = tmfault_builds_note(suites); !note.empty())
    out += fmt::format("<p class=\"banner\">{}</p>\n", h(note));
  return out + fmt::format("<p><span class=\"badge pass\">{} the same on every version</span> "
                           "<span class=\"badge {}\">{} differ</span> <span class=\"badge {}\">{} not run "
                           "on every version</span></p>\n</header>\n",
                           vc.claims.size() - vc.differing(), vc.differing() ? "fail" : "pass", vc.differing(),
                           vc.missing() ? "error" : "pass", vc.missing());
}

std::string html_row(const ClaimAcross& c) {
  const VariantPlan& p = c.plan->plan;
  std::string name = c.differs ? fmt::format("<a href=\"#{}\">{}</a>", anchor(c.id), h(c.id)) : h(c.id);
  std::string quote = p.quote.empty() ? "" : fmt::format("<q>{}</q>", h(p.quote));
  std::string out = fmt::format("<tr{}><td class=\"kind\">{}</td><td class=\"claim\">{}{}</td>",
                                c.differs ? " class=\"differs\"" : "", kind_word(*c.plan), name, quote);
  for (const RunRecord* r : c.runs)
    out += fmt::format("<td class=\"v {}\" title=\"{}\">{}</td>", cell_class(r),
                       r ? xml_attr(r->verdict.reason) : "not run", html_cell(r));
  return out + "</tr>\n";
}

std::string html_table(const VersionComparison& vc) {
  std::string out =
      "<section id=\"claims\">\n<h2>Claims <small>verdict and observed symptom on each version"
      "</small></h2>\n<div class=\"scroll\">\n<table class=\"versions\">\n<thead><tr><th></th><th>claim</th>";
  for (const std::string& l : vc.labels) out += fmt::format("<th>{}</th>", h(l));
  out += "</tr></thead>\n<tbody>\n";
  std::string section;
  for (const ClaimAcross& c : vc.claims) {
    if (c.plan->plan.doc != section)
      section = c.plan->plan.doc,
      out += fmt::format("<tr class=\"section\"><th colspan=\"{}\">{}<code>{}</code></th></tr>\n", vc.labels.size() + 2,
                         h(c.plan->plan.title), h(section));
    out += html_row(c);
  }
  return out + "</tbody>\n</table>\n</div>\n</section>\n";
}

std::string html_difference(const VersionComparison& vc, const ClaimAcross& c) {
  const VariantPlan& p = c.plan->plan;
  std::string out = fmt::format(
      "<section class=\"variant fail\" id=\"{}\">\n<h3>{} <small>{} &ldquo;{}&rdquo; &middot; {}</small></h3>\n",
      anchor(c.id), h(c.id), kind_word(*c.plan), h(p.name), h(p.title));
  if (!p.quote.empty()) out += fmt::format("<p>The guide: <q>{}</q></p>\n", h(p.quote));
  out += fmt::format("<p>Expects <b>{}</b>{}</p>\n", symptom_name(p.expect), p.why.empty() ? "" : ": " + h(p.why));
  out += "<table class=\"mem\">\n<thead><tr><th>Flink</th><th>verdict</th><th>why</th><th>Flink's memory breakdown"
         "</th></tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < c.runs.size(); ++i) {
    const RunRecord* r = c.runs[i];
    out += fmt::format("<tr><td><b>{}</b></td><td class=\"cell {}\">{}</td><td>{}</td><td class=\"memory\">{}</td>"
                       "</tr>\n",
                       h(vc.labels[i]), r && r->verdict.outcome == Outcome::pass ? "good" : "bad", h(version_cell(r)),
                       r ? h(r->verdict.reason) : "not run", r ? h(breakdown_of(*r)) : "");
  }
  return out + "</tbody>\n</table>\n</section>\n";
}

// ------------------------------------------------------------------------------------ JSON

using nlohmann::ordered_json;

ordered_json memory_json(const Observation& o) {
  if (!o.memory) return nullptr;
  const MemoryBreakdown& m = *o.memory;
  return ordered_json{{"heap_bytes", m.jvm_heap()},         {"direct_bytes", m.jvm_direct()},
                      {"metaspace_bytes", m.jvm_metaspace}, {"overhead_bytes", m.jvm_overhead},
                      {"process_bytes", m.total_process()}, {"text", breakdown_row(o)}};
}

ordered_json run_json(const RunRecord* r) {
  if (!r) return nullptr;
  return ordered_json{{"outcome", outcome_name(r->verdict.outcome)},
                      {"observed", r->verdict.observed_known ? ordered_json(symptom_name(r->verdict.observed))
                                                             : ordered_json(nullptr)},
                      {"reason", valid_utf8(r->verdict.reason)},
                      {"memory", memory_json(r->observation)}};
}

ordered_json claim_json(const VersionComparison& vc, const ClaimAcross& c) {
  const VariantPlan& p = c.plan->plan;
  ordered_json versions = ordered_json::object();
  for (std::size_t i = 0; i < c.runs.size(); ++i) versions[vc.labels[i]] = run_json(c.runs[i]);
  return ordered_json{{"id", valid_utf8(c.id)},
                      {"kind", kind_word(*c.plan)},
                      {"doc", valid_utf8(p.doc)},
                      {"title", valid_utf8(p.title)},
                      {"name", valid_utf8(p.name)},
                      {"quote", valid_utf8(p.quote)},
                      {"expect", symptom_name(p.expect)},
                      {"differs", c.differs},
                      {"missing", c.missing},
                      {"versions", versions}};
}

}  // namespace

std::size_t VersionComparison::differing() const {
  return std::count_if(claims.begin(), claims.end(), [](const ClaimAcross& c) { return c.differs; });
}

std::size_t VersionComparison::missing() const {
  return std::count_if(claims.begin(), claims.end(), [](const ClaimAcross& c) { return c.missing; });
}

VersionComparison compare_versions(const std::vector<SuiteResult>& suites) {
  VersionComparison vc;
  vc.labels = unique_labels(suites);
  std::map<std::string, std::size_t> index;  // claim id -> position in vc.claims
  std::vector<std::string> order;  // "doc:<section>" and "scenario:<id>", first seen first
  for (std::size_t s = 0; s < suites.size(); ++s)
    for (const RunRecord& r : suites[s].records) {
      std::string id = variant_id(r.plan);
      auto [it, fresh] = index.emplace(id, vc.claims.size());
      if (fresh) vc.claims.push_back({id, &r, std::vector<const RunRecord*>(suites.size(), nullptr)});
      for (const std::string& key : {"doc:" + r.plan.doc, "scenario:" + r.plan.scenario_id})
        if (std::find(order.begin(), order.end(), key) == order.end()) order.push_back(key);
      vc.claims[it->second].runs[s] = &r;
    }
  for (ClaimAcross& c : vc.claims) {
    c.missing = std::count(c.runs.begin(), c.runs.end(), nullptr) > 0;
    c.differs = !all_same(keys_of(c, answer_key));
  }
  // Sections, then scenarios, in the order they first appear; claims keep theirs.
  auto place = [&](const ClaimAcross& c) {
    auto pos = [&](const std::string& x) { return std::find(order.begin(), order.end(), x) - order.begin(); };
    return std::pair(pos("doc:" + c.plan->plan.doc), pos("scenario:" + c.plan->plan.scenario_id));
  };
  std::stable_sort(vc.claims.begin(), vc.claims.end(),
                   [&](const ClaimAcross& a, const ClaimAcross& b) { return place(a) < place(b); });
  return vc;
}

std::string version_cell(const RunRecord* r) {
  if (!r) return "-";
  if (r->verdict.outcome == Outcome::error) return "ERROR";
  return fmt::format("{} {}", outcome_label(r->verdict.outcome),
                     r->verdict.observed_known ? symptom_name(r->verdict.observed) : "?");
}

std::string versions_text(const std::vector<SuiteResult>& suites, bool color) {
  VersionComparison vc = compare_versions(suites);
  std::string out = text_header(suites, vc);
  text_table(vc, color, out);
  text_differences(vc, color, out);
  return out;
}

std::string versions_html(const std::vector<SuiteResult>& suites) {
  VersionComparison vc = compare_versions(suites);
  std::string out = html_head(vc) + "<body>\n<main>\n" + html_runs(suites, vc) + html_table(vc);
  out += fmt::format("<section id=\"differences\">\n<h2>Differences <small>{} claim{} whose verdict or observed "
                     "symptom is not the same on every version</small></h2>\n",
                     vc.differing(), vc.differing() == 1 ? "" : "s");
  if (vc.differing() == 0) out += "<p class=\"none\">No claim differs between versions.</p>\n";
  for (const ClaimAcross& c : vc.claims)
    if (c.differs) out += html_difference(vc, c);
  return out + "</section>\n<footer>tmfault report --versions</footer>\n</main>\n</body>\n</html>\n";
}

std::string versions_json(const std::vector<SuiteResult>& suites) {
  VersionComparison vc = compare_versions(suites);
  ordered_json runs = ordered_json::array(), claims = ordered_json::array();
  for (std::size_t i = 0; i < suites.size(); ++i) {
    std::map<Outcome, int> c;
    for (const RunRecord& r : suites[i].records) ++c[r.verdict.outcome];
    runs.push_back({{"label", vc.labels[i]},
                    {"flink_version", valid_utf8(suites[i].flink_version)},
                    {"tmfault_version", valid_utf8(suites[i].tmfault_version)},
                    {"started_at", valid_utf8(suites[i].started_at)},
                    {"wall_ms", suites[i].wall.count()},
                    {"interrupted", suites[i].interrupted},
                    {"passed", c[Outcome::pass]},
                    {"failed", c[Outcome::fail]},
                    {"errors", c[Outcome::error]}});
  }
  for (const ClaimAcross& c : vc.claims) claims.push_back(claim_json(vc, c));
  ordered_json j{{"format", "tmfault-versions/1"},
                 {"runs", runs},
                 {"claims", claims},
                 {"differing", vc.differing()},
                 {"missing", vc.missing()}};
  return j.dump(2) + "\n";
}

}  // namespace tmfault::reports
