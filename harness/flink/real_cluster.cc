#include "harness/flink/real_cluster.h"

#include <fmt/format.h>

#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

#include "cgroup/os.h"
#include "cgroup/process.h"
#include "harness/flink/class_data.h"
#include "harness/flink/files.h"
#include "harness/flink/pool_sampler.h"
#include "harness/flink/session_jm.h"
#include "harness/stages/diagnostic.h"
#include "harness/stages/exit_status.h"

namespace tmfault {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

/// On a timeout: time for the JVMs to print thread dumps, then to exit on SIGTERM.
constexpr Millis kThreadDumpTime{500};
constexpr Millis kGrace{2'000};
constexpr Millis kReapTimeout{5'000};
/// How often the subject's memory pools are sampled (the JobManager's metric fetcher refreshes
/// as often: metrics.fetcher.update-interval in launch.cc).
constexpr Millis kPoolInterval{500};

/// One started JVM: its cgroup, the process, and its exit once seen.
struct Member {
  std::unique_ptr<cgroup::MemCgroup> cg;
  std::unique_ptr<cgroup::Process> process;
  std::optional<ExitStatus> exit;
  ClassDataArchives::Use class_data;
};

/// How long a job may take to end once cancelled, and a TaskManager stopped with SIGTERM to leave
/// the ResourceManager of a session JobManager (it unregisters as it shuts down; a JobManager
/// that still lists it after that is replaced rather than waited for).
constexpr Millis kJobEndTimeout{15'000};
constexpr Millis kTaskManagerGone{5'000};

bool final_state(const std::optional<JobStatus>& j) {
  return j && (j->state == "FINISHED" || j->state == "FAILED" || j->state == "CANCELED");
}

class RealCluster final : public Cluster {
 public:
  RealCluster(const FlinkDist& dist, const cgroup::Hierarchy& cgroups, const std::atomic<bool>* stop,
              std::function<int()> pick_port, const DerivationCache* derivations, SessionJobManager* session,
              ClassDataArchives* class_data, fs::path dir, LineHandler on_line)
      : dist_(dist),
        cgroups_(cgroups),
        stop_(stop),
        pick_port_(std::move(pick_port)),
        derivations_(derivations),
        session_(session),
        class_data_(class_data),
        dir_(std::move(dir)),
        on_line_(std::move(on_line)) {
    fs::create_directories(dir_ / "tmp");
    fs::create_directories(home() / "usrlib");
    fs::create_directory_symlink(dist_.lib, home() / "lib");
    fs::copy_file(dist_.workloads_jar, home() / "usrlib" / dist_.workloads_jar.filename(),
                  fs::copy_options::overwrite_existing);
  }
  ~RealCluster() override { tear_down(); }

  Millis now() const override { return std::chrono::duration_cast<Millis>(Clock::now() - start_); }

  void wait(Millis max) override {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, max, [&] { return new_line_; });
    new_line_ = false;
  }

  int free_port() override { return pick_port_(); }

  void write_conf(const std::string& name, const FlinkOptions& options) override {
    tmfault::write_conf(dir_ / name, dist_, options);
  }

  Derivation derive(const std::string& name, Role role, const FlinkOptions& own, const std::string& log_name) override {
    if (const Derivation* ahead = derivations_ ? derivations_->find(role, own) : nullptr) {
      write_text(dir_ / log_name, ahead->output);
      return *ahead;
    }
    fs::path conf = dir_ / name;
    return derive_memory(dist_, role, conf, dir_, flink_env(home(), conf), stop_, log_name);
  }

  void start(const JvmLaunch& l) override {
    std::string stem(role_source(l.role));
    Member& m = members_[l.role];
    m.cg = cgroup::MemCgroup::create(cgroups_, fmt::format("{}-{}", dir_.parent_path().filename().string(), stem),
                                     l.limit_bytes);
    std::vector<std::string> args = l.args;
    if (l.harness_own && class_data_) m.class_data = class_data_->use_in(dist_.java, args);
    write_text(dir_ / (stem + ".cmd"), fmt::format("{} {}\n", dist_.java.string(), fmt::join(args, " ")));
    auto sink = log_sink(l.role, dir_ / (stem + ".log"));
    m.process = cgroup::Process::start({dist_.java, args, l.env, dir_, m.cg->procs_file()}, sink, sink);
  }

  std::optional<SessionEndpoint> attach_session() override {
    if (!session_) return std::nullopt;
    SessionEndpoint e;
    session_->ensure_running(e.notes);
    if (!session_->wait_no_taskmanagers(kTaskManagerGone)) {  // never share a TaskManager
      e.notes.emplace_back("the session JobManager still had a TaskManager registered: replaced by a fresh one");
      session_->release(false);
      session_->ensure_running(e.notes);
    }
    session_->route(log_sink(Role::jobmanager, dir_ / "jm.log"));
    attached_ = true;
    write_text(dir_ / "jm.cmd", fmt::format("# the lane's session JobManager: {}\n", session_->dir().string()));
    e.rpc_port = session_->rpc_port(), e.rest_port = session_->rest_port(), e.served = session_->served();
    return e;
  }

  Submission submit(const VariantPlan& plan) override {
    Submission s = session_->rest().run_jar(session_->jar_id(), plan.workload_class, plan.workload_args);
    job_id_ = s.job_id;
    return s;
  }

  std::optional<ExitStatus> poll(Role role) override {
    if (role == Role::jobmanager && attached_) return session_->exit_status();
    auto it = members_.find(role);
    if (it == members_.end() || !it->second.process) return std::nullopt;
    Member& m = it->second;
    if (!m.exit)
      if (auto st = m.process->poll()) m.exit = decode_wait_status(*st);
    return m.exit;
  }

  std::uint64_t usage_bytes(Role role) override {
    auto it = members_.find(role);
    return it == members_.end() || !it->second.cg ? 0 : it->second.cg->usage_bytes();
  }

  std::optional<JobStatus> job(int port, const std::string& job_id) override {
    return JobManagerRest("127.0.0.1", port).job(job_id);
  }

  std::string root_exception(int port, const std::string& job_id) override {
    return JobManagerRest("127.0.0.1", port).root_exception(job_id);
  }

  void sample_pools(Role role, int rest_port) override {
    if (!sampler_) sampler_ = std::make_unique<PoolSampler>(role, rest_port, kPoolInterval, [this] { return now(); });
  }
  std::vector<PoolSample> pool_samples() override { return pools_; }

  void stop_gently() override {
    signal_all(SIGQUIT);  // thread dumps into the logs: where did it hang?
    std::this_thread::sleep_for(kThreadDumpTime);
    signal_all(SIGTERM);
    for (auto& [role, m] : members_)
      if (m.process) m.process->wait_for(kGrace);
  }

  std::map<Role, ProcessReport> tear_down() override {
    std::map<Role, ProcessReport> out;
    if (torn_down_) return out;
    torn_down_ = true;
    if (sampler_) pools_ = sampler_->stop();
    for (auto& [role, m] : members_) {
      if (!m.cg) continue;
      try {
        cgroup::MemoryStats s = m.cg->stats();
        out[role].oom_kills = s.own_limit_oom_kills, out[role].peak_bytes = s.peak_bytes;
        out[role].foreign_oom_kill = s.foreign_oom_kill;
      } catch (const std::exception&) {
      }
    }
    bool stopping = stop_ && stop_->load();
    bool session_fine = attached_ && !stopping && end_session_job();
    if (class_data_)
      for (auto& [role, m] : members_) class_data_->end_recording(m.class_data, m.process.get(), stopping);
    signal_all(SIGKILL);
    for (auto& [role, m] : members_) {
      if (!m.process) continue;
      m.process->signal(SIGKILL), m.process->wait_for(kReapTimeout);
      if (auto cpu = m.process->cpu_time()) out[role].cpu = std::chrono::duration_cast<Millis>(*cpu);
    }
    for (auto& [role, m] : members_) m.process.reset();
    for (auto& [role, m] : members_)
      if (m.cg) m.cg->remove();
    if (attached_) {
      attached_ = false;
      session_->release(session_fine && session_->wait_no_taskmanagers(kTaskManagerGone));
    }
    return out;
  }

  std::string log_write_error() override {
    std::lock_guard lock(mu_);
    return write_error_;
  }

  void set_aside(int attempt) override {
    for (const char* stem : {"jm", "tm"}) {
      std::error_code ec;
      fs::rename(dir_ / fmt::format("{}.log", stem), dir_ / fmt::format("{}.port-taken-{}.log", stem, attempt), ec);
    }
    for (const char* made :
         {"jm-conf", "tm-conf", "flink-home", "tmp", "jm.cmd", "tm.cmd", "jm.times", "tm.times", "derive.log"})
      fs::remove_all(dir_ / made);
  }

 private:
  fs::path home() const { return dir_ / "flink-home"; }

  /// Leaves the session JobManager as the next variant needs it: this job final (cancelled if it
  /// still runs), then this TaskManager stopped with SIGTERM so that it unregisters at once. One
  /// that died on its own (the kernel's kill) is dropped by the JobManager's heartbeats within
  /// about a second (Infrastructure::jobmanager()); the caller waits for that. False when the job
  /// would not end or a live TaskManager would not stop: the JobManager is then replaced.
  bool end_session_job() {
    bool fine = !session_->exit_status();
    if (fine && !job_id_.empty()) {
      JobManagerRest rest = session_->rest();
      if (!final_state(rest.job(job_id_))) rest.cancel(job_id_);
      auto end = Clock::now() + kJobEndTimeout;
      while (!final_state(rest.job(job_id_)) && (fine = Clock::now() < end)) std::this_thread::sleep_for(Millis(100));
    }
    auto tm = members_.find(Role::taskmanager);
    if (tm == members_.end() || !tm->second.process) return fine;
    bool alive = !tm->second.process->poll();
    if (alive) tm->second.cg->signal_all(SIGTERM);
    return fine && (!alive || tm->second.process->wait_for(kGrace * 3).has_value());
  }

  void signal_all(int signo) {
    for (auto& [role, m] : members_)
      if (m.cg) m.cg->signal_all(signo);
  }

  /// Writes each line to the log file and the time it arrived to <stem>.times (so a stored run
  /// can be re-judged line by line), then hands it on. A failed write is remembered: the log is
  /// the run's evidence.
  cgroup::LineSink log_sink(Role role, const fs::path& log) {
    struct Files {
      std::ofstream log, times;
    };
    fs::path times = fs::path(log).replace_extension(".times");
    auto files = std::make_shared<Files>(Files{std::ofstream(log, std::ios::app), std::ofstream(times, std::ios::app)});
    return [this, role, files, log](std::string_view line) {
      Millis at = now();
      {
        std::lock_guard lock(mu_);
        bool ok = (files->log << line << '\n').flush() && (files->times << at.count() << '\n').flush();
        if (!ok && write_error_.empty())
          write_error_ = fmt::format("cannot write {}: {}", quote(log.string()), std::strerror(errno));
      }
      on_line_(role, line, at);
      {
        std::lock_guard lock(mu_);
        new_line_ = true;
      }
      cv_.notify_all();
    };
  }

  const FlinkDist& dist_;
  const cgroup::Hierarchy& cgroups_;
  const std::atomic<bool>* stop_;
  std::function<int()> pick_port_;
  const DerivationCache* derivations_;  ///< made ahead (nullptr: none)
  SessionJobManager* session_;  ///< the lane's, for a TaskManager subject; nullptr otherwise
  ClassDataArchives* class_data_;  ///< for the harness's own JVMs; nullptr: none
  bool attached_ = false;
  std::string job_id_;
  fs::path dir_;
  LineHandler on_line_;
  Clock::time_point start_ = Clock::now();
  std::map<Role, Member> members_;
  std::unique_ptr<PoolSampler> sampler_;
  std::vector<PoolSample> pools_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool new_line_ = false;
  bool torn_down_ = false;
  std::string write_error_;
};

/// The session JobManagers of a suite, one per lane, made when a lane first needs one, and the
/// class-data archives of the harness's own JVMs.
class Lanes {
 public:
  Lanes(const FlinkDist& dist, const cgroup::Hierarchy& cgroups, std::function<int()> pick_port,
        const std::atomic<bool>* stop, const fs::path& class_data_dir)
      : dist_(dist), cgroups_(cgroups), pick_port_(std::move(pick_port)), stop_(stop), class_data_(class_data_dir) {}
  ClassDataArchives* class_data() { return &class_data_; }
  SessionJobManager* lane(const fs::path& run_dir, int n) {
    std::lock_guard lock(mu_);
    auto& jm = lanes_[n];
    if (!jm)
      jm = std::make_unique<SessionJobManager>(dist_, cgroups_, run_dir / "lanes" / fmt::format("{}", n), pick_port_,
                                               stop_, &class_data_);
    return jm.get();
  }

 private:
  const FlinkDist& dist_;
  const cgroup::Hierarchy& cgroups_;
  std::function<int()> pick_port_;
  const std::atomic<bool>* stop_;
  ClassDataArchives class_data_;  // outlives the JobManagers, which keep their archives as they stop
  std::mutex mu_;
  std::map<int, std::unique_ptr<SessionJobManager>> lanes_;
};

}  // namespace

ClusterFactory real_clusters(const FlinkDist& dist, const cgroup::Hierarchy& cgroups, const std::atomic<bool>* stop,
                             std::shared_ptr<const DerivationCache> derivations, std::function<int()> pick_port,
                             const fs::path& class_data_dir) {
  if (!pick_port) pick_port = os::free_loopback_port;
  auto lanes = std::make_shared<Lanes>(dist, cgroups, pick_port, stop, class_data_dir);
  return [&dist, &cgroups, stop, pick_port, lanes, derivations = std::move(derivations)](
             const fs::path& dir, int lane, LineHandler on_line) -> std::unique_ptr<Cluster> {
    // out/<run>/<scenario>/<variant>: the lane's session JobManager lives in out/<run>/lanes/<n>
    SessionJobManager* session = lanes->lane(dir.parent_path().parent_path(), lane);
    return std::make_unique<RealCluster>(dist, cgroups, stop, pick_port, derivations.get(), session,
                                         lanes->class_data(), dir, std::move(on_line));
  };
}

}  // namespace tmfault
