#include "harness/flink/session_jm.h"

#include <fmt/format.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "harness/flink/derive.h"
#include "harness/flink/files.h"
#include "harness/flink/launch.h"
#include "harness/stages/detectors.h"
#include "harness/stages/exit_status.h"

namespace tmfault {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;
constexpr Millis kStartTimeout{90'000};
constexpr Millis kPoll{100};
constexpr int kPortTries = 3;

}  // namespace

SessionJobManager::SessionJobManager(const FlinkDist& dist, const cgroup::Hierarchy& cgroups, fs::path dir,
                                     std::function<int()> pick_port, const std::atomic<bool>* stop,
                                     ClassDataArchives* class_data)
    : dist_(dist),
      cgroups_(cgroups),
      dir_(std::move(dir)),
      pick_port_(std::move(pick_port)),
      stop_(stop),
      class_data_(class_data) {}

SessionJobManager::~SessionJobManager() { stop(); }

void SessionJobManager::route(std::function<void(std::string_view)> sink) {
  std::lock_guard lock(mu_);
  route_ = std::move(sink);
}

std::optional<ExitStatus> SessionJobManager::exit_status() {
  if (!process_) return std::nullopt;
  auto st = process_->poll();
  return st ? std::optional(decode_wait_status(*st)) : std::nullopt;
}

void SessionJobManager::ensure_running(std::vector<std::string>& notes) {
  if (process_ && !exit_status()) return;
  stop();
  for (int n = 1; n <= kPortTries; ++n) {
    int port = pick_port_();
    if (start_once(port)) break;
    if (!port_taken_ || n == kPortTries) {
      stop();
      throw EnvironmentError(fmt::format("the session JobManager did not come up (see {})", (dir_ / "jm.log").string()),
                             "look at its log; a loaded machine may need a larger --timeout-scale");
    }
    notes.push_back(fmt::format("session JobManager: port {} was taken by another process; tried again", port));
  }
  std::string error;
  jar_id_ = rest().upload_jar(dist_.workloads_jar, error);
  if (jar_id_.empty()) {
    stop();
    throw EnvironmentError(fmt::format("cannot upload the workloads jar to the session JobManager: {}", error),
                           "look at its log");
  }
  served_ = 0;
}

bool SessionJobManager::start_once(int port) {
  ++starts_;
  fs::path conf = dir_ / "jm-conf", log = dir_ / fmt::format("jm-{}.log", starts_);
  FlinkOptions options = cluster_options({port}, dir_, kStartTimeout);
  options.insert(options.end(), Infrastructure::jobmanager().begin(), Infrastructure::jobmanager().end());
  fs::create_directories(dir_ / "tmp");
  fs::create_directories(dir_ / "flink-home");
  if (!fs::exists(dir_ / "flink-home" / "lib")) fs::create_directory_symlink(dist_.lib, dir_ / "flink-home" / "lib");
  write_conf(conf, dist_, options);
  std::vector<std::string> args = session_jobmanager_args(dist_, conf, log);
  if (class_data_) class_data_use_ = class_data_->use_in(dist_.java, args);
  write_text(dir_ / fmt::format("jm-{}.cmd", starts_),
             fmt::format("{} {}\n", dist_.java.string(), fmt::join(args, " ")));
  cg_ = cgroup::MemCgroup::create(cgroups_, "session-jm", Infrastructure::kLimitBytes);
  seen_rest_port_ = 0, port_taken_ = false;
  auto file = std::make_shared<std::ofstream>(log, std::ios::app);
  auto sink = [this, file](std::string_view line) {
    *file << line << '\n' << std::flush;
    LineEvent e = classify_line(line);
    if (e.milestone == Milestone::jm_ready)
      seen_rest_port_ = std::atoi(std::string(line.substr(line.rfind(':') + 1)).c_str());
    if (e.milestone == Milestone::rpc_port_taken) port_taken_ = true;
    std::lock_guard lock(mu_);
    if (route_) route_(line);
  };
  process_ = cgroup::Process::start({dist_.java, args, flink_env(dir_ / "flink-home", conf), dir_, cg_->procs_file()},
                                    sink, sink);
  for (auto end = Clock::now() + kStartTimeout; Clock::now() < end; std::this_thread::sleep_for(kPoll)) {
    throw_if_stopped();
    if (exit_status()) return false;
    if (seen_rest_port_) {
      rpc_port_ = port, rest_port_ = seen_rest_port_;
      return true;
    }
  }
  return false;
}

bool SessionJobManager::wait_no_taskmanagers(Millis timeout) const {
  for (auto end = Clock::now() + timeout; Clock::now() < end; std::this_thread::sleep_for(kPoll)) {
    if (stop_ && stop_->load()) return false;
    auto tms = rest().taskmanagers();
    if (tms && tms->empty()) return true;
  }
  return false;
}

void SessionJobManager::release(bool healthy) {
  route(nullptr);
  ++served_;
  // One that records a class-data archive ends after its first variant, here on the lane's
  // thread: the JobManager dies with the thread that started it (PR_SET_PDEATHSIG), so it could
  // not write its archive at the end of the suite.
  if (!healthy || !class_data_use_.recording.empty()) stop();
}

void SessionJobManager::throw_if_stopped() {
  if (!stop_ || !stop_->load()) return;
  stop();
  throw Interrupted();
}

void SessionJobManager::stop() {
  if (class_data_) class_data_->end_recording(class_data_use_, process_.get(), stop_ && stop_->load());
  if (cg_) cg_->signal_all(SIGKILL);
  process_.reset();
  if (cg_) cg_->remove();
  cg_.reset();
  rpc_port_ = rest_port_ = 0;
  jar_id_.clear();
}

}  // namespace tmfault
