#pragma once
// Scenario files from disk: the file-reading half of loading (parsing is a pure stage).
#include <filesystem>
#include <vector>

#include "harness/stages/scenario.h"

namespace tmfault {

/// Loads files and directories (every *.toml directly inside a directory, sorted; sub-
/// directories such as negative/ are not descended into). Reports duplicate ids.
LoadResult load_scenarios(const std::vector<std::filesystem::path>& paths);

/// load_scenarios, with every diagnostic printed to stderr; throws UsageError (exit 2, nothing
/// run) when any is an error.
LoadResult load_scenarios_or_throw(const std::vector<std::filesystem::path>& paths);

}  // namespace tmfault
