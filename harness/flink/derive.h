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
std::map<std::string, std::string> flink_env(const std::filesystem::path& home, const std::filesystem::path& conf);

/// Runs BashJavaUtils on `conf` for `role` (GET_TM_RESOURCE_PARAMS or GET_JM_RESOURCE_PARAMS) as
/// bin/config.sh does (its output also goes to <cwd>/<log_name>). Throws on a timeout (60 s) and
/// Interrupted when `stop` is set.
Derivation derive_memory(const FlinkDist& d, Role role, const std::filesystem::path& conf,
                         const std::filesystem::path& cwd, const std::map<std::string, std::string>& env,
                         const std::atomic<bool>* stop, const std::string& log_name = "derive.log");

/// Derivations made ahead of the runs, by process and its own options (the memory options of its
/// configuration; the harness's ports and directories do not change what Flink derives).
class DerivationCache {
 public:
  /// nullptr when `own` was not derived ahead for `role`.
  const Derivation* find(Role role, const FlinkOptions& own) const;
  void insert(Role role, const FlinkOptions& own, Derivation d);
  std::size_t size() const { return by_key_.size(); }
  /// Why nothing could be derived ahead ("": it could): each run then derives its own.
  std::string failure;

 private:
  static std::string key(Role role, const FlinkOptions& own);
  std::map<std::string, Derivation> by_key_;
};

/// Flink's memory model for every (role, own options) in `wanted`, in ONE JVM running Flink's
/// BashJavaUtils once per configuration (ci/flink-dist/tools/DeriveAll.java) instead of one JVM
/// each; `scratch` holds the configurations meanwhile (created and removed). Each derivation's
/// cpu is its share of that JVM's. When that JVM fails (a distribution without BashJavaUtils),
/// the cache is empty and says why: each run then meets the failure itself. Throws Interrupted
/// when `stop` is set.
DerivationCache derive_all(const FlinkDist& d, const std::vector<std::pair<Role, FlinkOptions>>& wanted,
                           const std::filesystem::path& scratch, const std::atomic<bool>* stop);

/// What running `plans` derives: each subject's memory, and the TaskManager the harness runs
/// for a JobManager subject.
std::vector<std::pair<Role, FlinkOptions>> derivations_of(const std::vector<VariantPlan>& plans);

}  // namespace tmfault
