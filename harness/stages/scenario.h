#pragma once
// scenario.toml -> Scenario. Every problem is collected; nothing is run on error.
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/stages/diagnostic.h"
#include "model/model.h"

namespace tmfault {

struct LoadResult {
  std::vector<Scenario> scenarios;
  std::vector<Diagnostic> diagnostics;  ///< errors and warnings, in file order
};

/// Parses one scenario from TOML text; `path` is used for messages only.
LoadResult parse_scenario(std::string_view text, const std::filesystem::path& path);

/// A scenario file as read: its text, or nullopt when it could not be read.
struct ScenarioFile {
  std::filesystem::path path;
  std::optional<std::string> text;
};

/// Parses every file (in order) and reports unreadable files and duplicate ids.
LoadResult parse_scenarios(const std::vector<ScenarioFile>& files);

/// Warnings for Flink option keys (in [taskmanager] and remedies) that `known` (every key the
/// Flink version defines, from ci/setup) does not hold. Values are not checked: a deliberately
/// bad value is how the IllegalConfigurationException section is tested.
std::vector<Diagnostic> check_option_keys(const Scenario& sc, const std::set<std::string>& known,
                                          std::string_view flink_version);

/// "increase task heap memory" -> "increase-task-heap-memory" ([a-z0-9-], at most 64 chars).
std::string slugify(std::string_view name);

}  // namespace tmfault
