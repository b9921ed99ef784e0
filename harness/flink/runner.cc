#include "harness/flink/runner.h"

#include <fmt/format.h>

#include "harness/flink/events.h"
#include "harness/flink/launch.h"
#include "harness/stages/detectors.h"
#include "harness/stages/exit_status.h"
#include "harness/stages/pools.h"

namespace tmfault {
namespace fs = std::filesystem;
namespace {

/// How often the runner samples memory and polls the processes when nothing is printed.
constexpr Millis kTick{100};
/// After a symptom appears, how long the job may take to reach a final state; when no job was
/// seen yet, only how long a dying process may take to say more.
constexpr Millis kSettleAfterSymptom{10'000};
constexpr Millis kSettleWithoutJob{2'000};
/// How often the JobManager's REST API is asked for the job's state.
constexpr Millis kRestInterval{1'000};

bool final_job_state(std::string_view s) { return s == "FINISHED" || s == "FAILED" || s == "CANCELED"; }

/// One try: the cluster it ran on, and what it saw.
class Try {
 public:
  Try(const VariantPlan& plan, const RunContext& ctx, Cluster& c, RunEvents& ev, Observation& o)
      : plan_(plan), ctx_(ctx), c_(c), ev_(ev), o_(o) {}

  void run() {
    if (plan_.subject == Role::jobmanager) run_jobmanager_subject();
    else run_taskmanager_subject();
    if (!o_.tm_started) return;
    monitor();
    if (o_.timed_out) c_.stop_gently();
  }

 private:
  static FlinkOptions with(FlinkOptions base, const FlinkOptions& more) {
    base.insert(base.end(), more.begin(), more.end());
    return base;
  }

  /// The subject's memory, as Flink derives it; false when Flink refuses the options.
  bool derive_subject(const char* conf_name) {
    Derivation dv = c_.derive(conf_name, plan_.subject, plan_.options, "derive.log");
    o_.timings.derived = c_.now();
    o_.cpu["derive"] = dv.cpu;
    o_.memory = dv.memory;
    o_.derive_ok = dv.memory.has_value();
    if (!o_.derive_ok) o_.derive_output = dv.output;
    else o_.cgroup_limit_bytes = plan_.cgroup_limit_bytes.value_or(o_.memory->total_process());
    return o_.derive_ok;
  }

  void share_session() {
    o_.notes.insert(o_.notes.end(), session_->notes.begin(), session_->notes.end());
    o_.notes.push_back(fmt::format("the JobManager (not under test) was the lane's session JobManager, which ran {} "
                                   "variant(s) before this one; this job and TaskManager were its only ones",
                                   session_->served));
    o_.timings.jm_ready = c_.now();
  }

  /// Writes the configurations of both processes for a JobManager on `rpc_port`.
  /// The JobManager's conf is written only when this try starts one.
  void write_confs(int rpc_port, bool with_jobmanager) {
    bool jm_subject = plan_.subject == Role::jobmanager;
    o_.ports["jobmanager.rpc.port"] = std::to_string(rpc_port);
    FlinkOptions cluster = cluster_options({rpc_port}, ctx_.dir, plan_.timeout);
    if (with_jobmanager)
      c_.write_conf("jm-conf", with(cluster, jm_subject ? plan_.options : Infrastructure::jobmanager()));
    c_.write_conf("tm-conf", with(cluster, jm_subject ? Infrastructure::taskmanager() : plan_.options));
  }

  void run_taskmanager_subject() {
    // Flink's memory model first: a configuration Flink refuses needs no JobManager at all.
    write_confs(0, false);  // for the memory model only: no JobManager yet, no port picked
    if (!derive_subject("tm-conf")) return;
    // The job goes to the lane's session JobManager when there is one (its port, then, in the
    // TaskManager's conf); else the try starts a JobManager of its own.
    session_ = c_.attach_session();
    if (session_) {
      share_session();
      write_confs(session_->rpc_port, false);
      submit();  // as application mode does at start: the workload's main() submits the job
    } else if (plan_.submissions > 1) {
      throw std::runtime_error("submitting a job more than once needs a session JobManager, and this run has none");
    } else {
      write_confs(c_.free_port(), true);
      c_.start({Role::jobmanager, jobmanager_args(dist(), plan_, conf("jm-conf"), log("jm")),
                flink_env(home(), conf("jm-conf")), Infrastructure::kLimitBytes, true});
    }
    c_.start({Role::taskmanager, taskmanager_args(dist(), *o_.memory, plan_.options, conf("tm-conf"), log("tm")),
              subject_env(conf("tm-conf")), o_.cgroup_limit_bytes});
    o_.tm_started = true;
  }

  /// A JobManager subject always gets a fresh JobManager of its own.
  void run_jobmanager_subject() {
    write_confs(c_.free_port(), true);
    if (!derive_subject("jm-conf")) return;  // Flink refused: no process starts (as jobmanager.sh)
    c_.start({Role::jobmanager, jobmanager_subject_args(dist(), plan_, *o_.memory, conf("jm-conf"), log("jm")),
              subject_env(conf("jm-conf")), o_.cgroup_limit_bytes});
    o_.tm_started = true;
  }

  /// Submits the job (again) to the session JobManager.
  void submit() {
    Submission s = c_.submit(plan_);
    if (s.job_id.empty())
      throw std::runtime_error(
          fmt::format("the JobManager did not take the job{}: {}",
                      plan_.submissions > 1 ? fmt::format(" (submission {})", o_.jobs.size() + 1) : "", s.error));
    job_id_ = s.job_id;
    o_.jobs.push_back({s.job_id, c_.now(), "", std::nullopt});
    o_.job_state.clear();
  }

  /// The TaskManager that runs a JobManager subject's job is the harness's: it starts once the
  /// JobManager took a job (a main() that fails before needs none).
  void start_infrastructure_taskmanager() {
    infrastructure_tm_ = true;
    Derivation tm = c_.derive("tm-conf", Role::taskmanager, Infrastructure::taskmanager(), "derive-tm.log");
    o_.cpu["derive-tm"] = tm.cpu;
    if (!tm.memory)
      throw std::runtime_error("BashJavaUtils could not size the TaskManager (not under test): see derive-tm.log");
    c_.start({Role::taskmanager, infrastructure_taskmanager_args(dist(), *tm.memory, conf("tm-conf"), log("tm")),
              flink_env(home(), conf("tm-conf")), Infrastructure::kLimitBytes, true});
  }

  /// The subject's environment: what Flink's scripts give a JVM, plus the scenario's env (the
  /// process under test only; the infrastructure keeps the plain one).
  std::map<std::string, std::string> subject_env(const fs::path& conf) const {
    std::map<std::string, std::string> env = flink_env(home(), conf);
    for (const auto& [k, v] : plan_.env) env[k] = v;
    return env;
  }

  const FlinkDist& dist() const { return *ctx_.dist; }
  fs::path conf(const char* name) const { return ctx_.dir / name; }
  fs::path log(const char* stem) const { return ctx_.dir / fmt::format("{}.log", stem); }
  fs::path home() const { return ctx_.dir / "flink-home"; }
  bool stopping() const { return ctx_.stop && ctx_.stop->load(); }

  /// Polls until the job ends, a process exits, the deadline passes or a stop is requested.
  void monitor() {
    Millis deadline = c_.now() + plan_.timeout;
    o_.timings.deadline = deadline;
    std::optional<Millis> last_rest;
    for (;;) {
      c_.wait(kTick);
      Millis now = c_.now();
      sample(now);
      if (stopping()) {
        o_.interrupted = true;
        return;
      }
      if (exited(Role::taskmanager, o_.tm_exit, now) || exited(Role::jobmanager, o_.jm_exit, now)) return;
      RunEvents::Snapshot s = ev_.snapshot();
      if (plan_.subject == Role::jobmanager && !infrastructure_tm_ && s.timings.job_submitted)
        start_infrastructure_taskmanager();
      bool ended = !s.job_end.empty();
      int rest_port = session_ ? session_->rest_port : s.rest_port;
      if (rest_port) c_.sample_pools(plan_.subject, rest_port);
      if (rest_port && (ended || !last_rest || now - *last_rest >= kRestInterval)) {
        last_rest = now;
        if (job_ended(rest_port)) return;
      }
      // A symptom before any job (a JobManager's main() failing) has no job state to wait for.
      Millis settle = o_.job_state.empty() ? kSettleWithoutJob : kSettleAfterSymptom;
      if (s.timings.first_symptom && now - *s.timings.first_symptom > settle) return;
      if (now > deadline) {
        o_.timed_out = true;
        return;
      }
    }
  }

  /// True once `role` has exited (recorded in `exit`; the subject's time too).
  bool exited(Role role, std::optional<ExitStatus>& exit, Millis now) {
    exit = c_.poll(role);
    if (exit && role == plan_.subject) o_.timings.subject_exited = now;
    return exit.has_value();
  }

  void sample(Millis now) {
    o_.samples.push_back({now, c_.usage_bytes(plan_.subject)});
    if (ctx_.on_sample) ctx_.on_sample(o_.samples.back(), o_.cgroup_limit_bytes);
  }

  /// Asks the JobManager for the job's state; true once it is final (and, when the scenario
  /// submits it several times, it was the last submission or it did not finish).
  bool job_ended(int port) {
    std::optional<JobStatus> job = c_.job(port, job_id_);
    if (!job) return false;
    o_.job_state = job->state;
    if (!o_.jobs.empty()) o_.jobs.back().state = job->state;
    if (!final_job_state(job->state)) return false;
    if (!o_.jobs.empty()) o_.jobs.back().ended = c_.now();
    // Only a job this try submitted is submitted again (never an application mode's own job).
    if (job->state == "FINISHED" && !o_.jobs.empty() && static_cast<int>(o_.jobs.size()) < plan_.submissions) {
      submit();
      return false;
    }
    if (job->state != "FINISHED") o_.job_failure = c_.root_exception(port, job->id);
    return true;
  }

  const VariantPlan& plan_;
  const RunContext& ctx_;
  Cluster& c_;
  std::optional<SessionEndpoint> session_;
  bool infrastructure_tm_ = false;  ///< a JobManager subject's TaskManager was started
  std::string job_id_;  ///< the job submitted to a session JobManager ("": application mode's only job)
  RunEvents& ev_;
  Observation& o_;
};

/// What the logs showed, merged into the runner's own observation.
void merge_events(const RunEvents::Snapshot& s, Role subject, Observation& o) {
  o.hits = s.hits;
  if (auto it = s.oom_while_logging.find(subject); it != s.oom_while_logging.end()) o.oom_while_logging = it->second;
  Timings mine = o.timings;  // the runner's own milestones; the rest come from the logs
  o.timings = s.timings;
  o.timings.derived = mine.derived;
  if (mine.jm_ready) o.timings.jm_ready = mine.jm_ready;  // a session JobManager was up before
  o.timings.subject_exited = mine.subject_exited;
  o.timings.deadline = mine.deadline;
  // The JobManager logs the job's end before REST can be asked: the log's word counts too (for
  // one job only: the log's word is about the first of several).
  if (!final_job_state(o.job_state) && !s.job_end.empty() && o.jobs.size() <= 1) o.job_state = s.job_end;
}

struct TryResult {
  Observation o;
  bool jm_port_taken = false;  ///< the try says nothing: the JM's RPC port was taken
};

TryResult try_variant(const VariantPlan& plan, const RunContext& ctx, int attempt) {
  TryResult t;
  Observation& o = t.o;
  RunEvents ev;  // outlives the cluster, whose reader threads feed it
  std::unique_ptr<Cluster> c;
  try {
    c = ctx.make_cluster(ctx.dir, ctx.lane,
                         [&ev](Role r, std::string_view line, Millis at) { ev.record(r, line, at); });
    Try(plan, ctx, *c, ev, o).run();
  } catch (const Interrupted&) {
    o.interrupted = true;
  } catch (const Error& e) {
    o.harness_error = e.hint().empty() ? e.what() : fmt::format("{} (hint: {})", e.what(), e.hint());
  } catch (const std::exception& e) {
    o.harness_error = e.what();
  }
  if (!c) return t;
  std::map<Role, ProcessReport> cg = c->tear_down();
  o.usage = c->pool_samples();
  add_jvm_limits(o.usage, o.memory);
  for (const auto& [role, report] : cg) o.cpu[std::string(role_source(role))] = report.cpu;
  if (auto it = cg.find(plan.subject); it != cg.end())
    o.oom_kills = it->second.oom_kills, o.peak_bytes = it->second.peak_bytes;
  for (const auto& [role, report] : cg)
    if (!report.foreign_oom_kill.empty() && o.foreign_oom_kill.empty())
      o.foreign_oom_kill = fmt::format("the {} was OOM-killed, not by its own cgroup's limit: {}", role_name(role),
                                       report.foreign_oom_kill);
  if (o.harness_error.empty()) o.harness_error = c->log_write_error();
  RunEvents::Snapshot s = ev.snapshot();
  merge_events(s, plan.subject, o);
  o.timings.total = c->now();
  if (o.harness_error.empty() && !s.job_class_missing.empty())
    o.harness_error = fmt::format("the workloads jar does not hold the job (rebuild it: ci/setup): {}",
                                  s.job_class_missing.substr(s.job_class_missing.find("The program's")));
  t.jm_port_taken = s.jm_port_taken && o.jm_exit.has_value();
  if (t.jm_port_taken && o.harness_error.empty())
    o.harness_error = fmt::format("the JobManager could not bind jobmanager.rpc.port {}: another "
                                  "process took it (see jm.log)",
                                  o.ports["jobmanager.rpc.port"]);
  if (t.jm_port_taken && attempt < kPortTries && !(ctx.stop && ctx.stop->load())) c->set_aside(attempt);
  return t;
}

}  // namespace

Observation run_variant(const VariantPlan& plan, const RunContext& ctx) {
  std::vector<std::string> notes;
  for (int n = 1;; ++n) {
    TryResult t = try_variant(plan, ctx, n);
    bool again = t.jm_port_taken && n < kPortTries && !(ctx.stop && ctx.stop->load());
    if (!again) {
      t.o.notes.insert(t.o.notes.begin(), notes.begin(), notes.end());
      return t.o;
    }
    notes.push_back(fmt::format("try {}: jobmanager.rpc.port {} was taken by another process "
                                "before the JobManager bound it; its logs: jm.port-taken-{}.log",
                                n, t.o.ports["jobmanager.rpc.port"], n));
  }
}

}  // namespace tmfault
