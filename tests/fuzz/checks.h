#pragma once
// The contracts the fuzz targets check, shared with tests/fuzz_regression_test.cc so that a
// saved input replays through exactly the same calls. Each check returns "" or the broken rule.
// Crashes, UB and leaks are the sanitizers' job; these catch wrong-but-quiet results.
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "harness/stages/detectors.h"
#include "harness/stages/memory_model.h"
#include "harness/stages/scenario.h"
#include "harness/stages/size.h"
#include "harness/stages/user_conf.h"
#include "harness/stages/workloads.h"

namespace tmfault::fuzz {

/// Slugs name run directories and cgroups: [a-z0-9-], 1-64 chars, no leading/trailing '-'.
inline std::string check_slug(std::string_view name) {
  std::string s = slugify(name);
  if (s.empty() || s.size() > 64) return "slugify: length " + std::to_string(s.size());
  if (s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
    return "slugify: unsafe character in '" + s + "'";
  if (s.front() == '-' || s.back() == '-') return "slugify: '" + s + "' starts or ends with '-'";
  return {};
}

/// The runner computes `steady_clock::now() + timeout` (nanoseconds): that must not overflow.
inline std::string check_deadline(Millis d) {
  using Clock = std::chrono::steady_clock;
  if (d.count() < 0) return "negative duration";
  auto room = Clock::duration::max() - Clock::now().time_since_epoch();
  if (d > std::chrono::duration_cast<Millis>(room))
    return "duration of " + std::to_string(d.count()) + " ms overflows a steady_clock deadline";
  return {};
}

inline std::string check_scenario(std::string_view text) {
  LoadResult r = parse_scenario(text, "fuzz.toml");
  if (r.scenarios.size() > 1) return "parse_scenario: more than one scenario";
  if (r.scenarios.empty() != has_errors(r.diagnostics))
    return "parse_scenario: a scenario must come back exactly when there are no errors";
  for (const Diagnostic& d : r.diagnostics) {
    if (d.message.empty()) return "parse_scenario: empty diagnostic";
    if (std::isupper(static_cast<unsigned char>(d.message[0])))
      return "parse_scenario: message starts upper-case: " + d.message;
    if (d.pos.line < 0 || d.pos.column < 0) return "parse_scenario: negative position";
    std::string line = format_diagnostic(d);
    if (!line.starts_with("fuzz.toml")) return "format_diagnostic: no file name";
    for (unsigned char c : line)  // one line per problem, nothing that could drive a terminal
      if (c < 0x20 || c == 0x7f) return "format_diagnostic: control character in: " + line;
  }
  for (const Scenario& s : r.scenarios) {
    if (s.id.empty() || s.id.size() > 64 ||
        s.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
      return "parse_scenario: accepted bad id '" + s.id + "'";
    if (!find_workload(s.workload)) return "parse_scenario: accepted unknown workload";
    if (auto e = check_deadline(s.timeout); !e.empty()) return "scenario timeout: " + e;
    for (const Remedy& rem : s.remedies) {
      if (rem.set.empty() && rem.unset.empty() && rem.workload_args.empty() && rem.env.empty())
        return "parse_scenario: accepted empty remedy";
      if (auto e = check_slug(rem.name); !e.empty()) return e;
    }
  }
  return check_slug(text);
}

inline std::string check_size(std::string_view text) {
  Parsed<std::uint64_t> s = parse_size(text);
  if (s.value.has_value() == !s.error.empty()) return "parse_size: want a value or an error";
  if (s.value) {
    if (*s.value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return "parse_size: larger than Flink's long";
    if (parse_size(std::to_string(*s.value) + "b").value != s.value) return "parse_size: value does not round-trip";
    if (format_bytes(*s.value).empty()) return "format_bytes: empty";
  }
  Parsed<Millis> d = parse_duration(text);
  if (d.value.has_value() == !d.error.empty()) return "parse_duration: want a value or an error";
  if (d.value) {
    if (auto e = check_deadline(*d.value); !e.empty()) return "parse_duration: " + e;
    if (parse_duration(std::to_string(d.value->count()) + "ms").value != d.value)
      return "parse_duration: value does not round-trip";
  }
  if (text.size() >= sizeof(std::uint64_t)) {  // the same bytes as a raw number
    std::uint64_t raw = 0;
    std::memcpy(&raw, text.data(), sizeof raw);
    if (!format_bytes(raw).ends_with("B")) return "format_bytes: no unit";
  }
  return {};
}

inline std::string check_bash_java_utils(std::string_view text) {
  std::string error;
  auto m = parse_bash_java_utils(text, Role::taskmanager, error);
  if (!m && error.empty()) return "parse_bash_java_utils: failed without a reason";
  if (m && describe_memory(*m).empty()) return "describe_memory: empty";
  std::string ice = illegal_config_message(text, Role::taskmanager);
  if (ice.find('\n') != std::string::npos) return "illegal_config_message: spans lines";
  if (!ice.empty() && text.find("TaskExecutorProcessUtils") == std::string_view::npos)
    return "illegal_config_message: not thrown from TaskExecutorProcessUtils";
  for (std::size_t pos = 0; pos <= text.size();) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    LineEvent e = classify_line(line);
    if (e.milestone == Milestone::job_ended && job_end_state(line).empty())
      return "classify_line: job_ended but job_end_state names no state";
  }
  return {};
}

/// `check --conf`: the first line holds --workload specs (space-separated), the rest is YAML.
inline std::string check_user_conf(std::string_view text) {
  std::size_t nl = text.find('\n');
  std::string_view first = text.substr(0, nl), yaml = nl == std::string_view::npos ? "" : text.substr(nl + 1);
  std::vector<std::string> specs;
  for (std::size_t at = 0; at < first.size();) {
    std::size_t end = std::min(first.find(' ', at), first.size());
    if (end > at) specs.emplace_back(first.substr(at, end - at));
    at = end + 1;
  }
  UserConf conf = parse_user_conf(yaml, "fuzz.yaml");
  for (const Diagnostic& d : conf.diagnostics) {
    if (d.pos.file != "fuzz.yaml" || d.pos.line < 1 || d.pos.column < 1)
      return "parse_user_conf: a diagnostic without file:line:col";
    std::string shown = format_diagnostic(d);
    if (shown.find('\n') != std::string::npos) return "parse_user_conf: a diagnostic spans lines";
  }
  if (has_errors(conf.diagnostics)) return {};
  for (const auto& [k, v] : conf.memory)
    if (!k.starts_with("taskmanager.") && !k.starts_with("state.backend.rocksdb.memory."))
      return "parse_user_conf: kept a key that does not size a TaskManager: " + k;
  std::vector<Scenario> out;
  try {
    out = conf_check_scenarios(conf, specs);
  } catch (const std::invalid_argument&) {
    return {};
  }
  if (out.size() != (specs.empty() ? 5 : specs.size())) return "conf_check_scenarios: one scenario per workload";
  for (const Scenario& sc : out) {
    if (sc.id.size() > 64 || sc.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
      return "conf_check_scenarios: unsafe id '" + sc.id + "'";
    if (!find_workload(sc.workload)) return "conf_check_scenarios: unknown workload";
    for (const auto& [k, v] : sc.workload_args)
      if (k.empty() || v.empty()) return "conf_check_scenarios: empty workload argument";
  }
  return {};
}

/// The body of every fuzz target: one contract check on the input; a broken contract aborts,
/// which libFuzzer treats like a crash and saves the input for.
inline int fuzz_one(const unsigned char* data, std::size_t size, std::string (*check)(std::string_view)) {
  std::string broken = check(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!broken.empty()) {
    std::fprintf(stderr, "contract broken: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}

}  // namespace tmfault::fuzz
