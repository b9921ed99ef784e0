#pragma once
// Flink's own memory model, as printed by BashJavaUtils GET_TM_RESOURCE_PARAMS. Pure parsing.
#include <optional>
#include <string>
#include <string_view>

#include "model/model.h"

namespace tmfault {

/// The prefix Flink's BashJavaUtils puts before each result line.
inline constexpr std::string_view kBashJavaUtilsPrefix = "BASH_JAVA_UTILS_EXEC_RESULT:";

/// Parses the two result lines (JVM flags; -D dynamic configs) like bin/config.sh does, for
/// `role`'s command (GET_TM_RESOURCE_PARAMS or GET_JM_RESOURCE_PARAMS). Returns nullopt and sets
/// `error` if there are not exactly two, or sizes are missing.
std::optional<MemoryBreakdown> parse_bash_java_utils(std::string_view output, Role role, std::string& error);

/// The BashJavaUtils command that derives `role`'s memory.
constexpr std::string_view bash_java_utils_command(Role role) {
  return role == Role::jobmanager ? "GET_JM_RESOURCE_PARAMS" : "GET_TM_RESOURCE_PARAMS";
}

/// A table of every component, the totals and the JVM flags, one per line.
std::string describe_memory(const MemoryBreakdown& m);

}  // namespace tmfault
