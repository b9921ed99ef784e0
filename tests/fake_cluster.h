#pragma once
// A Cluster that replays a script on a virtual clock: lines, exits, REST answers, cgroup
// counters, a BashJavaUtils answer, a stop request, a failing disk. No process, no cgroup, no
// file: every branch of the runner runs in microseconds (ninja's FakeCommandRunner, for us).
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/flink/cluster.h"
#include "harness/flink/runner.h"

namespace tmfault::testing {

using namespace std::chrono_literals;

/// One try's events, at times since the try began.
struct Script {
  struct Line {
    Millis at;
    Role role;
    std::string text;
  };
  std::vector<Line> lines;
  std::map<Role, std::pair<Millis, ExitStatus>> exits;  ///< when a started process exits, and how
  std::vector<std::pair<Millis, std::string>> job_states;  ///< REST answers from that time on
  std::string root_exception = "java.lang.RuntimeException: boom";
  Derivation derivation;                  ///< BashJavaUtils' answer (default: a breakdown)
  Millis derive_takes{800};
  std::map<Role, ProcessReport> cgroups;
  std::uint64_t usage_bytes = 300ULL << 20;
  int port = 6123;
  std::optional<Millis> stop_at;          ///< SIGINT arrives then
  std::optional<Millis> disk_full_at;     ///< log writes fail from then on
  std::optional<SessionEndpoint> session;  ///< a lane's session JobManager (nullopt: none)
  Submission submission{"c0ffee", ""};     ///< its answer to a submitted job
  std::vector<PoolSample> pools;           ///< what sampling the subject's pools gave
  /// REST answers for the 2nd, 3rd, ... job submitted, from that many ms after its submission.
  std::vector<std::vector<std::pair<Millis, std::string>>> later_jobs;
};

/// What the runner asked of one fake try.
struct Calls {
  std::vector<Role> started;
  std::vector<Role> harness_own;  ///< the started processes that are not the subject
  std::map<Role, std::map<std::string, std::string>> env;  ///< each started process's environment
  std::vector<std::string> confs, derived, submitted;
  bool attached = false;
  std::optional<Role> sampled;
  bool stopped_gently = false, torn_down = false;
  std::optional<int> set_aside;
};

/// The JobManager's usual first lines: REST up at 0.9 s, the job taken at 1.2 s, the TaskManager
/// registered at 2 s, its task running at 2.5 s.
inline std::vector<Script::Line> cluster_up() {
  return {{900ms, Role::jobmanager, "INFO  Rest endpoint listening at http://127.0.0.1:8081"},
          {1200ms, Role::jobmanager,
           "INFO  org.apache.flink.runtime.dispatcher.StandaloneDispatcher [] - Submitting job 'x' (c0ffee)."},
          {2000ms, Role::taskmanager,
           "INFO  Successful registration at resource manager pekko.tcp://x under registration id 1."},
          {2500ms, Role::taskmanager, "INFO  Source: seq (1/1) switched from INITIALIZING to RUNNING."}};
}

inline MemoryBreakdown some_breakdown() {
  MemoryBreakdown m;
  m.framework_heap = 128ULL << 20, m.task_heap = 26ULL << 20, m.framework_off_heap = 128ULL << 20;
  m.network = 64ULL << 20, m.managed = 230ULL << 20, m.jvm_metaspace = 256ULL << 20, m.jvm_overhead = 192ULL << 20;
  m.jvm_args = {"-Xmx161061270", "-Xms161061270"};
  return m;
}

class FakeCluster final : public Cluster {
 public:
  FakeCluster(Script s, LineHandler on_line, Calls& calls, std::atomic<bool>* stop)
      : s_(std::move(s)), on_line_(std::move(on_line)), calls_(calls), stop_(stop) {
    if (!s_.derivation.memory && s_.derivation.output.empty()) s_.derivation.memory = some_breakdown();
  }

  Millis now() const override { return clock_; }
  void wait(Millis max) override { advance(clock_ + max); }
  int free_port() override { return s_.port; }
  void write_conf(const std::string& name, const FlinkOptions&) override { calls_.confs.push_back(name); }

  Derivation derive(const std::string& name, Role role, const FlinkOptions&, const std::string& log_name) override {
    calls_.derived.push_back(fmt::format("{} {} {}", name, role_source(role), log_name));
    advance(clock_ + s_.derive_takes);
    if (stop_ && stop_->load()) throw Interrupted();
    return s_.derivation;
  }

  void start(const JvmLaunch& l) override {
    calls_.started.push_back(l.role);
    if (l.harness_own) calls_.harness_own.push_back(l.role);
    calls_.env[l.role] = l.env;
    started_.push_back(l.role);
  }

  std::optional<ExitStatus> poll(Role r) override {
    auto it = s_.exits.find(r);
    if (!running(r) || it == s_.exits.end() || it->second.first > clock_) return std::nullopt;
    return it->second.second;
  }

  std::uint64_t usage_bytes(Role r) override { return running(r) ? s_.usage_bytes : 0; }

  std::optional<SessionEndpoint> attach_session() override {
    calls_.attached = s_.session.has_value();
    if (s_.session) started_.push_back(Role::jobmanager);  // its lines flow to this try from now on
    return s_.session;
  }
  /// The k-th job submitted (k > 1) is "c0ffee-k".
  Submission submit(const VariantPlan& plan) override {
    calls_.submitted.push_back(plan.workload_class);
    Submission s = s_.submission;
    if (!s.job_id.empty() && calls_.submitted.size() > 1) s.job_id += fmt::format("-{}", calls_.submitted.size());
    submitted_at_[s.job_id] = clock_;
    return s;
  }

  std::optional<JobStatus> job(int, const std::string& job_id) override {
    std::optional<JobStatus> out;
    if (auto dash = job_id.find('-'); dash != std::string::npos) {
      std::size_t k = std::stoul(job_id.substr(dash + 1));
      if (k - 2 < s_.later_jobs.size())
        for (const auto& [after, state] : s_.later_jobs[k - 2])
          if (submitted_at_[job_id] + after <= clock_) out = JobStatus{job_id, state};
      return out;
    }
    for (const auto& [at, state] : s_.job_states)
      if (at <= clock_ && (job_id.empty() || job_id == "c0ffee")) out = JobStatus{"c0ffee", state};
    return out;
  }
  std::string root_exception(int, const std::string&) override { return s_.root_exception; }

  void sample_pools(Role role, int) override { calls_.sampled = role; }
  std::vector<PoolSample> pool_samples() override { return s_.pools; }

  /// Thread dumps and SIGTERM take 2.5 s, and what the processes print meanwhile arrives.
  void stop_gently() override {
    calls_.stopped_gently = true;
    advance(clock_ + 2500ms);
  }
  std::map<Role, ProcessReport> tear_down() override {
    calls_.torn_down = true;
    return s_.cgroups;
  }
  std::string log_write_error() override { return write_error_; }
  void set_aside(int attempt) override { calls_.set_aside = attempt; }

 private:
  std::map<std::string, Millis> submitted_at_;
  bool running(Role r) const { return std::find(started_.begin(), started_.end(), r) != started_.end(); }

  /// Moves the clock to `to`, delivering each line of a started process on the way, and the stop
  /// request and disk failure when their time comes.
  void advance(Millis to) {
    for (const auto& l : s_.lines)
      if (l.at > clock_ && l.at <= to && running(l.role)) {
        if (s_.disk_full_at && l.at >= *s_.disk_full_at && write_error_.empty())
          write_error_ = "cannot write 'tm.log': No space left on device";
        on_line_(l.role, l.text, l.at);
      }
    if (s_.stop_at && *s_.stop_at > clock_ && *s_.stop_at <= to && stop_) stop_->store(true);
    clock_ = to;
  }

  Script s_;
  LineHandler on_line_;
  Calls& calls_;
  std::atomic<bool>* stop_;
  Millis clock_{0};
  std::vector<Role> started_;
  std::string write_error_;
};

/// Fake clusters for successive tries, one script each (the last one repeats).
struct FakeClusters {
  explicit FakeClusters(std::vector<Script> scripts) : tries(std::move(scripts)) {}

  std::vector<Script> tries;
  std::vector<Calls> calls;
  std::atomic<bool> stop{false};

  ClusterFactory factory() {
    calls.reserve(16);
    return [this](const std::filesystem::path&, int, LineHandler on_line) -> std::unique_ptr<Cluster> {
      std::size_t n = calls.size();
      calls.emplace_back();
      return std::make_unique<FakeCluster>(tries[std::min(n, tries.size() - 1)], std::move(on_line), calls.back(),
                                           &stop);
    };
  }
};

}  // namespace tmfault::testing
