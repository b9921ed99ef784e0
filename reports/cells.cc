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

Cell doc_cell(const RunRecord& r) { return r.plan.kind == VariantKind::faulty ? symptom_cell(r) : remedy_cell(r); }

std::vector<std::string> doc_sections(const SuiteResult& s) {
  std::vector<std::string> sections;
  for (const RunRecord& r : s.records)
    if (std::find(sections.begin(), sections.end(), r.plan.doc) == sections.end()) sections.push_back(r.plan.doc);
  return sections;
}

const RunRecord* faulty_of(const SuiteResult& s, const RunRecord& r) {
  for (const RunRecord& x : s.records)
    if (x.plan.scenario_id == r.plan.scenario_id && x.plan.kind == VariantKind::faulty) return &x;
  return nullptr;
}

bool is_finding(const RunRecord& r) {
  return r.plan.kind == VariantKind::remedy && r.verdict.observed_known && r.verdict.observed != Symptom::healthy;
}

bool is_beyond_the_guide(const RunRecord& r) {
  return r.plan.kind == VariantKind::remedy && (!r.plan.source.empty() || is_finding(r));
}

std::string beyond_the_guide_summary(const RunRecord& r) {
  if (r.verdict.outcome == Outcome::error) return "error: " + r.verdict.reason;
  std::string saw = r.verdict.observed_known ? std::string(symptom_name(r.verdict.observed)) : "nothing known";
  bool healthy = r.verdict.observed_known && r.verdict.observed == Symptom::healthy;
  if (!r.plan.source.empty())
    return healthy ? "not in the guide, and it resolves the symptom"
                   : fmt::format("not in the guide, and it does not resolve the symptom (saw {})", saw);
  return fmt::format("the guide's remedy does not resolve the symptom (saw {})", saw);
}

std::string mib(std::uint64_t b) { return fmt::format("{}m", (b + (1 << 19)) >> 20); }

std::string seconds(Millis m) { return fmt::format("{:.1f}s", static_cast<double>(m.count()) / 1000.0); }

std::string variant_id(const VariantPlan& p) { return p.scenario_id + "/" + p.variant; }

std::string breakdown_row(const Observation& o) {
  if (!o.memory) return "no breakdown (Flink refused the configuration)";
  const MemoryBreakdown& m = *o.memory;
  if (m.jobmanager()) {
    bool limited = std::any_of(m.jvm_args.begin(), m.jvm_args.end(),
                               [](const std::string& f) { return f.starts_with("-XX:MaxDirectMemorySize="); });
    return fmt::format("heap {}, off-heap {} (direct limit {}), metaspace {}, overhead {} = process {}", mib(m.jm_heap),
                       mib(m.jm_off_heap), limited ? "on" : "off: the JDK's default, the max heap",
                       mib(m.jvm_metaspace), mib(m.jvm_overhead), mib(m.total_process()));
  }
  return fmt::format("heap {} (fw {} + task {}), direct {} (fw {} + task {} + net {}), managed {}, "
                     "metaspace {}, overhead {} = process {}",
                     mib(m.jvm_heap()), mib(m.framework_heap), mib(m.task_heap), mib(m.jvm_direct()),
                     mib(m.framework_off_heap), mib(m.task_off_heap), mib(m.network), mib(m.managed),
                     mib(m.jvm_metaspace), mib(m.jvm_overhead), mib(m.total_process()));
}

const SymptomHit* first_hit(const Observation& o) {
  auto it = std::min_element(o.hits.begin(), o.hits.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  return it == o.hits.end() ? nullptr : &*it;
}

Millis pools_moment(const Observation& o) {
  if (const SymptomHit* h = first_hit(o)) return h->at;
  if (o.timings.subject_exited) return *o.timings.subject_exited;
  if (o.timings.job_ended) return *o.timings.job_ended;
  return o.timings.total;
}

namespace {

constexpr double kMiBytes = 1 << 20;
constexpr Millis kGcWindow{2'000};

std::optional<double> used_of(const PoolDef& d, const PoolSample& s) {
  if (!(s.*d.used)) return std::nullopt;
  double v = static_cast<double>(*(s.*d.used));
  if (d.used_is_free) {
    if (!(s.*d.max)) return std::nullopt;
    v = static_cast<double>(*(s.*d.max)) - v;
  }
  return std::string_view(d.unit) == "MiB" ? v / kMiBytes : v;
}

double max_of(const PoolDef& d, const PoolSample& s) {
  if (!(s.*d.max)) return 0;
  double v = static_cast<double>(*(s.*d.max));
  return std::string_view(d.unit) == "MiB" ? v / kMiBytes : v;
}

}  // namespace

std::optional<PoolsAt> pools_at(const Observation& o, Millis at) {
  const PoolSample* last = nullptr;
  for (const PoolSample& s : o.usage)
    if (s.at <= at) last = &s;
  if (!last) return std::nullopt;
  PoolsAt out;
  out.sample_age = at - last->at;
  for (const PoolDef& d : kPools) {
    auto used = used_of(d, *last);
    if (!used) continue;
    PoolFigure f{d.name, d.unit, *used, max_of(d, *last), *used};
    for (const PoolSample& s : o.usage)
      if (auto u = used_of(d, s)) f.peak = std::max(f.peak, *u);
    out.pools.push_back(f);
  }
  const PoolSample* before = nullptr;  // the latest sample at least kGcWindow earlier
  for (const PoolSample& s : o.usage)
    if (s.at + kGcWindow <= last->at) before = &s;
  if (before && last->gc_time_ms && before->gc_time_ms && last->at > before->at) {
    out.gc_window = last->at - before->at;
    out.gc_share = static_cast<double>(*last->gc_time_ms - std::min(*last->gc_time_ms, *before->gc_time_ms)) /
                   static_cast<double>(out.gc_window.count());
  }
  return out;
}

std::vector<PoolSeries> pool_series(const Observation& o) {
  std::vector<PoolSeries> out;
  for (const PoolDef& d : kPools) {
    PoolSeries p{d.name, d.unit, 0, {}};
    for (const PoolSample& s : o.usage) {
      if (auto u = used_of(d, s)) p.used.emplace_back(s.at, *u);
      if (double m = max_of(d, s); m > 0) p.max = m;
    }
    if (!p.used.empty()) out.push_back(std::move(p));
  }
  return out;
}

std::string resubmission_line(const RunRecord& r) {
  const Observation& o = r.observation;
  if (r.plan.submissions <= 1) return "";
  std::size_t finished = 0;
  std::string after;
  for (const SubmittedJob& j : o.jobs) {
    if (j.state != "FINISHED" || !j.ended) continue;
    ++finished;
    if (auto p = pools_at(o, *j.ended))
      for (const PoolFigure& f : p->pools)
        if (f.name == "metaspace") after += fmt::format(" {:.0f}", f.used);
  }
  std::string seen = r.verdict.observed_known ? std::string(symptom_name(r.verdict.observed)) : "no known symptom";
  std::string out = finished == o.jobs.size() && finished == static_cast<std::size_t>(r.plan.submissions)
                        ? fmt::format("all {} submissions finished", finished)
                        : fmt::format("{} of {} submissions finished, submission {} saw {}", finished,
                                      r.plan.submissions, finished + 1, seen);
  if (o.memory) out += fmt::format("; metaspace {}", mib(o.memory->jvm_metaspace));
  if (!after.empty()) out += fmt::format(", used after each finished job (MiB):{}", after);
  return out;
}

std::string pools_line(const Observation& o) {
  Millis at = pools_moment(o);
  auto p = pools_at(o, at);
  if (!p) return "";
  std::string out;
  for (const PoolFigure& f : p->pools) {
    out += out.empty() ? "" : ", ";
    out += f.max > 0 ? fmt::format("{} {:.0f}/{:.0f} {}", f.name, f.used, f.max, f.unit)
                     : fmt::format("{} {:.0f} {}", f.name, f.used, f.unit);
    if (f.peak > f.used + 0.5) out += fmt::format(" (peak {:.0f})", f.peak);
  }
  if (p->gc_share)
    out += fmt::format(", GC {:.0f}% of the last {}", std::min(100.0, *p->gc_share * 100), seconds(p->gc_window));
  const char* what = first_hit(o) ? "the symptom" : o.timings.subject_exited ? "the exit" : "the end";
  return out + fmt::format("; received {} before {}", seconds(p->sample_age), what);
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
