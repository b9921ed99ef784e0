#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <span>

#include "reports/reports.h"

namespace tmfault::reports {
namespace {

std::string mib(std::uint64_t b) { return fmt::format("{}m", (b + (1 << 19)) >> 20); }

std::string delta(std::uint64_t before, std::uint64_t after) {
  if (before == after) return "";
  std::int64_t d = static_cast<std::int64_t>(after) - static_cast<std::int64_t>(before);
  return fmt::format("{}{}m", d > 0 ? "+" : "-", (static_cast<std::uint64_t>(d > 0 ? d : -d) + (1 << 19)) >> 20);
}

struct Row {
  std::string_view name;
  std::uint64_t (*get)(const MemoryBreakdown&);
};

constexpr std::array<Row, 13> kTaskManagerRows{{
    {"framework heap", [](const MemoryBreakdown& m) { return m.framework_heap; }},
    {"task heap", [](const MemoryBreakdown& m) { return m.task_heap; }},
    {"= JVM heap (-Xmx)", [](const MemoryBreakdown& m) { return m.jvm_heap(); }},
    {"framework off-heap", [](const MemoryBreakdown& m) { return m.framework_off_heap; }},
    {"task off-heap", [](const MemoryBreakdown& m) { return m.task_off_heap; }},
    {"network", [](const MemoryBreakdown& m) { return m.network; }},
    {"= JVM direct limit", [](const MemoryBreakdown& m) { return m.jvm_direct(); }},
    {"managed", [](const MemoryBreakdown& m) { return m.managed; }},
    {"= total Flink", [](const MemoryBreakdown& m) { return m.total_flink(); }},
    {"JVM metaspace", [](const MemoryBreakdown& m) { return m.jvm_metaspace; }},
    {"JVM overhead", [](const MemoryBreakdown& m) { return m.jvm_overhead; }},
    {"= total process", [](const MemoryBreakdown& m) { return m.total_process(); }},
    {"network buffers (32k)", [](const MemoryBreakdown& m) { return m.network / 32768; }},
}};

constexpr std::array<Row, 6> kJobManagerRows{{
    {"JVM heap (-Xmx)", [](const MemoryBreakdown& m) { return m.jm_heap; }},
    {"off-heap", [](const MemoryBreakdown& m) { return m.jm_off_heap; }},
    {"= total Flink", [](const MemoryBreakdown& m) { return m.total_flink(); }},
    {"JVM metaspace", [](const MemoryBreakdown& m) { return m.jvm_metaspace; }},
    {"JVM overhead", [](const MemoryBreakdown& m) { return m.jvm_overhead; }},
    {"= total process", [](const MemoryBreakdown& m) { return m.total_process(); }},
}};

std::span<const Row> rows_of(const MemoryBreakdown& m) {
  if (m.jobmanager()) return kJobManagerRows;
  return kTaskManagerRows;
}

void table(std::string& out, const MemoryBreakdown* base, const MemoryBreakdown& m) {
  out += base ? fmt::format("    {:<24} {:>9} {:>9} {:>9}\n", "component", "faulty", "this", "change")
              : fmt::format("    {:<24} {:>9}\n", "component", "size");
  for (const Row& r : rows_of(m)) {
    bool count = r.name.starts_with("network buffers");
    auto show = [&](std::uint64_t v) { return count ? std::to_string(v) : mib(v); };
    std::uint64_t v = r.get(m);
    if (!base) {
      out += fmt::format("    {:<24} {:>9}\n", r.name, show(v));
      continue;
    }
    std::uint64_t b = r.get(*base);
    std::string change = count ? (b == v ? ""
                                         : fmt::format("{:+}", static_cast<long long>(v) - static_cast<long long>(b)))
                               : delta(b, v);
    std::string line = fmt::format("    {:<24} {:>9} {:>9} {:>9}", r.name, show(b), show(v), change);
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  out += fmt::format("    JVM flags: {}\n", fmt::join(m.jvm_args, " "));
}

}  // namespace

std::string explain_text(const std::vector<ExplainedVariant>& variants) {
  std::string out;
  const ExplainedVariant* faulty = nullptr;
  for (const ExplainedVariant& v : variants) {
    if (v.plan.kind == VariantKind::faulty) faulty = &v;
    bool compare = faulty && faulty != &v && faulty->plan.scenario_id == v.plan.scenario_id && faulty->memory;
    out += fmt::format("{}/{}  ({})\n", v.plan.scenario_id, v.plan.variant, v.plan.name);
    for (const auto& [k, val] : v.plan.changed) out += fmt::format("    changes {} = {}\n", k, val);
    if (!v.memory) {
      out += fmt::format("    Flink refuses this configuration: {}\n\n", v.refusal);
      continue;
    }
    table(out, compare ? &*faulty->memory : nullptr, *v.memory);
    out += "\n";
  }
  return out;
}

namespace {

/// "-D", "key=value" pairs of BashJavaUtils' second line as an ordered map.
nlohmann::ordered_json dynamic_configs(const std::vector<std::string>& args) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const std::string& a : args) {
    std::size_t eq = a.find('=');
    if (a == "-D" || eq == std::string::npos) continue;
    out[a.substr(0, eq)] = a.substr(eq + 1);
  }
  return out;
}

nlohmann::ordered_json memory_json(const MemoryBreakdown& m) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["role"] = role_name(m.role);
  for (const MemoryPart& p : memory_parts(m.role)) j[p.name] = m.*p.bytes;
  j["jvm_heap"] = m.jvm_heap();
  j["jvm_direct"] = m.jvm_direct();
  j["total_flink"] = m.total_flink();
  j["total_process"] = m.total_process();
  return j;
}

}  // namespace

std::string explain_json(const std::vector<ExplainedVariant>& variants, std::string_view flink_version) {
  nlohmann::ordered_json out;
  out["format"] = "tmfault-explain/1";
  out["flink_version"] = flink_version;
  out["unit"] = "bytes";
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  for (const ExplainedVariant& v : variants) {
    nlohmann::ordered_json options = nlohmann::ordered_json::object();
    for (const auto& [k, val] : v.plan.options) options[k] = val;
    nlohmann::ordered_json j{{"id", fmt::format("{}/{}", v.plan.scenario_id, v.plan.variant)},
                             {"name", v.plan.name},
                             {"options", options}};
    if (v.memory) {
      j["memory"] = memory_json(*v.memory);
      j["jvm_args"] = v.memory->jvm_args;
      j["dynamic_configs"] = dynamic_configs(v.memory->dynamic_args);
    } else {
      j["refused"] = v.refusal;
    }
    entries.push_back(std::move(j));
  }
  out["variants"] = std::move(entries);
  return out.dump(2) + "\n";
}

}  // namespace tmfault::reports
