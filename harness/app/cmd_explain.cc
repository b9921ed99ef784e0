// `tmfault explain`: Flink's memory breakdown per variant, without running anything.
#include <fmt/format.h>

#include <iostream>

#include "cgroup/signals.h"
#include "harness/app/command.h"
#include "harness/app/run_plans.h"
#include "harness/app/scenario_files.h"
#include "harness/flink/explain.h"
#include "reports/reports.h"

namespace tmfault {
namespace {

struct ExplainArgs {
  std::vector<std::filesystem::path> paths;
  std::vector<std::string> only, defs;
  std::string format = "text";
  FlinkArgs flink;
};

/// `-D key=value` options as a one-variant plan.
VariantPlan plan_from_definitions(const std::vector<std::string>& defs) {
  VariantPlan p;
  p.scenario_id = "options";
  p.variant = "given";
  p.name = "-D options";
  for (const auto& d : defs) {
    std::size_t eq = d.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError(fmt::format("-D {} is not key=value, e.g. -D taskmanager.memory.process.size=1g", quote(d)));
    p.options.emplace_back(d.substr(0, eq), d.substr(eq + 1));
  }
  return p;
}

int explain(ExplainArgs& a) {
  if (a.format != "text" && a.format != "json")
    throw UsageError(fmt::format("unknown format {} (want text or json)", quote(a.format)));
  std::vector<VariantPlan> plans;
  if (!a.defs.empty()) {
    plans.push_back(plan_from_definitions(a.defs));
  } else {
    if (a.paths.empty()) a.paths.push_back(project_dir(a.flink) / "scenarios");
    plans = select_plans(load_scenarios_or_throw(a.paths), a.only, "");
  }
  FlinkDist dist = locate_dist(dist_options(a.flink));
  cgroup::StopOnSignal signals;
  auto explained = explain_plans(plans, dist, &signals.stop_flag());
  if (int sig = signals.signal_received()) return interrupted_exit_code(sig);
  if (a.format == "json") std::cout << reports::explain_json(explained, dist.version);
  else
    std::cout << fmt::format("Flink {}'s memory model (BashJavaUtils), per variant:\n\n", dist.version)
              << reports::explain_text(explained);
  std::cout << std::flush;
  // -D options Flink refuses: the answer is "no", like a failed verdict.
  bool refused = !a.defs.empty() && !explained.front().memory;
  return static_cast<int>(refused ? ExitCode::failed : ExitCode::ok);
}

}  // namespace

Command explain_command(CLI::App& app) {
  auto a = std::make_shared<ExplainArgs>();
  CLI::App* ex = app.add_subcommand(
      "explain", "show the memory breakdown Flink derives for each variant (and what a remedy changes), "
                 "without running anything");
  ex->add_option("paths", a->paths, "scenario files or directories (default: the project's scenarios/)");
  ex->add_option("--only", a->only, "only SCENARIO or SCENARIO/VARIANT (repeatable)")->allow_extra_args(false);
  ex->add_option("-D", a->defs,
                 "explain these Flink options instead (repeatable): -D taskmanager.memory.process.size=1g")
      ->allow_extra_args(false);
  ex->add_option("-f,--format", a->format,
                 "text (default) or json (every component in bytes, JVM flags, dynamic configs)");
  add_flink_options(ex, a->flink);
  return {ex, [a] { return explain(*a); }};
}

}  // namespace tmfault
