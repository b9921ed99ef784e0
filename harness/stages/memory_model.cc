#include "harness/stages/memory_model.h"

#include <array>
#include <fmt/format.h>
#include <map>
#include <sstream>

#include "harness/stages/size.h"

namespace tmfault {
namespace {

std::vector<std::string> split_spaces(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

std::optional<MemoryBreakdown> parse_bash_java_utils(std::string_view output, Role role, std::string& error) {
  std::vector<std::string_view> results;
  for (std::size_t pos = 0; pos < output.size();) {
    std::size_t end = output.find('\n', pos);
    std::string_view line = output.substr(pos, end == std::string_view::npos ? end : end - pos);
    pos = end == std::string_view::npos ? output.size() : end + 1;
    std::size_t at = line.find(kBashJavaUtilsPrefix);
    if (at != std::string_view::npos) results.push_back(line.substr(at + kBashJavaUtilsPrefix.size()));
  }
  if (results.size() != 2) {
    error = fmt::format("expected 2 '{}' lines from BashJavaUtils, got {}", kBashJavaUtilsPrefix, results.size());
    return std::nullopt;
  }
  MemoryBreakdown m;
  m.role = role;
  m.jvm_args = split_spaces(results[0]);
  m.dynamic_args = split_spaces(results[1]);
  std::map<std::string, std::string, std::less<>> dyn;
  for (std::size_t i = 0; i + 1 < m.dynamic_args.size(); ++i) {
    if (m.dynamic_args[i] != "-D") continue;
    const std::string& kv = m.dynamic_args[i + 1];
    std::size_t eq = kv.find('=');
    if (eq != std::string::npos) dyn[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const MemoryPart& part : memory_parts(role)) {
    auto it = dyn.find(part.flink_key);
    auto size = it == dyn.end() ? Parsed<std::uint64_t>{} : parse_size(it->second);
    if (!size.value) {
      error = fmt::format("BashJavaUtils gave no usable '{}'", part.flink_key);
      return std::nullopt;
    }
    m.*part.bytes = *size.value;
  }
  return m;
}

std::string describe_memory(const MemoryBreakdown& m) {
  auto row = [](std::string_view name, std::uint64_t v) {
    return fmt::format("  {:<22} {:>10}\n", name, format_bytes(v));
  };
  std::string out;
  if (m.jobmanager()) {
    out += row("JVM heap", m.jm_heap);
    out += row("off-heap", m.jm_off_heap);
    out += row("JVM metaspace", m.jvm_metaspace);
    out += row("JVM overhead", m.jvm_overhead);
    out += row("= total Flink", m.total_flink());
    out += row("= total process", m.total_process());
    out += fmt::format("  JVM flags: {}\n", fmt::join(m.jvm_args, " "));
    return out;
  }
  out += row("framework heap", m.framework_heap);
  out += row("task heap", m.task_heap);
  out += row("framework off-heap", m.framework_off_heap);
  out += row("task off-heap", m.task_off_heap);
  out += row("managed", m.managed);
  out += row("network", m.network);
  out += row("JVM metaspace", m.jvm_metaspace);
  out += row("JVM overhead", m.jvm_overhead);
  out += row("= total Flink", m.total_flink());
  out += row("= total process", m.total_process());
  out += fmt::format("  JVM flags: {}\n", fmt::join(m.jvm_args, " "));
  return out;
}

}  // namespace tmfault
