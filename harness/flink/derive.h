#pragma once
// The "derive" stage: Flink options -> Flink's own memory breakdown, by running the version's
// BashJavaUtils exactly as bin/config.sh does. Also the per-run files every Flink JVM reads.
#include <atomic>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "harness/flink/dist.h"
#include "model/model.h"

namespace tmfault {

/// Thrown when a stop was requested while waiting for a child.
struct Interrupted {};

struct Derivation {
  std::optional<MemoryBreakdown> memory;  ///< nullopt: Flink refused the options (see output)
  std::string output;                     ///< everything BashJavaUtils printed
  Millis cpu{0};                          ///< the CPU time it took
};

/// Writes <conf>/config.yaml with `options` and the log4j configurations Flink's JVMs read.
void write_conf(const std::filesystem::path& conf, const FlinkDist& d, const FlinkOptions& options);

/// The environment of a Flink JVM: a clean one, plus FLINK_HOME/FLINK_LIB_DIR/FLINK_CONF_DIR.
std::map<std::string, std::string> flink_env(const std::filesystem::path& home,
                                             const std::filesystem::path& conf);

/// Runs BashJavaUtils on `conf` for `role` (GET_TM_RESOURCE_PARAMS or GET_JM_RESOURCE_PARAMS) as
/// bin/config.sh does (its output also goes to <cwd>/<log_name>). Throws on a timeout (60 s) and
/// Interrupted when `stop` is set.
Derivation derive_memory(const FlinkDist& d, Role role, const std::filesystem::path& conf,
                         const std::filesystem::path& cwd, const std::map<std::string, std::string>& env,
                         const std::atomic<bool>* stop, const std::string& log_name = "derive.log");

}  // namespace tmfault
