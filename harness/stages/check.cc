#include "harness/stages/check.h"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

#include "harness/stages/detectors.h"
#include "harness/stages/exit_status.h"

namespace tmfault {
namespace {

bool final_job_state(std::string_view s) { return s == "FINISHED" || s == "FAILED" || s == "CANCELED"; }

std::string first_line(std::string_view s) {
  std::string_view line = s.substr(0, s.find('\n'));
  return std::string(line.substr(0, 300));
}

/// A hit counts when it comes from the subject, and (after a timeout) before the deadline: what a
/// process prints while it is being stopped says nothing about the run.
bool counts(const SymptomHit& h, const VariantPlan& plan, const Observation& o) {
  if (h.source != role_source(plan.subject)) return false;
  return !(o.timed_out && o.timings.deadline && h.at > *o.timings.deadline);
}

/// The earliest line of `symptom` from the subject that holds every text the scenario expects
/// (one error is often logged several times: first wrapped, e.g. in a CompletionException, then
/// in Flink's own words, which name the option), or nullptr.
const SymptomHit* hit_mentioning_all(const VariantPlan& plan, const Observation& o, Symptom symptom) {
  const SymptomHit* best = nullptr;
  for (const SymptomHit& h : o.hits) {
    if (h.symptom != symptom || !counts(h, plan, o) || (best && best->at <= h.at)) continue;
    auto in_line = [&h](const std::string& m) { return h.line.find(m) != std::string::npos; };
    if (std::all_of(plan.expect_mentions.begin(), plan.expect_mentions.end(), in_line)) best = &h;
  }
  return best;
}

/// The symptom thrown in a job's failure text (its first exception line), if any.
std::optional<Symptom> thrown_in(std::string_view failure, std::string& line) {
  while (!failure.empty()) {
    std::string_view l = failure.substr(0, failure.find('\n'));
    failure.remove_prefix(std::min(failure.size(), l.size() + 1));
    if (auto s = classify_line(l).symptom) {
      line = std::string(l.substr(0, 300));
      return s;
    }
  }
  return std::nullopt;
}

/// "<first line>; root cause: <the last 'Caused by:' line>" of a job's failure (just the first
/// line when there is no cause): Flink's first line is mostly "Recovery is suppressed ...".
std::string failure_summary(std::string_view failure) {
  std::string out = first_line(failure);
  std::size_t at = failure.rfind("Caused by: ");
  if (at != std::string_view::npos) out += "; root cause: " + first_line(failure.substr(at + 11));
  return out;
}

const SymptomHit* earliest(const std::vector<const SymptomHit*>& hits) {
  auto it = std::min_element(hits.begin(), hits.end(), [](const auto* a, const auto* b) { return a->at < b->at; });
  return it == hits.end() ? nullptr : *it;
}

const std::optional<ExitStatus>& exit_of(const Observation& o, Role r) {
  return r == Role::taskmanager ? o.tm_exit : o.jm_exit;
}

/// "TM" / "JM" in one-line details.
std::string short_name(Role r) {
  std::string s(role_source(r));
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool killed_by_kernel(const std::optional<ExitStatus>& exit, const Observation& o) {
  return exit && exit->signaled && exit->code == 9 && o.oom_kills > 0;
}

/// Why the run says nothing about the guide, or "" when it does: the derivation could not run,
/// the infrastructure process failed, or nothing happened before the deadline.
std::string harness_problem(const VariantPlan& plan, const Observation& o,
                            const std::vector<const SymptomHit*>& other_hits) {
  if (!o.derive_ok && illegal_config_message(o.derive_output, plan.subject).empty()) {
    std::string launch = java_launch_failure(o.derive_output);
    if (!launch.empty()) return fmt::format("BashJavaUtils could not run (see derive.log): {}", launch);
    std::string_view out = o.derive_output;
    std::size_t at = out.find("Exception");
    at = at == std::string_view::npos ? out.find("Error") : at;
    std::size_t from = at == std::string_view::npos ? 0 : out.rfind('\n', at);
    from = from == std::string_view::npos ? 0 : from + 1;
    return fmt::format("BashJavaUtils failed, and not with Flink's IllegalConfigurationException from "
                       "{} (see derive.log): {}",
                       memory_utils_class(plan.subject).substr(memory_utils_class(plan.subject).rfind('.') + 1),
                       first_line(out.substr(std::min(from, out.size()))));
  }
  if (!o.derive_ok) return "";
  Role infra = plan.subject == Role::taskmanager ? Role::jobmanager : Role::taskmanager;
  if (const auto& e = exit_of(o, infra); e && !final_job_state(o.job_state))
    return fmt::format("the {} (not under test) {} before the job ended (see {}.log)", role_name(infra),
                       describe_exit(*e), role_source(infra));
  if (const SymptomHit* h = earliest(other_hits))
    return fmt::format("the {} (not under test) showed {}: {}", role_name(infra), symptom_name(h->symptom), h->line);
  return "";
}

/// When the subject died with an OutOfMemoryError it could not log: the pool that was at least
/// 95% full in the last sample (at most 2 s) before its exit, as the symptom it stands for.
std::optional<Symptom> full_pool_at_exit(const Observation& o, std::string& figures) {
  if (!o.timings.subject_exited) return std::nullopt;
  const PoolSample* last = nullptr;
  for (const PoolSample& s : o.usage)
    if (s.at <= *o.timings.subject_exited) last = &s;
  if (!last || *o.timings.subject_exited - last->at > Millis(2'000)) return std::nullopt;
  const PoolDef* fullest = nullptr;
  double share = 0.95;
  for (const PoolDef& p : kPools) {  // the JVM's own pools: an OutOfMemoryError when full
    const auto &used = last->*p.used, &max = last->*p.max;
    if (!p.exhausted || p.used_is_free || !used || !max || *max == 0) continue;
    double s = static_cast<double>(*used) / static_cast<double>(*max);
    if (s >= share) share = s, fullest = &p;
  }
  if (!fullest) return std::nullopt;
  figures = fmt::format("{} {}/{} MiB {:.1f}s before", fullest->name, *(last->*fullest->used) >> 20,
                        *(last->*fullest->max) >> 20,
                        static_cast<double>((*o.timings.subject_exited - last->at).count()) / 1000);
  return fullest->exhausted;
}

}  // namespace

std::optional<Symptom> observed_symptom(const VariantPlan& plan, const Observation& o, std::string& detail) {
  if (!o.derive_ok) {
    detail = illegal_config_message(o.derive_output, plan.subject);
    if (detail.empty()) return std::nullopt;
    if (std::string origin = illegal_config_origin(o.derive_output); !origin.empty())
      detail += fmt::format(" [made in {}]", origin);
    return Symptom::illegal_config;
  }
  std::vector<const SymptomHit*> mine;
  for (const SymptomHit& h : o.hits)
    if (counts(h, plan, o)) mine.push_back(&h);
  const SymptomHit* hit = earliest(mine);
  const std::optional<ExitStatus>& exit = exit_of(o, plan.subject);
  std::string who = short_name(plan.subject);
  if (killed_by_kernel(exit, o) && !hit) {
    detail = fmt::format("{} {}, cgroup oom_kill={}, no Java error", who, describe_exit(*exit), o.oom_kills);
    return Symptom::container_killed;
  }
  if (hit) {
    detail = fmt::format("{} log: {}", hit->source, hit->line);
    return hit->symptom;
  }
  std::string figures;
  if (exit && !o.oom_while_logging.empty())
    if (auto pool = full_pool_at_exit(o, figures)) {
      detail = fmt::format("{} {} with no error line: the JVM could not log its OutOfMemoryError (\"{}\"); {} "
                           "(Flink's metrics): inferred",
                           who, describe_exit(*exit), first_line(o.oom_while_logging), figures);
      return pool;
    }
  // A TaskManager's task threw it, and Flink reported it as the job's failure, but no log line
  // of the TaskManager shows it (its logging failed): the job's root exception is Flink's word.
  if (plan.subject == Role::taskmanager && o.job_state == "FAILED" && !o.timed_out)
    if (std::string line; auto s = thrown_in(o.job_failure, line)) {
      detail = fmt::format("the job's failure (REST), not in the {} log: {}", who, line);
      return s;
    }
  if (o.job_state == "FINISHED" && !exit && o.oom_kills == 0) {
    detail = fmt::format("job FINISHED, {} alive, no symptom", who);
    return Symptom::healthy;
  }
  if (exit) detail = fmt::format("{} {}", who, describe_exit(*exit));
  if (exit && exit->signaled && exit->code == 9 && o.oom_kills == 0)
    detail += ", no OOM kill counted by its cgroup (see dmesg)";
  else if (!o.job_state.empty()) detail = fmt::format("job {}: {}", o.job_state, failure_summary(o.job_failure));
  else detail = o.timed_out ? "timed out before the job ended" : "no job outcome";
  if (o.oom_kills > 0) detail += fmt::format(", cgroup oom_kill={}", o.oom_kills);
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
  if (!o.foreign_oom_kill.empty()) {  // never "container killed": not this container's limit
    v.reason = o.foreign_oom_kill;
    return v;
  }
  std::string detail;
  std::optional<Symptom> seen = observed_symptom(plan, o, detail);
  v.observed_known = seen.has_value();
  if (seen) v.observed = *seen;
  std::vector<const SymptomHit*> others;
  for (const SymptomHit& h : o.hits)
    if (h.source != role_source(plan.subject) && h.source != "derive") others.push_back(&h);
  if (std::string problem = harness_problem(plan, o, seen ? std::vector<const SymptomHit*>{} : others);
      !problem.empty()) {
    v.reason = problem;
    return v;
  }
  if (!seen && o.timed_out) {
    v.reason = fmt::format("no outcome within {}s: {}", static_cast<double>(plan.timeout.count()) / 1000.0, detail);
    return v;
  }
  if (seen == plan.expect) {
    if (!plan.expect_mentions.empty())
      if (const SymptomHit* h = hit_mentioning_all(plan, o, *seen))
        detail = fmt::format("{} log: {}", h->source, h->line);
    for (const auto& m : plan.expect_mentions) {
      if (detail.find(m) != std::string::npos) continue;
      v.outcome = Outcome::fail;
      v.reason = fmt::format("{} seen, but its message does not mention '{}': {}", symptom_name(*seen), m, detail);
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
