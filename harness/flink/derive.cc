#include "harness/flink/derive.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>

#include "cgroup/process.h"
#include "harness/flink/files.h"
#include "harness/flink/launch.h"
#include "harness/stages/exit_status.h"
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

std::string DerivationCache::key(Role role, const FlinkOptions& own) {
  std::string k(role_source(role));
  for (const auto& [option, value] : own) k += fmt::format("\n{}={}", option, value);
  return k;
}

const Derivation* DerivationCache::find(Role role, const FlinkOptions& own) const {
  auto it = by_key_.find(key(role, own));
  return it == by_key_.end() ? nullptr : &it->second;
}

void DerivationCache::insert(Role role, const FlinkOptions& own, Derivation d) {
  by_key_.insert_or_assign(key(role, own), std::move(d));
}

DerivationCache derive_all(const FlinkDist& d, const std::vector<std::pair<Role, FlinkOptions>>& wanted,
                           const fs::path& scratch_dir, const std::atomic<bool>* stop) {
  // The JVM runs in `scratch`, so a relative path (tmfault run --out runs) would name the wrong
  // directory there.
  const fs::path scratch = fs::absolute(scratch_dir);
  DerivationCache cache;
  std::vector<std::pair<Role, FlinkOptions>> todo;
  for (const auto& w : wanted)
    if (std::find(todo.begin(), todo.end(), w) == todo.end()) todo.push_back(w);
  if (todo.empty()) return cache;
  struct Scratch {
    const fs::path& dir;
    ~Scratch() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } remove_afterwards{scratch};
  std::vector<std::string> args = derive_all_args(d);
  for (std::size_t i = 0; i < todo.size(); ++i) {
    fs::path dir = scratch / std::to_string(i);
    FlinkOptions options = cluster_options({0}, dir, Millis(90'000));
    options.insert(options.end(), todo[i].second.begin(), todo[i].second.end());
    write_conf(dir, d, options);
    args.insert(args.end(), {std::string(bash_java_utils_command(todo[i].first)), dir.string()});
  }
  std::string output;
  std::mutex mu;
  auto collect = [&](std::string_view l) {
    std::lock_guard lock(mu);
    output.append(l).push_back('\n');
  };
  auto p = cgroup::Process::start({d.java, args, flink_env(scratch, scratch), scratch, std::nullopt}, collect, collect);
  std::optional<int> status;
  for (auto end = std::chrono::steady_clock::now() + kDeriveTimeout;
       !status && std::chrono::steady_clock::now() < end;) {
    if (stop && stop->load()) throw Interrupted();
    status = p->wait_for(kPoll);
  }
  if (!status || decode_wait_status(*status).code != 0) {
    cache.failure = fmt::format("BashJavaUtils (DeriveAll) failed: {}", output.substr(0, 500));
    return cache;
  }
  Millis share = std::chrono::duration_cast<Millis>(p->cpu_time().value_or(std::chrono::microseconds(0))) /
                 static_cast<long>(todo.size());
  for (std::size_t i = 0; i < todo.size(); ++i) {
    fs::path dir = scratch / std::to_string(i);
    Derivation dv;
    dv.output = read_text(dir / "derive.out");
    dv.cpu = share;
    std::string error;
    if (read_text(dir / "derive.status") == "0") dv.memory = parse_bash_java_utils(dv.output, todo[i].first, error);
    cache.insert(todo[i].first, todo[i].second, std::move(dv));
  }
  return cache;
}

std::vector<std::pair<Role, FlinkOptions>> derivations_of(const std::vector<VariantPlan>& plans) {
  std::vector<std::pair<Role, FlinkOptions>> out;
  for (const VariantPlan& p : plans) {
    out.emplace_back(p.subject, p.options);
    if (p.subject == Role::jobmanager) out.emplace_back(Role::taskmanager, Infrastructure::taskmanager());
  }
  return out;
}

}  // namespace tmfault
