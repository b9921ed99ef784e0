#include "harness/flink/launch.h"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <sstream>

namespace tmfault {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kTaskManagerMain = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
constexpr std::string_view kApplicationMain =
    "org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint";
constexpr std::string_view kSessionMain = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
constexpr std::string_view kBashJavaUtilsMain = "org.apache.flink.runtime.util.bash.BashJavaUtils";
/// For the JVMs that are not under test (JobManager, BashJavaUtils); never for the TaskManager.
constexpr std::array<std::string_view, 2> kQuickStartFlags{"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"};

std::string find_option(const FlinkOptions& o, std::string_view key) {
  for (const auto& [k, v] : o)
    if (k == key) return v;
  return {};
}

void append_words(std::vector<std::string>& out, const std::string& text) {
  std::istringstream in(text);
  for (std::string w; in >> w;) out.push_back(w);
}

/// config.sh: FLINK_ENV_JAVA_OPTS = -XX:+IgnoreUnrecognizedVMOptions + env.java.opts.all.
std::vector<std::string> env_java_opts(const FlinkDist& d) {
  std::vector<std::string> out{"-XX:+IgnoreUnrecognizedVMOptions"};
  out.insert(out.end(), d.java_opts_all.begin(), d.java_opts_all.end());
  return out;
}

/// flink-console.sh: the log settings before -classpath.
std::vector<std::string> log_settings(const fs::path& conf, const fs::path& log_file) {
  std::string props = "file:" + (conf / "log4j-console.properties").string();
  return {"-Dlog.file=" + log_file.string(), "-Dlog4j.configuration=" + props, "-Dlog4j.configurationFile=" + props,
          "-Dlogback.configurationFile=file:" + (conf / "logback-console.xml").string()};
}

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  if (v.find_first_of(":#{}[],&*!|>'\"%@`") != std::string_view::npos) return true;
  return std::isspace(static_cast<unsigned char>(v.front())) || std::isspace(static_cast<unsigned char>(v.back()));
}

}  // namespace

FlinkOptions cluster_options(const ClusterPorts& ports, const fs::path& run_dir, Millis timeout) {
  return {
      {"jobmanager.rpc.address", "127.0.0.1"},
      {"jobmanager.rpc.port", std::to_string(ports.jm_rpc)},
      {"jobmanager.bind-host", "127.0.0.1"},
      {"rest.address", "127.0.0.1"},
      {"rest.bind-address", "127.0.0.1"},
      {"rest.bind-port", "0"},  // the JM logs the port it got; no race with other runs
      {"taskmanager.host", "127.0.0.1"},
      {"taskmanager.bind-host", "127.0.0.1"},
      {"taskmanager.rpc.port", "0"},
      {"taskmanager.data.port", "0"},
      {"blob.server.port", "0"},
      {"restart-strategy.type", "none"},
      // Flink's metrics fresh enough to show a pool just before it ran out (per-pool usage)
      {"metrics.fetcher.update-interval", "500"},
      {"execution.shutdown-on-application-finish", "false"},
      {"taskmanager.registration.timeout", fmt::format("{} ms", timeout.count())},
      // the TM usually starts before the JM listens: retry quickly instead of after 10 s (in ms:
      // Flink 1.19 reads this one as a bare number)
      {"cluster.registration.error-delay", "500"},
      {"io.tmp.dirs", (run_dir / "tmp").string()},
      {"blob.storage.directory", (run_dir / "tmp").string()},
      {"web.tmpdir", (run_dir / "tmp").string()},
  };
}

std::string config_yaml(const FlinkOptions& options) {
  std::string out = "# written by tmfault for one run\n";
  for (const auto& [k, v] : options) {
    if (!needs_quotes(v)) {
      out += fmt::format("{}: {}\n", k, v);
      continue;
    }
    std::string q;
    for (char c : v) q += c == '\'' ? std::string("''") : std::string(1, c);
    out += fmt::format("{}: '{}'\n", k, q);
  }
  return out;
}

std::string classpath_string(const std::vector<fs::path>& jars) {
  std::string cp;
  for (const auto& j : jars) cp += (cp.empty() ? "" : ":") + j.string();
  return cp;
}

std::string classpath_string(const FlinkDist& d) { return classpath_string(d.classpath); }

std::vector<std::string> bash_java_utils_args(const FlinkDist& d, std::string_view command, const fs::path& conf) {
  // bin/bash-java-utils.jar carries this log4j2 config; it makes Flink log its breakdown.
  // JIT and GC flags cannot change what the memory model computes, only how fast.
  std::vector<std::string> a(kQuickStartFlags.begin(), kQuickStartFlags.end());
  a.insert(a.end(), {"-Dlog4j.configurationFile=file:" + (conf / "log4j-bash-utils.properties").string(), "-classpath",
                     classpath_string(d.bash_java_utils_classpath), std::string(kBashJavaUtilsMain),
                     std::string(command), "--configDir", conf.string()});
  return a;
}

std::vector<std::string> derive_all_args(const FlinkDist& d) {
  std::vector<std::string> a(kQuickStartFlags.begin(), kQuickStartFlags.end());
  a.insert(a.end(), {"-Dlog4j.configurationFile=file:" + d.log4j_bash_utils_config.string(), "-classpath",
                     classpath_string(d.bash_java_utils_classpath), d.derive_all_source.string()});
  return a;
}

std::vector<std::string> taskmanager_args(const FlinkDist& d, const MemoryBreakdown& m, const FlinkOptions& options,
                                          const fs::path& conf, const fs::path& log_file) {
  // taskmanager.sh adds -XX:+UseG1GC only when FLINK_ENV_JAVA_OPTS(_TM) are empty; Flink's
  // shipped config sets env.java.opts.all on JDK 17, so the JVM's own GC choice stands.
  std::vector<std::string> a = m.jvm_args;
  std::vector<std::string> env_opts = env_java_opts(d);
  a.insert(a.end(), env_opts.begin(), env_opts.end());
  append_words(a, find_option(options, "env.java.opts.taskmanager"));
  for (auto& s : log_settings(conf, log_file)) a.push_back(std::move(s));
  a.insert(a.end(), {"-classpath", classpath_string(d), std::string(kTaskManagerMain), "--configDir", conf.string()});
  a.insert(a.end(), m.dynamic_args.begin(), m.dynamic_args.end());
  return a;
}

const FlinkOptions& Infrastructure::jobmanager() {
  // Heartbeats from the JobManager every 500 ms instead of 10 s: a TaskManager the kernel killed
  // fails two heartbeat RPCs (heartbeat.rpc-failure-threshold) and is dropped within about a
  // second, so a lane's session JobManager can serve the next variant instead of being replaced
  // (a JobManager start, 5 s of waiting). The timeout for a TaskManager that is alive but silent
  // (a long GC) stays Flink's default 50 s: the symptom must not become a heartbeat timeout.
  static const FlinkOptions kOptions{{"jobmanager.memory.process.size", "1g"}, {"heartbeat.interval", "500"}};
  return kOptions;
}

const FlinkOptions& Infrastructure::taskmanager() {
  static const FlinkOptions kOptions{{"taskmanager.memory.process.size", "1g"}, {"taskmanager.numberOfTaskSlots", "1"}};
  return kOptions;
}

std::vector<std::string> infrastructure_taskmanager_args(const FlinkDist& d, const MemoryBreakdown& m,
                                                         const fs::path& conf, const fs::path& log_file) {
  std::vector<std::string> a = taskmanager_args(d, m, Infrastructure::taskmanager(), conf, log_file);
  a.insert(a.begin() + static_cast<std::ptrdiff_t>(m.jvm_args.size()), kQuickStartFlags.begin(),
           kQuickStartFlags.end());
  return a;
}

std::vector<std::string> jobmanager_subject_args(const FlinkDist& d, const VariantPlan& plan, const MemoryBreakdown& m,
                                                 const fs::path& conf, const fs::path& log_file) {
  std::vector<std::string> a = m.jvm_args;
  std::vector<std::string> env_opts = env_java_opts(d);
  a.insert(a.end(), env_opts.begin(), env_opts.end());
  append_words(a, find_option(plan.options, "env.java.opts.jobmanager"));
  for (auto& s : log_settings(conf, log_file)) a.push_back(std::move(s));
  a.insert(a.end(), {"-classpath", classpath_string(d), std::string(kApplicationMain), "--configDir", conf.string()});
  a.insert(a.end(), m.dynamic_args.begin(), m.dynamic_args.end());
  a.insert(a.end(), {"--job-classname", plan.workload_class});
  a.insert(a.end(), plan.workload_args.begin(), plan.workload_args.end());
  return a;
}

namespace {

/// A JobManager that is infrastructure: `main_class` with the sizes Flink derives for
/// jobmanager.memory.process.size=1g (BashJavaUtils GET_JM_RESOURCE_PARAMS), fixed because it is
/// not under test. So are its JIT and GC: C1 only halves its start-up CPU (bench/jm_startup.py),
/// which the TM's start competes for.
std::vector<std::string> infrastructure_jobmanager_args(const FlinkDist& d, std::string_view main_class,
                                                        const fs::path& conf, const fs::path& log_file) {
  std::vector<std::string> a{"-Xmx469762048", "-Xms469762048", "-XX:MaxMetaspaceSize=268435456"};
  a.insert(a.end(), kQuickStartFlags.begin(), kQuickStartFlags.end());
  std::vector<std::string> env_opts = env_java_opts(d);
  a.insert(a.end(), env_opts.begin(), env_opts.end());
  for (auto& s : log_settings(conf, log_file)) a.push_back(std::move(s));
  a.insert(a.end(), {"-classpath", classpath_string(d), std::string(main_class), "--configDir", conf.string()});
  return a;
}

}  // namespace

std::vector<std::string> jobmanager_args(const FlinkDist& d, const VariantPlan& plan, const fs::path& conf,
                                         const fs::path& log_file) {
  std::vector<std::string> a = infrastructure_jobmanager_args(d, kApplicationMain, conf, log_file);
  a.insert(a.end(), {"--job-classname", plan.workload_class});
  a.insert(a.end(), plan.workload_args.begin(), plan.workload_args.end());
  return a;
}

std::vector<std::string> session_jobmanager_args(const FlinkDist& d, const fs::path& conf, const fs::path& log_file) {
  return infrastructure_jobmanager_args(d, kSessionMain, conf, log_file);
}

}  // namespace tmfault
