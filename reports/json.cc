#include <nlohmann/json.hpp>

#include "reports/reports.h"

namespace tmfault::reports {
namespace {

using nlohmann::ordered_json;

ordered_json options_json(const FlinkOptions& o) {
  ordered_json j = ordered_json::object();
  for (const auto& [k, v] : o) j[k] = v;
  return j;
}

template <class T>
ordered_json opt_ms(const std::optional<T>& v) {
  return v ? ordered_json(v->count()) : ordered_json(nullptr);
}

ordered_json memory_json(const MemoryBreakdown& m) {
  ordered_json j = ordered_json::object();
  if (m.jobmanager()) j["role"] = role_name(m.role);  // absent: a TaskManager (format 1)
  for (const MemoryPart& part : memory_parts(m.role)) j[part.name] = m.*part.bytes;
  j["total_flink"] = m.total_flink();
  j["total_process"] = m.total_process();
  j["jvm_args"] = m.jvm_args;
  j["dynamic_args"] = m.dynamic_args;
  return j;
}

ordered_json cpu_json(const std::map<std::string, Millis>& cpu) {
  ordered_json j = ordered_json::object();
  for (const auto& [k, v] : cpu) j[k] = v.count();
  return j;
}

ordered_json exit_json(const std::optional<ExitStatus>& e) {
  if (!e) return nullptr;
  return {{"signaled", e->signaled}, {"code", e->code}, {"shell_code", e->shell_code()}};
}

ordered_json plan_json(const VariantPlan& p) {
  ordered_json j = {{"scenario", p.scenario_id},
                    {"variant", p.variant},
                    {"name", p.name},
                    {"kind", p.kind == VariantKind::faulty ? "faulty" : "remedy"},
                    {"subject", role_name(p.subject)},
                    {"doc", p.doc},
                    {"title", p.title},
                    {"expect", symptom_name(p.expect)},
                    {"expect_mentions", p.expect_mentions},
                    {"why", p.why},
                    {"source", p.source},
                    {"quote", p.quote},
                    {"changed", options_json(p.changed)},
                    {"taskmanager", options_json(p.options)},
                    {"workload", p.workload},
                    {"workload_class", p.workload_class},
                    {"workload_args", p.workload_args},
                    {"cgroup_limit_bytes",
                     p.cgroup_limit_bytes ? ordered_json(*p.cgroup_limit_bytes) : ordered_json(nullptr)},
                    {"timeout_ms", p.timeout.count()},
                    {"submissions", p.submissions}};
  if (!p.env.empty()) j["env"] = options_json(p.env);  // only when set: older results stay byte-identical
  return j;
}

ordered_json observation_json(const Observation& o) {
  ordered_json hits = ordered_json::array();
  for (const auto& h : o.hits)
    hits.push_back(
        {{"symptom", symptom_name(h.symptom)}, {"source", h.source}, {"at_ms", h.at.count()}, {"line", h.line}});
  ordered_json samples = ordered_json::array();
  for (const auto& s : o.samples) samples.push_back({s.at.count(), s.usage_bytes});
  ordered_json usage = ordered_json::array();
  for (const PoolSample& s : o.usage) {
    ordered_json u = {{"t_ms", s.at.count()}};
    for (const PoolField& f : kPoolFields)
      if (s.*f.value) u[f.name] = *(s.*f.value);
    usage.push_back(std::move(u));
  }
  ordered_json jobs = ordered_json::array();
  for (const SubmittedJob& j : o.jobs)
    jobs.push_back({{"id", j.id}, {"at_ms", j.at.count()}, {"state", j.state}, {"ended_ms", opt_ms(j.ended)}});
  const Timings& t = o.timings;
  return {{"harness_error", o.harness_error},
          {"derive_ok", o.derive_ok},
          {"derive_output", o.derive_output},
          {"memory", o.memory ? memory_json(*o.memory) : ordered_json(nullptr)},
          {"cgroup_limit_bytes", o.cgroup_limit_bytes ? ordered_json(*o.cgroup_limit_bytes) : ordered_json(nullptr)},
          {"tm_started", o.tm_started},
          {"tm_exit", exit_json(o.tm_exit)},
          {"jm_exit", exit_json(o.jm_exit)},
          {"oom_kills", o.oom_kills},
          {"peak_bytes", o.peak_bytes},
          {"foreign_oom_kill", o.foreign_oom_kill},
          {"job_state", o.job_state},
          {"job_failure", o.job_failure},
          {"timed_out", o.timed_out},
          {"interrupted", o.interrupted},
          {"hits", hits},
          {"timings_ms",
           {{"derived", opt_ms(t.derived)},
            {"jm_ready", opt_ms(t.jm_ready)},
            {"job_submitted", opt_ms(t.job_submitted)},
            {"tm_registered", opt_ms(t.tm_registered)},
            {"job_running", opt_ms(t.job_running)},
            {"job_ended", opt_ms(t.job_ended)},
            {"first_symptom", opt_ms(t.first_symptom)},
            {"subject_exited", opt_ms(t.subject_exited)},
            {"deadline", opt_ms(t.deadline)},
            {"total", t.total.count()}}},
          {"ports", o.ports},
          {"notes", o.notes},
          {"cpu_ms", cpu_json(o.cpu)},
          {"samples", samples},
          {"usage", usage},
          {"jobs", jobs},
          {"oom_while_logging", o.oom_while_logging}};
}

ordered_json record(const RunRecord& r) {
  return {{"plan", plan_json(r.plan)},
          {"observation", observation_json(r.observation)},
          {"verdict",
           {{"outcome", outcome_name(r.verdict.outcome)},
            {"observed",
             r.verdict.observed_known ? ordered_json(symptom_name(r.verdict.observed)) : ordered_json(nullptr)},
            {"reason", r.verdict.reason}}},
          {"reproduce", r.reproduce},
          {"dir", r.dir.string()}};
}

}  // namespace

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::pass: return "pass";
    case Outcome::fail: return "fail";
    case Outcome::error: return "error";
  }
  return "?";
}

std::string record_json(const RunRecord& r) {
  return record(r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string suite_json(const SuiteResult& s) {
  ordered_json records = ordered_json::array();
  for (const auto& r : s.records) records.push_back(record(r));
  ordered_json j = {
      {"format", "tmfault-suite/1"},
      {"started_at", s.started_at},
      {"flink_version", s.flink_version},
      {"tmfault_version", s.tmfault_version},
      {"host", {{"cgroup", s.host.cgroup}, {"swap_bytes", s.host.swap_bytes}, {"swap_limited", s.host.swap_limited}}},
      {"wall_ms", s.wall.count()},
      {"interrupted", s.interrupted},
      {"records", records}};
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace tmfault::reports
