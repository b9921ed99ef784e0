#include "harness/check.h"

#include <algorithm>
#include <fmt/format.h>

#include "harness/exit_status.h"
#include "harness/log_events.h"

namespace tmfault {
namespace {

const SymptomHit* first_hit(const Observation& o) {
  auto it = std::min_element(o.hits.begin(), o.hits.end(),
                             [](const auto& a, const auto& b) { return a.at < b.at; });
  return it == o.hits.end() ? nullptr : &*it;
}

bool tm_killed_by_kernel(const Observation& o) {
  return o.tm_exit && o.tm_exit->signaled && o.tm_exit->code == 9 && o.tm_oom_kills > 0;
}

std::string first_line(std::string_view s) {
  std::string_view line = s.substr(0, s.find('\n'));
  return std::string(line.substr(0, 300));
}

}  // namespace

std::optional<Symptom> observed_symptom(const Observation& o, std::string& detail) {
  if (!o.derive_ok) {
    std::string msg = illegal_config_message(o.derive_output);
    if (!msg.empty()) {
      detail = msg;
      return Symptom::illegal_config;
    }
    std::string_view out = o.derive_output;
    std::size_t at = out.find("Exception");
    std::size_t from = at == std::string_view::npos ? 0 : out.rfind('\n', at) + 1;
    detail = "BashJavaUtils failed without an IllegalConfigurationException from "
             "TaskExecutorProcessUtils: " + first_line(out.substr(from == std::string_view::npos ? 0 : from));
    return std::nullopt;
  }
  const SymptomHit* hit = first_hit(o);
  if (tm_killed_by_kernel(o) && !hit) {
    detail = fmt::format("TM {}, cgroup oom_kill={}, no Java error", describe_exit(*o.tm_exit),
                         o.tm_oom_kills);
    return Symptom::container_killed;
  }
  if (hit) {
    detail = fmt::format("{} log: {}", hit->source, hit->line);
    return hit->symptom;
  }
  if (o.job_state == "FINISHED" && !o.tm_exit && o.tm_oom_kills == 0) {
    detail = "job FINISHED, TM alive, no symptom";
    return Symptom::healthy;
  }
  if (o.tm_exit) detail = fmt::format("TM {}", describe_exit(*o.tm_exit));
  else if (!o.job_state.empty())
    detail = fmt::format("job {}: {}", o.job_state, first_line(o.job_failure));
  else detail = o.timed_out ? "timed out before the job ended" : "no job outcome";
  if (o.tm_oom_kills > 0) detail += fmt::format(", cgroup oom_kill={}", o.tm_oom_kills);
  return std::nullopt;
}

Verdict check(const VariantPlan& plan, const Observation& o) {
  Verdict v;
  if (o.interrupted) {
    v.reason = "interrupted";
    return v;
  }
  if (!o.harness_error.empty()) {
    v.reason = o.harness_error;
    return v;
  }
  std::string detail;
  std::optional<Symptom> seen = observed_symptom(o, detail);
  v.observed_known = seen.has_value();
  if (seen) v.observed = *seen;
  if (!seen && o.timed_out) {
    v.outcome = Outcome::error;
    v.reason = fmt::format("no outcome within {}s: {}", plan.timeout.count() / 1000.0, detail);
    return v;
  }
  if (seen == plan.expect) {
    for (const auto& m : plan.expect_mentions) {
      if (detail.find(m) != std::string::npos) continue;
      v.outcome = Outcome::fail;
      v.reason = fmt::format("{} seen, but its message does not mention '{}': {}",
                             symptom_name(*seen), m, detail);
      return v;
    }
    v.outcome = Outcome::pass;
    v.reason = detail;
    return v;
  }
  v.outcome = Outcome::fail;
  v.reason = fmt::format("expected {}, saw {}: {}", symptom_name(plan.expect),
                         seen ? symptom_name(*seen) : "no known symptom", detail);
  return v;
}

}  // namespace tmfault
