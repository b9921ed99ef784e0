#include "harness/cli.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <thread>

#include "cgroup/cgroup.h"
#include "cgroup/signals.h"
#include "harness/dist.h"
#include "harness/plan.h"
#include "harness/scenario.h"
#include "harness/session.h"
#include "reports/reports.h"

namespace tmfault {
namespace fs = std::filesystem;
namespace {

constexpr int kExitFail = 1, kExitUsage = 2, kExitEnvironment = 3;

struct RunArgs {
  std::vector<fs::path> paths;
  std::vector<std::string> only;
  bool dry_run = false;
  int jobs = 0;
  fs::path out = "out";
  std::string flink_version;
  fs::path flink_home, project_dir, cgroup_parent;
  bool no_color = false;
};

bool use_color(const RunArgs& a) {
  return !a.no_color && ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
}

/// --only "heap-space" or "heap-space/faulty".
bool selected(const VariantPlan& p, const std::vector<std::string>& only) {
  if (only.empty()) return true;
  for (const auto& o : only)
    if (o == p.scenario_id || o == p.scenario_id + "/" + p.variant) return true;
  return false;
}

int default_jobs() {
  unsigned n = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(n, 1u, 4u));
}

int exit_code_for(const SuiteResult& s, int signo) {
  if (s.interrupted) return 128 + (signo ? signo : SIGINT);
  bool fail = false, error = false;
  for (const auto& r : s.records) {
    fail |= r.verdict.outcome == Outcome::fail;
    error |= r.verdict.outcome == Outcome::error;
  }
  return fail ? kExitFail : error ? kExitEnvironment : 0;
}

int cmd_run(RunArgs a) {
  DistOptions dopts;
  dopts.project_dir = a.project_dir.empty() ? default_project_dir() : a.project_dir;
  if (a.paths.empty()) a.paths.push_back(dopts.project_dir / "scenarios");
  LoadResult loaded = load_scenarios(a.paths);
  for (const auto& d : loaded.diagnostics) std::cerr << format_diagnostic(d) << "\n";
  if (has_errors(loaded.diagnostics)) {
    std::cerr << "tmfault: scenario errors: nothing was run\n";
    return kExitUsage;
  }
  std::vector<VariantPlan> plans;
  std::map<std::string, fs::path> sources;
  for (const auto& sc : loaded.scenarios) {
    sources[sc.id] = sc.file;
    for (auto& p : plan_scenario(sc))
      if (selected(p, a.only)) plans.push_back(std::move(p));
  }
  if (plans.empty()) {
    std::cerr << fmt::format("tmfault: --only {} matches no variant\n", fmt::join(a.only, ", "));
    return kExitUsage;
  }
  if (a.dry_run) {
    for (const auto& p : plans) std::cout << describe_plan(p) << "\n";
    return 0;
  }
  if (!a.flink_version.empty()) dopts.version = a.flink_version;
  if (!a.flink_home.empty()) dopts.flink_home = a.flink_home;
  FlinkDist dist = locate_dist(dopts);
  cgroup::StopOnSignal signals;
  cgroup::Hierarchy h = cgroup::discover(a.cgroup_parent.empty()
                                             ? std::nullopt
                                             : std::optional<fs::path>(a.cgroup_parent));
  if (int swept = cgroup::sweep_stale(h))
    std::cerr << fmt::format("tmfault: removed {} stale cgroup(s) of earlier runs\n", swept);

  bool color = use_color(a);
  SessionOptions so;
  so.out_root = a.out;
  so.jobs = a.jobs > 0 ? a.jobs : default_jobs();
  so.stop = &signals.stop_flag();
  so.on_start = [&](const VariantPlan& p) {
    std::cout << fmt::format("  ..   {}/{}\n", p.scenario_id, p.variant) << std::flush;
  };
  so.on_done = [&](const RunRecord& r) { std::cout << reports::variant_line(r, color) << "\n" << std::flush; };
  std::cout << fmt::format("tmfault: {} variant(s) of {} scenario(s), Flink {}, {} at a time\n",
                           plans.size(), loaded.scenarios.size(), dist.version, so.jobs);
  fs::path run_dir;
  SuiteResult suite = run_session(plans, sources, dist, h, so, run_dir);
  std::cout << reports::terminal_summary(suite, color);
  std::cout << fmt::format("results: {}\n", (run_dir / "results.json").string());
  return exit_code_for(suite, signals.signal_received());
}

void add_run(CLI::App& app, RunArgs& a) {
  CLI::App* run = app.add_subcommand("run", "run scenarios against a real Flink TaskManager");
  run->add_option("paths", a.paths, "scenario files or directories (default: the project's scenarios/)");
  run->add_option("--only", a.only, "run only SCENARIO or SCENARIO/VARIANT (repeatable)");
  run->add_flag("--dry-run", a.dry_run, "print the resolved plan of every variant and run nothing");
  run->add_option("-j,--jobs", a.jobs, "variants to run at once (default: cores, at most 4)")
      ->check(CLI::Range(1, 64));
  run->add_option("--out", a.out, "where runs are stored (default: out/)");
  run->add_option("--flink-version", a.flink_version, "Flink version set up by ci/setup (default: ci/flink-version)");
  run->add_option("--flink-home", a.flink_home, "use this unpacked Flink distribution instead");
  run->add_option("--project-dir", a.project_dir, "the tmfault checkout (default: where it was built)");
  run->add_option("--cgroup-parent", a.cgroup_parent, "create cgroups beneath this one (default: our own)");
  run->add_flag("--no-color", a.no_color, "plain output (also: NO_COLOR=1, or stdout not a terminal)");
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{
      "tmfault: checks Flink's memory troubleshooting guide against a real TaskManager.\n"
      "Each scenario starts a JobManager and a TaskManager under a cgroup memory limit with\n"
      "mis-sized options, observes the documented symptom, then re-runs with every documented\n"
      "remedy and checks that it resolves.\n\n"
      "  tmfault run                      run every scenario in scenarios/\n"
      "  tmfault run scenarios/heap.toml  run one section\n"
      "  tmfault run --dry-run            show what would run\n\n"
      "exit codes: 0 all passed, 1 a verdict failed, 2 bad usage or scenario,\n"
      "3 harness or environment error, 130/143 interrupted"};
  app.require_subcommand(1);
  RunArgs run;
  add_run(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  try {
    if (app.got_subcommand("run")) return cmd_run(run);
  } catch (const EnvironmentError& e) {
    std::cerr << fmt::format("tmfault: {}\nhint: {}\n", e.what(), e.hint());
    return kExitEnvironment;
  } catch (const cgroup::CgroupError& e) {
    std::cerr << fmt::format("tmfault: {}\nhint: {}\n", e.what(), e.hint());
    return kExitEnvironment;
  } catch (const std::exception& e) {
    std::cerr << fmt::format("tmfault: {}\n", e.what());
    return kExitEnvironment;
  }
  return kExitUsage;
}

}  // namespace tmfault
