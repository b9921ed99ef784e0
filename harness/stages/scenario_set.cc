// What is checked beyond one scenario file: ids unique across the files of a suite, and option
// keys against the key list of the Flink version that will run them.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

#include "harness/stages/diagnostic.h"
#include "harness/stages/scenario.h"

namespace tmfault {

LoadResult parse_scenarios(const std::vector<ScenarioFile>& files) {
  LoadResult out;
  std::map<std::string, std::filesystem::path> seen;
  for (const ScenarioFile& f : files) {
    if (!f.text) {
      out.diagnostics.push_back({{f.path}, Severity::error, "cannot read this file: no such file or not readable"});
      continue;
    }
    LoadResult one = parse_scenario(*f.text, f.path);
    out.diagnostics.insert(out.diagnostics.end(), one.diagnostics.begin(), one.diagnostics.end());
    for (auto& sc : one.scenarios) {
      auto [it, fresh] = seen.emplace(sc.id, f.path);
      if (!fresh) {
        out.diagnostics.push_back({{f.path, 1, 1},
                                   Severity::error,
                                   fmt::format("duplicate scenario id {} (also in {})", quote(sc.id),
                                               quote(it->second.string()))});
        continue;
      }
      out.scenarios.push_back(std::move(sc));
    }
  }
  return out;
}

std::vector<Diagnostic> check_option_keys(const Scenario& sc, const std::set<std::string>& known,
                                          std::string_view flink_version) {
  std::vector<Diagnostic> out;
  if (known.empty()) return out;
  std::vector<std::string_view> candidates(known.begin(), known.end());
  for (const auto& [key, pos] : sc.option_pos) {
    if (known.count(key)) continue;
    out.push_back({pos, Severity::warning,
                   fmt::format("{} is not an option of Flink {}{} (Flink ignores unknown keys)", quote(key),
                               one_line(flink_version), did_you_mean(key, candidates))});
  }
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::pair(a.pos.line, a.pos.column) < std::pair(b.pos.line, b.pos.column);
  });
  return out;
}

}  // namespace tmfault
