#include "harness/stages/detectors.h"

#include <array>
#include <cctype>
#include <charconv>

namespace tmfault {
namespace {

bool has(std::string_view line, std::string_view needle) { return line.find(needle) != std::string_view::npos; }

bool is_class_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '.'; }

/// A throwable's class name at the start of `s` ("java.lang.OutOfMemoryError" in
/// "java.lang.OutOfMemoryError: Java heap space"), followed by ": "; else "".
std::string_view leading_throwable(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && is_class_char(s[n])) ++n;
  std::string_view name = s.substr(0, n);
  bool throwable = name.find('.') != std::string_view::npos &&
                   (name.ends_with("Exception") || name.ends_with("Error") || name.ends_with("Throwable"));
  return throwable && s.substr(n).starts_with(": ") ? name : std::string_view();
}

/// The text after the prefixes a JVM or Flink puts before a thrown exception: indentation,
/// "Caused by: ", "Exception in thread \"name\" ". Anything else (a log line's timestamp, a
/// config dump, a -D argument) means the line does not start with an exception.
std::string_view after_exception_prefix(std::string_view line) {
  std::size_t b = line.find_first_not_of(" \t");
  line = b == std::string_view::npos ? std::string_view() : line.substr(b);
  constexpr std::string_view kCausedBy = "Caused by: ", kThread = "Exception in thread \"";
  if (line.starts_with(kCausedBy)) return line.substr(kCausedBy.size());
  if (line.starts_with(kThread)) {
    std::size_t close = line.find("\" ", kThread.size());
    return close == std::string_view::npos ? std::string_view() : line.substr(close + 2);
  }
  return line;
}

/// What an OutOfMemoryError's message says, raw and as re-worded by Flink (which keeps the
/// JVM's words first).
std::optional<Symptom> out_of_memory_kind(std::string_view what) {
  if (what.starts_with("Java heap space")) return Symptom::oom_heap;
  if (what.starts_with("Metaspace")) return Symptom::oom_metaspace;
  if (what.starts_with("Direct buffer memory")) return Symptom::oom_direct;
  if (what.starts_with("Cannot reserve ") && has(what, " bytes of direct buffer memory")) return Symptom::oom_direct;
  return std::nullopt;
}

/// A symptom only where an exception is thrown: the line starts (after the prefixes above)
/// with throwable classes chained by ": " (a wrapper's message is its cause's text), one of them
/// the symptom's.
std::optional<Symptom> thrown_symptom(std::string_view line) {
  std::string_view rest = after_exception_prefix(line);
  for (int depth = 0; depth < 8; ++depth) {
    std::string_view name = leading_throwable(rest);
    if (name.empty()) return std::nullopt;
    rest = rest.substr(name.size() + 2);
    if (name == "java.lang.OutOfMemoryError") return out_of_memory_kind(rest);
    if (name == "java.io.IOException" && rest.starts_with("Insufficient number of network buffers: required "))
      return Symptom::network_buffers;
  }
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
  e.symptom = thrown_symptom(line);
  if (has(line, "Rest endpoint listening at")) e.milestone = Milestone::jm_ready;
  else if (has(line, "Successful registration at resource manager")) e.milestone = Milestone::tm_registered;
  else if (has(line, "switched from INITIALIZING to RUNNING")) e.milestone = Milestone::task_running;
  else if (!job_end_state(line).empty()) e.milestone = Milestone::job_ended;
  else if (has(line, "BindException: Could not start actor system on any port in port range"))
    e.milestone = Milestone::rpc_port_taken;
  else if (has(line, "The program's entry point class '") && has(line, "' was not found in the jar file"))
    e.milestone = Milestone::job_class_missing;
  else if (has(line, "Dispatcher") && has(line, " - Submitting job '")) e.milestone = Milestone::job_submitted;
  else if (line.starts_with("Caught exception class java.lang.OutOfMemoryError logging exception"))
    e.milestone = Milestone::oom_while_logging;
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

std::string_view memory_utils_class(Role role) {
  return role == Role::jobmanager ? "org.apache.flink.runtime.jobmanager.JobManagerProcessUtils"
                                  : "org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils";
}

std::string illegal_config_message(std::string_view derive_output, Role role) {
  // The guide's claim: "an IllegalConfigurationException thrown from TaskExecutorProcessUtils or
  // JobManagerProcessUtils": the derivation of that process's memory must be in the trace.
  if (!has(derive_output, memory_utils_class(role))) return {};
  constexpr std::string_view kIce = "IllegalConfigurationException: ";
  std::string joined;
  std::size_t pos = 0;
  while ((pos = derive_output.find(kIce, pos)) != std::string_view::npos) {
    std::size_t start = pos + kIce.size();
    std::size_t end = derive_output.find('\n', start);
    std::string_view msg = derive_output.substr(start, end == std::string_view::npos ? end : end - start);
    if (!msg.empty() && msg.back() == '\r') msg.remove_suffix(1);
    if (joined.find(msg) == std::string::npos) {
      if (!joined.empty()) joined += " / caused by: ";
      joined += msg;
    }
    pos = start;
  }
  return joined;
}

std::string illegal_config_origin(std::string_view derive_output) {
  constexpr std::string_view kIce = "IllegalConfigurationException: ", kAt = "\tat ";
  std::size_t deepest = derive_output.rfind(kIce);
  if (deepest == std::string_view::npos) return {};
  std::size_t frame = derive_output.find(kAt, deepest);
  if (frame == std::string_view::npos) return {};
  std::string_view f = derive_output.substr(frame + kAt.size());
  f = f.substr(0, f.find('('));                            // org.a.b.Class.method
  std::size_t method = f.rfind('.');
  if (method == std::string_view::npos) return {};
  std::size_t cls = f.rfind('.', method - 1);
  return std::string(f.substr(cls == std::string_view::npos ? 0 : cls + 1));  // Class.method
}

std::string first_milestone_line(std::string_view log, Milestone m) {
  while (!log.empty()) {
    std::string_view line = log.substr(0, log.find('\n'));
    log.remove_prefix(std::min(log.size(), line.size() + 1));
    if (classify_line(line).milestone == m) return std::string(line.substr(0, kMaxHitLine));
  }
  return "";
}

std::vector<SymptomHit> detect_hits(std::string_view log, std::string_view times, std::string_view source) {
  std::vector<SymptomHit> out;
  Millis at{0};
  while (!log.empty()) {
    std::string_view line = log.substr(0, log.find('\n'));
    log.remove_prefix(std::min(log.size(), line.size() + 1));
    std::string_view t = times.substr(0, times.find('\n'));
    times.remove_prefix(std::min(times.size(), t.size() + 1));
    long long ms = 0;
    if (std::from_chars(t.data(), t.data() + t.size(), ms).ec == std::errc()) at = Millis(ms);
    if (auto s = classify_line(line).symptom)
      out.push_back({*s, std::string(source), std::string(line.substr(0, kMaxHitLine)), at});
  }
  return out;
}

}  // namespace tmfault
