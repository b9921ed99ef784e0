#include <fmt/format.h>

#include "model/doc.h"
#include "reports/cells.h"
#include "reports/escape.h"
#include "reports/reports.h"

namespace tmfault::reports {
namespace {

constexpr std::size_t kQuoteWidth = 72;

/// "'You can try to increase ...'" cut to the table's width, on one line.
std::string short_quote(std::string_view q) {
  std::string s = printable_text(q);
  if (s.size() > kQuoteWidth) s = s.substr(0, kQuoteWidth - 3) + "...";
  return "\"" + s + "\"";
}

/// What the stored run concluded about a claim ("" without results).
std::string claim_result(const DocClaim& c, bool with_results) {
  if (!with_results) return "";
  if (!c.record) return "  ->  not in the results";
  Cell cell = doc_cell(*c.record);
  return fmt::format("  ->  {}{}", cell.text, cell.kind == CellKind::finding ? ", a known finding" : "");
}

/// "  advice   TaskManager: \"...\"\n           tested by heap-space/x" (the unit whole: it is what doc-check read).
std::string advice_line(const DocAdviceCheck& a) {
  std::string who = a.advice.process ? std::string(role_name(*a.advice.process)) : "either process";
  std::string by = a.tested_by.empty()
                       ? "UNTESTED: no remedy" + (a.advice.process ? " of a " + who + " scenario" : "") + " quotes it"
                       : "tested by ";
  for (std::size_t i = 0; i < a.tested_by.size(); ++i) by += (i ? ", " : "") + printable_text(a.tested_by[i]);
  return fmt::format("  advice   {}: \"{}\"\n           {}\n", who, printable_text(a.advice.text), by);
}

std::string claim_quote(const DocClaim& c) {
  if (c.quote.empty()) return "(no quote)";
  if (!c.source.empty()) return fmt::format("not in the guide; {}: {}", c.source, short_quote(c.quote));
  return (c.quote_found ? "" : "STALE, not in the guide: ") + short_quote(c.quote);
}

}  // namespace

std::string doc_check_text(const DocCheck& dc, const std::vector<std::string>& problems) {
  std::size_t scenarios = 0, advice = 0;
  for (const DocSectionCheck& s : dc.sections) scenarios += s.scenarios.size(), advice += s.advice.size();
  bool with_results = !dc.flink_version.empty();
  std::string out = fmt::format("{}: {} sections, {} units of advice, checked by {} scenarios{}\n",
                                printable_text(dc.doc_name), dc.sections.size(), advice, scenarios,
                                with_results ? fmt::format("; results of Flink {}", printable_text(dc.flink_version))
                                             : std::string());
  for (const DocSectionCheck& s : dc.sections) {
    out += fmt::format("\n## {}  (line {}, #{})\n", printable_text(s.section.title), s.section.line,
                       printable_text(s.section.anchor));
    if (s.scenarios.empty()) out += "  no scenario checks this section\n";
    for (const DocClaim& c : s.claims)
      out += fmt::format("  {:<8} {}{}\n           {}\n", c.kind == VariantKind::faulty ? "symptom" : "remedy",
                         printable_text(c.variant), claim_result(c, with_results), claim_quote(c));
    for (const DocAdviceCheck& a : s.advice) out += advice_line(a);
  }
  if (problems.empty()) {
    out += "\nevery section is checked, every piece of advice is tested, every quote is the guide's\n";
  } else {
    out += fmt::format("\n{} problem(s):\n", problems.size());
    for (const std::string& p : problems) out += "  " + printable_text(p) + "\n";
  }
  return out;
}

}  // namespace tmfault::reports
