#pragma once
// `tmfault check --conf`: a user's own Flink configuration as a regression gate. Reads the
// TaskManager's memory options from config.yaml (nested or flat, as Flink 1.20/2.x read it) and
// turns each standard workload into a scenario that must come out healthy under them.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness/stages/diagnostic.h"
#include "model/model.h"

namespace tmfault {

struct UserConf {
  std::filesystem::path file;
  FlinkOptions memory;               ///< the keys that size a TaskManager, in file order
  std::vector<std::string> ignored;  ///< every other key (not ours to set: ports, HA, paths ...)
  std::map<std::string, SourcePos> option_pos;  ///< where each key was written
  std::vector<Diagnostic> diagnostics;          ///< problems with the file itself (errors)
};

/// Parses YAML (nested maps are joined with '.', as Flink does); keeps taskmanager.memory.*,
/// taskmanager.numberOfTaskSlots and state.backend.rocksdb.memory.*. A file that is not a
/// map of options gets error diagnostics (file:line:col), collected, never thrown.
UserConf parse_user_conf(std::string_view yaml, const std::filesystem::path& file);

/// Warnings for keys that the Flink version does not know (`known`; empty: nothing checked):
/// every unknown memory key, and any other key that looks like a misspelt memory key, each
/// with its did-you-mean. Flink ignores unknown keys silently; a gate must not.
std::vector<Diagnostic> check_conf_keys(const UserConf& conf, const std::set<std::string>& known,
                                        std::string_view flink_version);

/// One scenario per workload spec "NAME" or "NAME:key=value,key=value" (the workload's own
/// arguments, see workloads/README.md), each expecting a healthy run under `conf`. An empty
/// `specs` means every standard workload with its defaults. Throws std::invalid_argument for a
/// bad spec (unknown workload, malformed argument), naming it.
std::vector<Scenario> conf_check_scenarios(const UserConf& conf, const std::vector<std::string>& specs);

}  // namespace tmfault
