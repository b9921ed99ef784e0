#pragma once
// What a single line of Flink/JVM output means: the one place where symptom texts and
// milestone texts live. Pure and cheap (substring tests), called for every line as it arrives.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"

namespace tmfault {

enum class Milestone {
  jm_ready,
  tm_registered,
  task_running,
  job_ended,
  rpc_port_taken,  ///< the RPC port was taken (pekko's BindException): the process exits
  job_class_missing,  ///< the workloads jar lacks the job's class: the environment's fault
  job_submitted,   ///< the JobManager's dispatcher took the job
  /// log4j could not log an exception because an OutOfMemoryError struck while it tried (e.g.
  /// metaspace so full that the logging code cannot load): the JVM's error may appear nowhere else
  oom_while_logging,
};

struct LineEvent {
  std::optional<Symptom> symptom;
  std::optional<Milestone> milestone;
};

/// Classifies one line of TM or JM output. A symptom is only where an exception is thrown:
/// the line starts with the exception (after indentation, "Caused by: " or "Exception in thread
/// "x" "), possibly wrapped ("java.util.concurrent.CompletionException: java.lang.OutOfMemory
/// Error: ..."); never the same words in a log message, a config dump or an argument.
LineEvent classify_line(std::string_view line);

/// A hit keeps at most this much of its line: enough for any Flink message.
inline constexpr std::size_t kMaxHitLine = 2000;

/// Every symptom line of one process's stored log (`log`), with the time each line arrived from
/// `times` (one number of milliseconds per line, as the runner stores them beside the log; a
/// missing or bad entry keeps the previous time). For re-judging stored runs.
std::vector<SymptomHit> detect_hits(std::string_view log, std::string_view times, std::string_view source);

/// The first line of `log` that is milestone `m` ("" when none). For re-judging stored runs.
std::string first_milestone_line(std::string_view log, Milestone m);

/// For a job_ended line: the final state ("FINISHED", "FAILED", "CANCELED"), else "".
std::string_view job_end_state(std::string_view line);

/// The line saying a JVM could not even run its main class (a missing class or jar: the
/// environment's fault, not Flink's answer), else "".
std::string java_launch_failure(std::string_view output);

/// The class that derives `role`'s memory (TaskExecutorProcessUtils, JobManagerProcessUtils).
std::string_view memory_utils_class(Role role);

/// The IllegalConfigurationException message(s) in BashJavaUtils output, joined by " / caused
/// by: ", or "" when there is none under `role`'s memory_utils_class (the class must be in the
/// trace; Flink 2.x's JobManagerProcessUtils only passes the exception on).
std::string illegal_config_message(std::string_view derive_output, Role role);

/// Where the innermost IllegalConfigurationException was made: "ProcessMemoryUtils.getRangeFraction"
/// (its first stack frame), or "" when the output has none.
std::string illegal_config_origin(std::string_view derive_output);

}  // namespace tmfault
