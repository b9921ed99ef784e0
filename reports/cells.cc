#include "reports/cells.h"

#include "reports/reports.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string_view>

namespace tmfault::reports {

Cell symptom_cell(const RunRecord& r) {
  if (r.verdict.outcome == Outcome::error) return {"error", CellKind::error};
  if (r.verdict.outcome == Outcome::pass)
    return {fmt::format("reproduced ({})", symptom_name(r.plan.expect)), CellKind::good};
  return {fmt::format("NOT reproduced (saw {})",
                      r.verdict.observed_known ? symptom_name(r.verdict.observed) : "nothing known"),
          CellKind::bad};
}

Cell remedy_cell(const RunRecord& r) {
  if (r.verdict.outcome == Outcome::error) return {"error", CellKind::error};
  bool known = r.plan.expect != Symptom::healthy;
  if (!r.verdict.observed_known) return {"refuted (no outcome)", CellKind::bad};
  if (r.verdict.observed == Symptom::healthy) return {"confirmed", CellKind::good};
  return {fmt::format("refuted ({})", symptom_name(r.verdict.observed)),
          known && r.verdict.outcome == Outcome::pass ? CellKind::finding : CellKind::bad};
}

Cell doc_cell(const RunRecord& r) {
  return r.plan.kind == VariantKind::faulty ? symptom_cell(r) : remedy_cell(r);
}

std::vector<std::string> doc_sections(const SuiteResult& s) {
  std::vector<std::string> sections;
  for (const RunRecord& r : s.records)
    if (std::find(sections.begin(), sections.end(), r.plan.doc) == sections.end())
      sections.push_back(r.plan.doc);
  return sections;
}

const RunRecord* faulty_of(const SuiteResult& s, const RunRecord& r) {
  for (const RunRecord& x : s.records)
    if (x.plan.scenario_id == r.plan.scenario_id && x.plan.kind == VariantKind::faulty) return &x;
  return nullptr;
}

bool is_finding(const RunRecord& r) {
  return r.plan.kind == VariantKind::remedy && r.verdict.observed_known &&
         r.verdict.observed != Symptom::healthy;
}

std::string mib(std::uint64_t b) { return fmt::format("{}m", (b + (1 << 19)) >> 20); }

std::string seconds(Millis m) { return fmt::format("{:.1f}s", m.count() / 1000.0); }

std::string variant_id(const VariantPlan& p) { return p.scenario_id + "/" + p.variant; }

std::string breakdown_row(const Observation& o) {
  if (!o.memory) return "no breakdown (Flink refused the configuration)";
  const MemoryBreakdown& m = *o.memory;
  if (m.jobmanager()) {
    bool limited = std::any_of(m.jvm_args.begin(), m.jvm_args.end(),
                               [](const std::string& f) { return f.starts_with("-XX:MaxDirectMemorySize="); });
    return fmt::format("heap {}, off-heap {} (direct limit {}), metaspace {}, overhead {} = process {}", mib(m.jm_heap),
                       mib(m.jm_off_heap), limited ? "on" : "off: the JDK's default, the max heap", mib(m.jvm_metaspace),
                       mib(m.jvm_overhead), mib(m.total_process()));
  }
  return fmt::format("heap {} (fw {} + task {}), direct {} (fw {} + task {} + net {}), managed {}, "
                     "metaspace {}, overhead {} = process {}",
                     mib(m.jvm_heap()), mib(m.framework_heap), mib(m.task_heap), mib(m.jvm_direct()),
                     mib(m.framework_off_heap), mib(m.task_off_heap), mib(m.network), mib(m.managed),
                     mib(m.jvm_metaspace), mib(m.jvm_overhead), mib(m.total_process()));
}

const SymptomHit* first_hit(const Observation& o) {
  auto it = std::min_element(o.hits.begin(), o.hits.end(),
                             [](const auto& a, const auto& b) { return a.at < b.at; });
  return it == o.hits.end() ? nullptr : &*it;
}

std::string outcome_label(Outcome o) {
  std::string label(outcome_name(o));
  for (char& c : label) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return label;
}

std::string head_lines(std::string_view s, std::size_t n) {
  std::size_t pos = 0, lines = 0;
  while (lines < n && pos < s.size()) {
    std::size_t nl = s.find('\n', pos);
    pos = nl == std::string_view::npos ? s.size() : nl + 1;
    ++lines;
  }
  if (pos >= s.size()) return std::string(s);
  std::size_t rest = std::count(s.begin() + pos, s.end(), '\n') + 1;
  return fmt::format("{}... ({} more lines in result.json)", s.substr(0, pos), rest);
}

}  // namespace tmfault::reports
