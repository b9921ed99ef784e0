#pragma once
// What a single line of Flink/JVM output means: the one place where symptom texts and
// milestone texts live. Pure and cheap (substring tests), called for every line as it arrives.
#include <optional>
#include <string>
#include <string_view>

#include "model/model.h"

namespace tmfault {

enum class Milestone {
  jm_ready,
  tm_registered,
  task_running,
  job_ended,
  rpc_port_taken,  ///< the RPC port was taken (pekko's BindException): the process exits
};

struct LineEvent {
  std::optional<Symptom> symptom;
  std::optional<Milestone> milestone;
};

/// Classifies one line of TM or JM output.
LineEvent classify_line(std::string_view line);

/// For a job_ended line: the final state ("FINISHED", "FAILED", "CANCELED"), else "".
std::string_view job_end_state(std::string_view line);

/// The line saying a JVM could not even run its main class (a missing class or jar: the
/// environment's fault, not Flink's answer), else "".
std::string java_launch_failure(std::string_view output);

/// The IllegalConfigurationException message(s) in BashJavaUtils output, joined by " / caused
/// by: ", or "" when there is none thrown from TaskExecutorProcessUtils.
std::string illegal_config_message(std::string_view derive_output);

}  // namespace tmfault
