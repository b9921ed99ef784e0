#include "harness/stages/user_conf.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "harness/stages/diagnostic.h"
#include "harness/stages/workloads.h"

namespace tmfault {
namespace {

bool sizes_a_taskmanager(std::string_view key) {
  return key.starts_with("taskmanager.memory.") || key == "taskmanager.numberOfTaskSlots" ||
         key.starts_with("state.backend.rocksdb.memory.");
}

SourcePos pos_of(const YAML::Mark& m, const std::filesystem::path& file) { return {file, m.line + 1, m.column + 1}; }

/// Flink's own reading: nested keys joined with '.', a list written as "a;b".
void flatten(const YAML::Node& node, const std::string& prefix, const SourcePos& at, UserConf& conf,
             std::vector<std::tuple<std::string, std::string, SourcePos>>& out) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      SourcePos key_at = pos_of(kv.first.Mark(), conf.file);
      if (!kv.first.IsScalar()) {
        conf.diagnostics.push_back({key_at, Severity::error,
                                    fmt::format("an option name must be plain text, not a {}", kv.first.IsMap() ? "map"
                                                                                               : kv.first.IsSequence()
                                                                                                   ? "list"
                                                                                                   : "null")});
        continue;
      }
      std::string key = kv.first.Scalar();
      flatten(kv.second, prefix.empty() ? key : prefix + "." + key, key_at, conf, out);
    }
  } else if (node.IsSequence()) {
    std::vector<std::string> items;
    for (const auto& item : node) items.push_back(item.IsScalar() ? item.Scalar() : YAML::Dump(item));
    out.emplace_back(prefix, fmt::format("{}", fmt::join(items, ";")), at);
  } else if (node.IsScalar()) {
    out.emplace_back(prefix, node.Scalar(), at);
  }
}

/// Default arguments of the standard workloads: sized like the suite's healthy remedies.
struct StandardWorkload {
  std::string_view name;
  std::vector<std::pair<std::string, std::string>> args;
};

const std::vector<StandardWorkload>& standard_workloads() {
  static const std::vector<StandardWorkload> kAll{
      {"heap", {{"retain", "256m"}, {"hold-ms", "500"}}},
      {"direct", {{"retain", "64"}, {"hold-ms", "500"}}},
      {"metaspace", {{"classes", "2000"}}},
      {"network", {}},
      {"rocksdb", {}},
  };
  return kAll;
}

void parse_workload_args(std::string_view spec, std::string_view name, FlinkOptions& args);

Scenario workload_scenario(const UserConf& conf, std::string_view spec) {
  std::string_view name = spec.substr(0, spec.find(':'));
  const WorkloadInfo* w = find_workload(name);
  if (!w || w->uses != Role::taskmanager) {  // the config sizes a TaskManager
    std::vector<std::string_view> known;
    for (const auto& x : workload_catalogue())
      if (x.uses == Role::taskmanager) known.push_back(x.name);
    throw std::invalid_argument(fmt::format("--workload {}: unknown workload {} (known: {})", quote(spec), quote(name),
                                            fmt::join(known, ", ")));
  }
  Scenario sc;
  sc.id = fmt::format("conf-{}", name);
  sc.doc = fmt::format("{}#{}", conf.file.filename().string(), name);
  sc.workload = std::string(name);
  for (const auto& s : standard_workloads())
    if (s.name == name) sc.workload_args = s.args;
  if (name == "network") {  // an all-to-all shuffle as wide as the TaskManager's slots
    auto slots = std::find_if(conf.memory.begin(), conf.memory.end(),
                              [](const auto& kv) { return kv.first == "taskmanager.numberOfTaskSlots"; });
    sc.workload_args = {{"parallelism", slots == conf.memory.end() ? "1" : slots->second}};
  }
  sc.options = conf.memory;
  sc.expect = Symptom::healthy;
  sc.file = conf.file;
  parse_workload_args(spec, name, sc.workload_args);
  std::vector<std::string> shown;
  for (const auto& [k, v] : sc.workload_args) shown.push_back(fmt::format("--{} {}", k, v));
  sc.title = fmt::format("{} {}", name, fmt::join(shown, " "));
  return sc;
}

/// Applies "NAME:key=value,key=value" over a workload's default arguments.
void parse_workload_args(std::string_view spec, std::string_view name, FlinkOptions& args) {
  if (spec.size() == name.size()) return;
  std::string_view rest = spec.substr(name.size() + 1);
  while (!rest.empty()) {
    std::string_view arg = rest.substr(0, rest.find(','));
    rest = arg.size() == rest.size() ? std::string_view() : rest.substr(arg.size() + 1);
    std::size_t eq = arg.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == arg.size())
      throw std::invalid_argument(fmt::format("--workload {}: {} is not key=value (e.g. heap:retain=300m)", quote(spec),
                                              quote(arg)));
    std::string key(arg.substr(0, eq)), value(arg.substr(eq + 1));
    auto it = std::find_if(args.begin(), args.end(), [&](const auto& kv) { return kv.first == key; });
    if (it != args.end()) it->second = value;
    else args.emplace_back(key, value);
  }
}

}  // namespace

UserConf parse_user_conf(std::string_view yaml, const std::filesystem::path& file) {
  UserConf conf;
  conf.file = file;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    conf.diagnostics.push_back({pos_of(e.mark, file), Severity::error, fmt::format("not YAML: {}", one_line(e.msg))});
    return conf;
  }
  if (!root.IsMap() && !root.IsNull()) {
    conf.diagnostics.push_back({{file, 1, 1},
                                Severity::error,
                                fmt::format("a Flink config is a map of options, not a {}",
                                            root.IsSequence() ? "list" : "single value")});
    return conf;
  }
  std::vector<std::tuple<std::string, std::string, SourcePos>> all;
  flatten(root, "", {file, 1, 1}, conf, all);
  for (auto& [k, v, at] : all) {
    conf.option_pos.emplace(k, at);
    if (sizes_a_taskmanager(k)) conf.memory.emplace_back(k, v);
    else conf.ignored.push_back(k);
  }
  return conf;
}

std::vector<Diagnostic> check_conf_keys(const UserConf& conf, const std::set<std::string>& known,
                                        std::string_view flink_version) {
  std::vector<Diagnostic> out;
  if (known.empty()) return out;
  std::vector<std::string_view> memory_keys;
  for (const std::string& k : known)
    if (sizes_a_taskmanager(k)) memory_keys.push_back(k);
  std::vector<std::string_view> all(known.begin(), known.end());
  for (const auto& [key, pos] : conf.option_pos) {
    if (known.count(key)) continue;
    bool ours = sizes_a_taskmanager(key);
    // Other keys are left out anyway; only one that looks like a misspelt memory option matters.
    std::string hint = did_you_mean(key, ours ? std::span(all) : std::span(memory_keys));
    if (!ours && hint.empty()) continue;
    out.push_back({pos, Severity::warning,
                   fmt::format("{} is not an option of Flink {}{} (Flink ignores unknown keys{})", quote(key),
                               one_line(flink_version), hint, ours ? "" : "; tmfault leaves it out")});
  }
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::pair(a.pos.line, a.pos.column) < std::pair(b.pos.line, b.pos.column);
  });
  return out;
}

std::vector<Scenario> conf_check_scenarios(const UserConf& conf, const std::vector<std::string>& specs) {
  std::vector<Scenario> out;
  if (specs.empty())
    for (const auto& s : standard_workloads()) out.push_back(workload_scenario(conf, s.name));
  for (const std::string& spec : specs) {
    out.push_back(workload_scenario(conf, spec));
    auto same = std::count_if(out.begin(), out.end() - 1,
                              [&](const Scenario& sc) { return sc.workload == out.back().workload; });
    if (same > 0) out.back().id += fmt::format("-{}", same + 1);  // heap, heap-2: one directory each
  }
  return out;
}

}  // namespace tmfault
