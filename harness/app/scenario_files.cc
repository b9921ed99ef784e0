#include "harness/app/scenario_files.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "model/error.h"

namespace tmfault {
namespace fs = std::filesystem;
namespace {

std::optional<std::string> read_if_possible(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

LoadResult load_scenarios(const std::vector<fs::path>& paths) {
  std::vector<ScenarioFile> files;
  std::vector<Diagnostic> empty_dirs;
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      files.push_back({p, read_if_possible(p)});
      continue;
    }
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(p, ec))
      if (e.is_regular_file() && e.path().extension() == ".toml") found.push_back(e.path());
    std::sort(found.begin(), found.end());
    if (found.empty()) empty_dirs.push_back({{p}, Severity::error, "no *.toml scenarios in this directory"});
    for (const fs::path& f : found) files.push_back({f, read_if_possible(f)});
  }
  LoadResult out = parse_scenarios(files);
  out.diagnostics.insert(out.diagnostics.begin(), empty_dirs.begin(), empty_dirs.end());
  return out;
}

LoadResult load_scenarios_or_throw(const std::vector<fs::path>& paths) {
  LoadResult loaded = load_scenarios(paths);
  for (const auto& d : loaded.diagnostics) std::cerr << format_diagnostic(d) << "\n";
  if (has_errors(loaded.diagnostics)) throw UsageError("scenario errors: nothing was run");
  return loaded;
}

}  // namespace tmfault
