#include "harness/flink/derive.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>

#include "cgroup/process.h"
#include "harness/stages/exit_status.h"
#include "harness/flink/files.h"
#include "harness/flink/launch.h"
#include "harness/stages/memory_model.h"
#include "harness/stages/memory_model.h"

namespace tmfault {
namespace fs = std::filesystem;
namespace {

constexpr Millis kDeriveTimeout{60'000};
constexpr Millis kPoll{100};

}  // namespace

void write_conf(const fs::path& conf, const FlinkDist& d, const FlinkOptions& options) {
  fs::create_directories(conf);
  write_text(conf / "config.yaml", config_yaml(options));
  for (const auto& f : {d.log4j_config, d.log4j_bash_utils_config})
    fs::copy_file(f, conf / f.filename(), fs::copy_options::overwrite_existing);
}

std::map<std::string, std::string> flink_env(const fs::path& home, const fs::path& conf) {
  std::map<std::string, std::string> env;
  for (const char* k : {"PATH", "HOME", "LANG", "TZ", "JAVA_HOME"})
    if (const char* v = std::getenv(k)) env[k] = v;
  // Application mode looks for the user jar in <parent of FLINK_LIB_DIR>/usrlib.
  env["FLINK_HOME"] = home.string();
  env["FLINK_LIB_DIR"] = (home / "lib").string();
  env["FLINK_CONF_DIR"] = conf.string();
  return env;
}

Derivation derive_memory(const FlinkDist& d, Role role, const fs::path& conf, const fs::path& cwd,
                         const std::map<std::string, std::string>& env, const std::atomic<bool>* stop,
                         const std::string& log_name) {
  Derivation out;
  std::mutex mu;
  auto collect = [&](std::string_view l) {
    std::lock_guard lock(mu);
    out.output.append(l).push_back('\n');
  };
  auto p = cgroup::Process::start(
      {d.java, bash_java_utils_args(d, bash_java_utils_command(role), conf), env, cwd, std::nullopt}, collect, collect);
  std::optional<int> status;
  for (auto end = std::chrono::steady_clock::now() + kDeriveTimeout;
       !status && std::chrono::steady_clock::now() < end;) {
    if (stop && stop->load()) throw Interrupted();
    status = p->wait_for(kPoll);
  }
  std::lock_guard lock(mu);
  write_text(cwd / log_name, out.output);
  if (!status) throw std::runtime_error("BashJavaUtils did not finish within 60s");
  if (auto cpu = p->cpu_time()) out.cpu = std::chrono::duration_cast<Millis>(*cpu);
  std::string error;
  if (decode_wait_status(*status).code == 0) out.memory = parse_bash_java_utils(out.output, role, error);
  return out;
}

}  // namespace tmfault
