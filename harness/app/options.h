#pragma once
// Flags and set-up shared by several subcommands: where Flink is, where runs go, which cgroups,
// how to print. One spelling for each flag.
#include <CLI/CLI.hpp>

#include <filesystem>
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

/// -j unset: the number of cores, at most 4.
int jobs_or_default(int jobs);
/// Colour on stdout: a terminal, no --no-color, no NO_COLOR.
bool use_color(bool no_color_flag);

}  // namespace tmfault
