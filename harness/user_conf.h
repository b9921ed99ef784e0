#pragma once
// `tmfault check --conf`: a user's own Flink configuration as a regression gate. Reads the
// TaskManager's memory options from config.yaml (nested or flat, as Flink 1.20/2.x read it) and
// turns each standard workload into a scenario that must come out healthy under them.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/model.h"

namespace tmfault {

/// A config file that cannot be read or parsed; the message names file:line:col.
class UserConfError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct UserConf {
  std::filesystem::path file;
  FlinkOptions memory;               ///< the keys that size a TaskManager, in file order
  std::vector<std::string> ignored;  ///< every other key (not ours to set: ports, HA, paths ...)
};

/// Parses YAML (nested maps are joined with '.', as Flink does); keeps taskmanager.memory.*,
/// taskmanager.numberOfTaskSlots and state.backend.rocksdb.memory.*.
UserConf parse_user_conf(std::string_view yaml, const std::filesystem::path& file);

/// One scenario per workload spec "NAME" or "NAME:key=value,key=value" (the workload's own
/// arguments, see workloads/README.md), each expecting a healthy run under `conf`. An empty
/// `specs` means every standard workload with its defaults. Throws std::invalid_argument for a
/// bad spec (unknown workload, malformed argument), naming it.
std::vector<Scenario> conf_check_scenarios(const UserConf& conf, const std::vector<std::string>& specs);

}  // namespace tmfault
