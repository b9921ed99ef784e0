#pragma once
// Helpers shared by the end-to-end test programs (real Flink, real cgroups).
#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cgroup/cgroup.h"
#include "cgroup/process.h"
#include "harness/stages/exit_status.h"
#include "tests/catch_run.h"
#include "tests/skip.h"

namespace tmfault::testing {

/// Children of the cgroup parent made by tmfault process `pid` (tmfault-<pid>-*[suffix]).
inline std::vector<std::filesystem::path> cgroups_of(const cgroup::Hierarchy& h, pid_t pid,
                                                     std::string_view suffix = "") {
  std::vector<std::filesystem::path> out;
  std::string prefix = fmt::format("tmfault-{}-", pid);
  for (const auto& e : std::filesystem::directory_iterator(h.parent)) {
    std::string name = e.path().filename().string();
    if (e.is_directory() && name.starts_with(prefix) && name.ends_with(suffix)) out.push_back(e.path());
  }
  return out;
}

/// Live processes whose command line contains `needle` (e.g. a run's output directory, which
/// every JVM tmfault starts names in its arguments). Zombies and this process are left out.
inline std::vector<pid_t> processes_mentioning(std::string_view needle) {
  std::vector<pid_t> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = std::stoi(name);
    if (pid == ::getpid()) continue;
    std::ifstream cmd(e.path() / "cmdline"), stat(e.path() / "stat");
    std::string args((std::istreambuf_iterator<char>(cmd)), {}), st;
    std::getline(stat, st);
    bool zombie = st.find(") Z ") != std::string::npos;
    if (!zombie && args.find(needle) != std::string::npos) out.push_back(pid);
  }
  return out;
}

/// A fresh, empty directory under the temp dir, unique to this test process.
inline std::filesystem::path temp_out(std::string_view name) {
  auto p = std::filesystem::temp_directory_path() / fmt::format("tmfault-{}-{}", name, ::getpid());
  std::filesystem::remove_all(p);
  return p;
}

/// Polls `pred` every 50 ms for up to `limit`.
template <class Pred>
bool wait_until(Pred pred, std::chrono::seconds limit) {
  for (auto end = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < end;) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pred();
}

/// A tmfault child process with its output collected.
struct Tmfault {
  std::mutex mu;
  std::string output;
  std::unique_ptr<cgroup::Process> p;

  explicit Tmfault(std::vector<std::string> args, std::map<std::string, std::string> env = base_env()) {
    auto sink = [this](std::string_view l) {
      std::lock_guard lock(mu);
      output.append(l).push_back('\n');
    };
    p = cgroup::Process::start({TMFAULT_BINARY, std::move(args), std::move(env), std::filesystem::temp_directory_path(),
                                std::nullopt},
                               sink, sink);
  }
  static std::map<std::string, std::string> base_env() {
    std::map<std::string, std::string> env;
    for (const char* k : {"PATH", "HOME", "JAVA_HOME", "TMFAULT_CACHE"})
      if (const char* v = std::getenv(k)) env[k] = v;
    return env;
  }
  int wait(std::chrono::milliseconds limit = std::chrono::seconds(300)) const {
    auto st = p->wait_for(limit);
    REQUIRE(st);
    return decode_wait_status(*st).shell_code();
  }
  std::string text() {
    std::lock_guard lock(mu);
    return output;
  }
};

/// The main() of an e2e program: finds the cgroups to use, or exits 77 (ctest: skipped) with
/// the reason printed when this machine cannot create memory cgroups.
inline int run_e2e_tests(int argc, char** argv, cgroup::Hierarchy& cgroups) {
  try {
    cgroups = cgroup::discover();
  } catch (const cgroup::CgroupError& e) {
    return skip_exit_code(std::string("memory cgroups are not usable here: ") + e.what() + "\n  hint: " + e.hint());
  }
  return run_catch(argc, argv);
}

}  // namespace tmfault::testing
