#include "harness/log_events.h"

#include <array>

namespace tmfault {
namespace {

bool has(std::string_view line, std::string_view needle) {
  return line.find(needle) != std::string_view::npos;
}

/// The JVM's OutOfMemoryError texts, raw and as re-worded by Flink (which keeps the prefix).
std::optional<Symptom> out_of_memory(std::string_view line) {
  constexpr std::string_view kOom = "java.lang.OutOfMemoryError: ";
  std::size_t at = line.find(kOom);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view what = line.substr(at + kOom.size());
  if (what.starts_with("Java heap space")) return Symptom::oom_heap;
  if (what.starts_with("Metaspace")) return Symptom::oom_metaspace;
  if (what.starts_with("Direct buffer memory")) return Symptom::oom_direct;
  if (what.starts_with("Cannot reserve ") && has(what, " bytes of direct buffer memory"))
    return Symptom::oom_direct;
  return std::nullopt;
}

constexpr std::array<std::string_view, 3> kEndStates{"FINISHED", "FAILED", "CANCELED"};

}  // namespace

std::string_view job_end_state(std::string_view line) {
  if (!has(line, "Job ") || !has(line, " switched from state ")) return {};
  for (std::string_view s : kEndStates) {
    std::string suffix = " to " + std::string(s) + ".";
    if (has(line, suffix)) return s;
  }
  return {};
}

LineEvent classify_line(std::string_view line) {
  LineEvent e;
  e.symptom = out_of_memory(line);
  if (!e.symptom && has(line, "Insufficient number of network buffers: required "))
    e.symptom = Symptom::network_buffers;
  if (has(line, "Rest endpoint listening at")) e.milestone = Milestone::jm_ready;
  else if (has(line, "Successful registration at resource manager")) e.milestone = Milestone::tm_registered;
  else if (has(line, "switched from INITIALIZING to RUNNING")) e.milestone = Milestone::task_running;
  else if (!job_end_state(line).empty()) e.milestone = Milestone::job_ended;
  else if (has(line, "BindException: Could not start actor system on any port in port range"))
    e.milestone = Milestone::rpc_port_taken;
  return e;
}

std::string java_launch_failure(std::string_view out) {
  for (std::string_view needle : {"Could not find or load main class", "java.lang.ClassNotFoundException",
                                  "java.lang.NoClassDefFoundError", "Error: Unable to access jarfile"}) {
    std::size_t at = out.find(needle);
    if (at == std::string_view::npos) continue;
    std::size_t from = out.rfind('\n', at);
    from = from == std::string_view::npos ? 0 : from + 1;
    std::size_t to = out.find('\n', at);
    return std::string(out.substr(from, to == std::string_view::npos ? to : to - from));
  }
  return {};
}

std::string illegal_config_message(std::string_view out) {
  // The guide's claim: "an IllegalConfigurationException thrown from TaskExecutorProcessUtils".
  if (!has(out, "org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils")) return {};
  constexpr std::string_view kIce = "IllegalConfigurationException: ";
  std::string joined;
  std::size_t pos = 0;
  while ((pos = out.find(kIce, pos)) != std::string_view::npos) {
    std::size_t start = pos + kIce.size();
    std::size_t end = out.find('\n', start);
    std::string_view msg = out.substr(start, end == std::string_view::npos ? end : end - start);
    if (!msg.empty() && msg.back() == '\r') msg.remove_suffix(1);
    if (joined.find(msg) == std::string::npos) {
      if (!joined.empty()) joined += " / caused by: ";
      joined += msg;
    }
    pos = start;
  }
  return joined;
}

}  // namespace tmfault
