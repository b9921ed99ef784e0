#include "harness/app/options.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "cgroup/os.h"

namespace tmfault {
namespace fs = std::filesystem;

void add_flink_options(CLI::App* app, FlinkArgs& a) {
  app->add_option("--flink-version", a.version, "Flink version set up by ci/setup (default: ci/flink-version)");
  app->add_option("--flink-home", a.home, "use this unpacked Flink distribution instead");
  app->add_option("--project-dir", a.project_dir, "the tmfault checkout (default: where it was built)");
}

void add_storage_options(CLI::App* app, StorageArgs& a) {
  app->add_option("--out", a.out, "where runs are stored (default: out/)");
  app->add_option("--cgroup-parent", a.cgroup_parent,
                  "create cgroups beneath this one, e.g. a subtree delegated to you (default: our own)");
}

void add_report_file_options(CLI::App* app, ReportFileArgs& a) {
  app->add_flag("--no-color", a.no_color, "plain output (also: NO_COLOR=1, or stdout not a terminal)");
  app->add_option("--json", a.json, "also copy results.json to FILE");
  app->add_option("--junit", a.junit, "also write JUnit XML to FILE (for CI test reporters)");
  app->add_option("--html", a.html, "also write the HTML report to FILE");
}

void add_jobs_option(CLI::App* app, int& jobs, const char* what) {
  app->add_option("-j,--jobs", jobs,
                  fmt::format("{} at once (default: cores + 1, fewer when free memory is short of 4 GiB each)", what))
      ->check(CLI::Range(1, 64));
}

fs::path project_dir(const FlinkArgs& a) { return a.project_dir.empty() ? default_project_dir() : a.project_dir; }

DistOptions dist_options(const FlinkArgs& a) {
  DistOptions d;
  d.project_dir = project_dir(a);
  if (!a.version.empty()) d.version = a.version;
  if (!a.home.empty()) d.flink_home = a.home;
  return d;
}

cgroup::Hierarchy open_cgroups(const StorageArgs& a) {
  cgroup::Hierarchy h = cgroup::discover(a.cgroup_parent.empty() ? std::nullopt
                                                                 : std::optional<fs::path>(a.cgroup_parent));
  if (int swept = cgroup::sweep_stale(h))
    std::cerr << fmt::format("tmfault: removed {} stale cgroup(s) of earlier runs\n", swept);
  return h;
}

HostFacts host_facts(const cgroup::Hierarchy& h) {
  return {h.version == cgroup::Version::v2 ? "v2" : "v1", h.swap.total_bytes, h.swap.limited};
}

int default_lanes(unsigned cores, std::optional<std::uint64_t> available_bytes) {
  std::uint64_t lanes = std::uint64_t{cores} + 1;
  if (available_bytes) lanes = std::min(lanes, *available_bytes / kLaneBytes);
  return static_cast<int>(std::clamp<std::uint64_t>(lanes, 1, 64));
}

int jobs_or_default(int jobs) {
  if (jobs > 0) return jobs;
  return default_lanes(os::usable_cores(), os::memory_available_bytes());
}

bool use_color(bool no_color_flag) {
  const char* no_color = std::getenv("NO_COLOR");  // counts when set and not empty (no-color.org)
  return !no_color_flag && os::stdout_is_terminal() && !(no_color && *no_color);
}

}  // namespace tmfault
