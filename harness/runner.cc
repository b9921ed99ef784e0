#include "harness/runner.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

#include "cgroup/process.h"
#include "harness/derive.h"
#include "harness/exit_status.h"
#include "harness/flink_launch.h"
#include "harness/log_events.h"
#include "harness/memory_model.h"
#include "harness/rest.h"

namespace tmfault {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
namespace {

constexpr Millis kTick{100};
/// After a symptom appears, how long the job may take to reach a final state.
constexpr Millis kSettleAfterSymptom{10'000};
/// On a timeout: time for the JVMs to print thread dumps, then to exit on SIGTERM.
constexpr Millis kThreadDumpTime{500};
constexpr Millis kGrace{2'000};
/// Tries per variant when the JobManager's RPC port was taken before it could bind it.
constexpr int kPortTries = 3;

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
  if (!out) throw std::runtime_error(fmt::format("cannot write '{}'", p.string()));
}

/// Collects what the processes print: log files, symptom hits, milestones. Thread-safe.
class Events {
 public:
  explicit Events(Clock::time_point start) : start_(start) {}

  cgroup::LineSink sink(std::string source, const fs::path& log) {
    auto file = std::make_shared<std::ofstream>(log, std::ios::app);
    return [this, source, file, log](std::string_view line) {
      std::lock_guard lock(mu_);
      if (*file && !(*file << line << '\n').flush() && write_error.empty())
        write_error = fmt::format("cannot write '{}': {}", log.string(), std::strerror(errno));
      record(source, line);
      cv_.notify_all();
    };
  }

  void wait(Millis d) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, d, [&] { return changed_; });
    changed_ = false;
  }

  template <class F>
  auto with(F f) {
    std::lock_guard lock(mu_);
    return f(*this);
  }

  Millis since_start() const {
    return std::chrono::duration_cast<Millis>(Clock::now() - start_);
  }

  std::vector<SymptomHit> hits;
  Timings timings;
  std::string job_end;
  int rest_port = 0;
  bool jm_port_taken = false;
  std::string write_error;  ///< the first log write that failed (disk full?): logs are evidence

 private:
  void record(const std::string& source, std::string_view line) {
    LineEvent e = classify_line(line);
    Millis now = since_start();
    if (e.symptom) {
      hits.push_back({*e.symptom, source, std::string(line.substr(0, 2000)), now});
      if (!timings.first_symptom) timings.first_symptom = now;
      changed_ = true;
    }
    if (!e.milestone) return;
    changed_ = true;
    switch (*e.milestone) {
      case Milestone::jm_ready:
        if (source == "jm") {
          timings.jm_ready = now;
          rest_port = std::atoi(std::string(line.substr(line.rfind(':') + 1)).c_str());
        }
        break;
      case Milestone::tm_registered: timings.tm_registered = now; break;
      case Milestone::task_running:
        if (!timings.job_running) timings.job_running = now;
        break;
      case Milestone::job_ended:
        if (source == "jm" && job_end.empty()) job_end = job_end_state(line), timings.job_ended = now;
        break;
      case Milestone::rpc_port_taken:
        if (source == "jm") jm_port_taken = true;
        break;
    }
  }

  Clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool changed_ = false;
};

struct Cluster {
  std::unique_ptr<cgroup::MemCgroup> jm_cg, tm_cg;
  std::unique_ptr<cgroup::Process> jm, tm;

  /// A run that timed out: thread dumps into the logs (SIGQUIT), then SIGTERM, then a grace
  /// period before tear_down's SIGKILL, so a hung JVM leaves evidence of where it hung.
  void stop_gently() {
    for (auto* cg : {tm_cg.get(), jm_cg.get()})
      if (cg) cg->signal_all(SIGQUIT);
    std::this_thread::sleep_for(kThreadDumpTime);
    for (auto* cg : {tm_cg.get(), jm_cg.get()})
      if (cg) cg->signal_all(SIGTERM);
    for (auto* p : {tm.get(), jm.get()})
      if (p) p->wait_for(kGrace);
  }

  /// Kills everything, reaps, removes the cgroups. Records stats of the TM cgroup first.
  void tear_down(Observation& o) {
    if (tm_cg) {
      try {
        auto s = tm_cg->stats();
        o.tm_oom_kills = s.oom_kills;
        o.tm_peak_bytes = s.peak_bytes;
      } catch (const std::exception&) {
      }
    }
    for (auto* cg : {tm_cg.get(), jm_cg.get()})
      if (cg) cg->signal_all(SIGKILL);
    for (auto* p : {tm.get(), jm.get()})
      if (p) p->signal(SIGKILL), p->wait_for(Millis(5000));
    tm.reset(), jm.reset();
    if (tm_cg) tm_cg->remove();
    if (jm_cg) jm_cg->remove();
  }
};

std::unique_ptr<cgroup::Process> launch(const FlinkDist& d, std::vector<std::string> args,
                                        const std::map<std::string, std::string>& env,
                                        const fs::path& dir, const cgroup::MemCgroup& cg,
                                        Events& ev, const std::string& source) {
  fs::path log = dir / (source + ".log");
  write_file(dir / (source + ".cmd"), fmt::format("{} {}\n", d.java.string(), fmt::join(args, " ")));
  return cgroup::Process::start({d.java, std::move(args), env, dir, cg.procs_file()},
                                ev.sink(source, log), ev.sink(source, log));
}


/// Polls until the job ends, the TM or JM exits, the deadline passes or a stop is requested.
void monitor(const VariantPlan& plan, const RunContext& ctx, Cluster& c, Events& ev,
             Observation& o) {
  auto deadline = Clock::now() + plan.timeout;
  auto last_rest = Clock::now();
  std::string job_id;
  for (;;) {
    ev.wait(kTick);
    o.samples.push_back({ev.since_start(), c.tm_cg->usage_bytes()});
    if (ctx.on_sample) ctx.on_sample(o.samples.back(), o.cgroup_limit_bytes);
    if (ctx.stop && ctx.stop->load()) { o.interrupted = true; return; }
    if (auto st = c.tm->poll()) {
      o.tm_exit = decode_wait_status(*st);
      o.timings.tm_exited = ev.since_start();
      return;
    }
    if (auto st = c.jm->poll()) { o.jm_exit = decode_wait_status(*st); return; }
    auto [port, ended, symptom_at] = ev.with([](Events& e) {
      return std::tuple{e.rest_port, !e.job_end.empty(), e.timings.first_symptom};
    });
    bool rest_due = port && (ended || Clock::now() - last_rest > Millis(1000));
    if (rest_due) {
      last_rest = Clock::now();
      JobManagerRest rest("127.0.0.1", port);
      if (auto job = rest.job()) {
        job_id = job->id;
        o.job_state = job->state;
        if (job->state == "FINISHED" || job->state == "FAILED" || job->state == "CANCELED") {
          if (job->state != "FINISHED") o.job_failure = rest.root_exception(job->id);
          return;
        }
      }
    }
    if (symptom_at && ev.since_start() - *symptom_at > kSettleAfterSymptom) return;
    if (Clock::now() > deadline) { o.timed_out = true; return; }
  }
}

void run_cluster(const VariantPlan& plan, const RunContext& ctx, Events& ev, Observation& o) {
  const FlinkDist& d = *ctx.dist;
  const fs::path& dir = ctx.dir;
  ClusterPorts ports{ctx.pick_port ? ctx.pick_port() : free_loopback_port()};
  o.ports["jobmanager.rpc.port"] = std::to_string(ports.jm_rpc);
  FlinkOptions cluster = cluster_options(ports, dir, plan.timeout);
  fs::create_directories(dir / "tmp");
  fs::path home = dir / "flink-home";
  fs::create_directories(home / "usrlib");
  fs::create_directory_symlink(d.lib, home / "lib");
  fs::copy_file(d.workloads_jar, home / "usrlib" / d.workloads_jar.filename(),
                fs::copy_options::overwrite_existing);
  write_conf(dir / "jm-conf", d, cluster);
  FlinkOptions tm_all = cluster;
  tm_all.insert(tm_all.end(), plan.tm_options.begin(), plan.tm_options.end());
  write_conf(dir / "tm-conf", d, tm_all);

  Cluster c;
  // The JM does not depend on the TM's options: start it while Flink derives the TM's memory.
  c.jm_cg = cgroup::MemCgroup::create(*ctx.cgroups, plan.scenario_id + "-jm", kJobManagerLimitBytes);
  auto jm_env = flink_env(home, dir / "jm-conf");
  c.jm = launch(d, jobmanager_args(d, plan, dir / "jm-conf", dir / "jm.log"), jm_env, dir, *c.jm_cg,
                ev, "jm");
  try {
    auto tm_env = flink_env(home, dir / "tm-conf");
    Derivation dv = derive_memory(d, dir / "tm-conf", dir, tm_env, ctx.stop);
    o.memory = dv.memory;
    o.derive_ok = dv.memory.has_value();
    if (!o.derive_ok) o.derive_output = dv.output;
    if (std::string f = java_launch_failure(dv.output); !o.derive_ok && !f.empty())
      throw std::runtime_error(fmt::format("BashJavaUtils could not run (see derive.log): {}", f));
    o.timings.derived = ev.since_start();
    if (o.derive_ok) {
      o.cgroup_limit_bytes = plan.cgroup_limit_bytes.value_or(o.memory->total_process());
      c.tm_cg = cgroup::MemCgroup::create(*ctx.cgroups, plan.scenario_id + "-tm", o.cgroup_limit_bytes);
      c.tm = launch(d, taskmanager_args(d, *o.memory, plan.tm_options, dir / "tm-conf", dir / "tm.log"),
                    tm_env, dir, *c.tm_cg, ev, "tm");
      o.tm_started = true;
      monitor(plan, ctx, c, ev, o);
      if (o.timed_out) c.stop_gently();
    }
  } catch (...) {
    c.tear_down(o);
    throw;
  }
  c.tear_down(o);
}

/// One try at a variant; `jm_port_taken`: the try says nothing, the JM's RPC port was taken.
struct Try {
  Observation o;
  bool jm_port_taken = false;
};

Try try_variant(const VariantPlan& plan, const RunContext& ctx) {
  Observation o;
  auto start = Clock::now();
  Events ev(start);
  try {
    run_cluster(plan, ctx, ev, o);
  } catch (const Interrupted&) {
    o.interrupted = true;
  } catch (const cgroup::CgroupError& e) {
    o.harness_error = fmt::format("{} (hint: {})", e.what(), e.hint());
  } catch (const std::exception& e) {
    o.harness_error = e.what();
  }
  bool port_taken = ev.with([&](Events& e) {
    o.hits = e.hits;
    Timings mine = o.timings;  // the runner's own milestones; the rest come from the logs
    o.timings = e.timings;
    o.timings.derived = mine.derived;
    o.timings.tm_exited = mine.tm_exited;
    if (o.harness_error.empty()) o.harness_error = e.write_error;
    return e.jm_port_taken;
  });
  o.timings.total = std::chrono::duration_cast<Millis>(Clock::now() - start);
  if (port_taken && o.jm_exit && o.harness_error.empty())
    o.harness_error = fmt::format("the JobManager could not bind jobmanager.rpc.port {}: another "
                                  "process took it (see jm.log)", o.ports["jobmanager.rpc.port"]);
  if (o.jm_exit && o.harness_error.empty() && o.job_state.empty())
    o.harness_error = fmt::format("the JobManager {} before the job ended (see jm.log)",
                                  describe_exit(*o.jm_exit));
  bool retry = port_taken && o.jm_exit.has_value();
  return {std::move(o), retry};
}

/// Keeps the logs of a try whose JM lost its port as <name>.port-taken-<n>.log and removes the
/// rest of what it wrote, so the next try starts from the same directory as the first.
void set_aside(const fs::path& dir, int n) {
  for (const char* name : {"jm", "tm"}) {
    std::error_code ec;
    fs::rename(dir / fmt::format("{}.log", name), dir / fmt::format("{}.port-taken-{}.log", name, n), ec);
  }
  for (const char* made : {"jm-conf", "tm-conf", "flink-home", "tmp", "jm.cmd", "tm.cmd", "derive.log"})
    fs::remove_all(dir / made);
}

}  // namespace

int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot open a socket");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    int e = errno;
    ::close(fd);
    throw std::system_error(e, std::generic_category(), "cannot bind a loopback port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

Observation run_variant(const VariantPlan& plan, const RunContext& ctx) {
  std::vector<std::string> notes;
  for (int n = 1;; ++n) {
    Try t = try_variant(plan, ctx);
    bool again = t.jm_port_taken && n < kPortTries && !(ctx.stop && ctx.stop->load());
    if (!again) {
      t.o.notes.insert(t.o.notes.begin(), notes.begin(), notes.end());
      return t.o;
    }
    notes.push_back(fmt::format("try {}: jobmanager.rpc.port {} was taken by another process "
                                "before the JobManager bound it; its logs: jm.port-taken-{}.log",
                                n, t.o.ports["jobmanager.rpc.port"], n));
    set_aside(ctx.dir, n);
  }
}

}  // namespace tmfault
