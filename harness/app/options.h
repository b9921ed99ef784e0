#pragma once
// Flags and set-up shared by several subcommands: where Flink is, where runs go, which cgroups,
// how to print. One spelling for each flag.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cgroup/cgroup.h"
#include "harness/flink/dist.h"
#include "model/model.h"

namespace tmfault {

/// --flink-version, --flink-home, --project-dir.
struct FlinkArgs {
  std::string version;
  std::filesystem::path home, project_dir;
};

/// --out, --cgroup-parent.
struct StorageArgs {
  std::filesystem::path out = "out";
  std::filesystem::path cgroup_parent;
};

/// --no-color, --json, --junit, --html.
struct ReportFileArgs {
  bool no_color = false;
  std::filesystem::path json, junit, html;
};

void add_flink_options(CLI::App* app, FlinkArgs& a);
void add_storage_options(CLI::App* app, StorageArgs& a);
void add_report_file_options(CLI::App* app, ReportFileArgs& a);
/// -j/--jobs with `what` ("variants", "derivations") in its help.
void add_jobs_option(CLI::App* app, int& jobs, const char* what);

/// The tmfault checkout: --project-dir, else default_project_dir().
std::filesystem::path project_dir(const FlinkArgs& a);
/// Where Flink is, from the flags.
DistOptions dist_options(const FlinkArgs& a);
/// The cgroups to create runs beneath (--cgroup-parent, else our own), stale ones swept first.
cgroup::Hierarchy open_cgroups(const StorageArgs& a);

/// What results.json records of the cgroups a suite runs in.
HostFacts host_facts(const cgroup::Hierarchy& h);

/// Variants at once by default: one more than the cores (a lane waits for its JVMs' start-up,
/// registration and REST round trips about a third of its time), fewer when each could not
/// have kLaneBytes of the available memory; at least 1.
int default_lanes(unsigned cores, std::optional<std::uint64_t> available_bytes);
/// A lane's memory: its session JobManager (1 GiB) and its TaskManager (most of the suite's
/// are 1-3 GiB).
inline constexpr std::uint64_t kLaneBytes = 4ULL << 30;
/// -j unset: default_lanes of this machine.
int jobs_or_default(int jobs);
/// Colour on stdout: a terminal, no --no-color, no NO_COLOR.
bool use_color(bool no_color_flag);

}  // namespace tmfault
