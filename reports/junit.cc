// JUnit XML for CI reporters (Jenkins, GitLab, GitHub actions): the Jenkins/Ant schema in
// tests/data/junit/junit.xsd. No CDATA: every text goes through xml_text/xml_attr.
#include <fmt/format.h>

#include <regex>
#include <vector>

#include "reports/cells.h"
#include "reports/escape.h"
#include "reports/reports.h"

namespace tmfault::reports {
namespace {

/// "9.812": seconds with 3 decimals, exact from milliseconds.
std::string junit_time(Millis m) {
  long long ms = std::max<long long>(0, m.count());
  return fmt::format("{}.{:03}", ms / 1000, ms % 1000);
}

/// "2026-11-26T02:12:24" (the schema's timestamp has no zone; ours is UTC), or "" if malformed.
std::string junit_timestamp(const std::string& started_at) {
  static const std::regex iso(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})");
  std::smatch m;
  return std::regex_search(started_at, m, iso) ? m.str() : std::string();
}

struct Group {
  std::string scenario;
  std::vector<const RunRecord*> records;
};

std::vector<Group> by_scenario(const SuiteResult& s) {
  std::vector<Group> groups;
  for (const RunRecord& r : s.records) {
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const Group& g) { return g.scenario == r.plan.scenario_id; });
    if (it == groups.end()) it = groups.insert(groups.end(), {r.plan.scenario_id, {}});
    it->records.push_back(&r);
  }
  return groups;
}

int count(const std::vector<const RunRecord*>& rs, Outcome o) {
  return static_cast<int>(std::count_if(rs.begin(), rs.end(), [&](auto* r) { return r->verdict.outcome == o; }));
}

std::string property(std::string_view name, std::string_view value) {
  return fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", xml_attr(name), xml_attr(value));
}

/// The body of <failure>/<error>: what was expected and seen, and the memory before/after.
std::string failure_body(const SuiteResult& s, const RunRecord& r) {
  std::string seen = r.verdict.observed_known ? std::string(symptom_name(r.verdict.observed)) : "nothing known";
  std::string out = fmt::format("{}\nexpected: {}\nobserved: {}\n", r.verdict.reason, symptom_name(r.plan.expect),
                                seen);
  if (!r.plan.why.empty()) out += fmt::format("why (scenario): {}\n", r.plan.why);
  for (const auto& [k, v] : r.plan.changed) out += fmt::format("changed: {} = {}\n", k, v);
  const RunRecord* f = faulty_of(s, r);
  if (f && f != &r)
    out += fmt::format("before: {}\nafter:  {}\n", breakdown_row(f->observation), breakdown_row(r.observation));
  else out += fmt::format("memory: {}\n", breakdown_row(r.observation));
  if (!r.observation.job_failure.empty())
    out += fmt::format("job {}: {}\n", r.observation.job_state, head_lines(r.observation.job_failure, 12));
  out += fmt::format("logs: {}\n", r.dir.string());
  return out;
}

/// Symptom lines (as observed, with time and source) and the reproduce line.
std::string system_out(const RunRecord& r) {
  std::string out;
  for (const SymptomHit& h : r.observation.hits)
    out += fmt::format("[{} {}] {}: {}\n", junit_time(h.at), symptom_name(h.symptom), h.source, h.line);
  if (!r.reproduce.empty()) out += fmt::format("reproduce: {}\n", r.reproduce);
  return out;
}

std::string testcase(const SuiteResult& s, const RunRecord& r) {
  std::string out = fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{}\">\n",
                                xml_attr(r.plan.scenario_id), xml_attr(r.plan.variant),
                                junit_time(r.observation.timings.total));
  if (r.verdict.outcome != Outcome::pass) {
    std::string_view tag = r.verdict.outcome == Outcome::fail ? "failure" : "error";
    out += fmt::format("      <{} message=\"{}\" type=\"{}\">{}</{}>\n", tag, xml_attr(r.verdict.reason),
                       outcome_name(r.verdict.outcome), xml_text(failure_body(s, r)), tag);
  }
  std::string so = system_out(r);
  if (!so.empty()) out += fmt::format("      <system-out>{}</system-out>\n", xml_text(so));
  return out + "    </testcase>\n";
}

std::string testsuite(const SuiteResult& s, const Group& g, int id) {
  Millis total{0};
  for (const RunRecord* r : g.records) total += r->observation.timings.total;
  std::string stamp = junit_timestamp(s.started_at);
  std::string out = fmt::format(
      "  <testsuite name=\"{}\" package=\"tmfault\" id=\"{}\" hostname=\"localhost\"{} tests=\"{}\" "
      "failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{}\">\n    <properties>\n",
      xml_attr(g.scenario), id, stamp.empty() ? "" : fmt::format(" timestamp=\"{}\"", stamp), g.records.size(),
      count(g.records, Outcome::fail), count(g.records, Outcome::error), junit_time(total));
  out += property("flink_version", s.flink_version) + property("tmfault_version", s.tmfault_version) +
         property("started_at", s.started_at) + property("doc", g.records.front()->plan.doc) +
         property("title", g.records.front()->plan.title);
  out += "    </properties>\n";
  for (const RunRecord* r : g.records) out += testcase(s, *r);
  return out + "  </testsuite>\n";
}

}  // namespace

std::string junit_xml(const SuiteResult& s) {
  std::vector<const RunRecord*> all;
  for (const RunRecord& r : s.records) all.push_back(&r);
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"tmfault (Flink {})\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">\n",
      xml_attr(s.flink_version), all.size(), count(all, Outcome::fail), count(all, Outcome::error), junit_time(s.wall));
  int id = 0;
  for (const Group& g : by_scenario(s)) out += testsuite(s, g, id++);
  return out + "</testsuites>\n";
}

}  // namespace tmfault::reports
