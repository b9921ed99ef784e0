// `tmfault check --conf`: a user's own config under the standard workloads, as a gate.
#include <fmt/format.h>

#include <iostream>

#include "cgroup/signals.h"
#include "harness/app/command.h"
#include "harness/app/run_plans.h"
#include "harness/flink/explain.h"
#include "harness/flink/files.h"
#include "harness/stages/plan.h"
#include "harness/stages/user_conf.h"

namespace tmfault {
namespace {

struct CheckArgs {
  std::filesystem::path conf;
  std::vector<std::string> workloads;
  SuiteArgs suite;
};

UserConf read_conf(const std::filesystem::path& file) {
  UserConf conf = parse_user_conf(read_text(file), file);
  for (const auto& d : conf.diagnostics) std::cerr << format_diagnostic(d) << "\n";
  if (has_errors(conf.diagnostics))
    throw UsageError(fmt::format("{} cannot be read as a Flink config", quote(file.string())));
  if (conf.memory.empty())
    throw UsageError(fmt::format("{} sets no TaskManager memory option (taskmanager.memory.*): nothing to check",
                                 quote(file.string())));
  return conf;
}

/// Each workload, judged like a remedy: confirmed when the run is healthy.
std::vector<VariantPlan> conf_plans(const LoadResult& loaded) {
  std::vector<VariantPlan> plans;
  for (const Scenario& sc : loaded.scenarios) {
    VariantPlan p = plan_scenario(sc).front();
    p.kind = VariantKind::remedy;
    p.variant = "your-config";
    p.name = "your config";
    plans.push_back(std::move(p));
  }
  return plans;
}

/// Flink's answer to the configuration itself, once: a refused one fails every workload alike.
/// Returns Flink's message, or "" when it derives.
std::string refusal(const VariantPlan& plan, const FlinkDist& dist) {
  cgroup::StopOnSignal signals;
  std::vector<ExplainedVariant> e = explain_plans({plan}, dist, &signals.stop_flag());
  return e.front().memory ? "" : e.front().refusal;
}

int check(CheckArgs& a) {
  UserConf conf = read_conf(a.conf);
  std::cout << fmt::format("tmfault: {}: {} memory option(s) used, {} other key(s) left out (ports, HA, paths "
                           "are the harness's)\n",
                           a.conf.string(), conf.memory.size(), conf.ignored.size());
  LoadResult loaded;
  try {
    loaded.scenarios = conf_check_scenarios(conf, a.workloads);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  std::vector<VariantPlan> plans = conf_plans(loaded);
  if (!a.suite.dry_run) {
    FlinkDist dist = locate_dist(dist_options(a.suite.flink));
    for (const auto& d : check_conf_keys(conf, dist.option_keys, dist.version))
      std::cerr << format_diagnostic(d) << "\n";
    if (std::string no = refusal(plans.front(), dist); !no.empty()) {
      std::cout << fmt::format("FAIL  Flink {} refuses this configuration, so every workload would fail alike:\n"
                               "      {}\n",
                               dist.version, no);
      return static_cast<int>(ExitCode::failed);
    }
  }
  return run_plans(loaded, plans, a.suite);
}

}  // namespace

Command check_command(CLI::App& app) {
  auto a = std::make_shared<CheckArgs>();
  CLI::App* ch = app.add_subcommand("check",
                                    "a regression gate for your own Flink config: run the standard workloads under its "
                                    "TaskManager memory options; each must come out healthy");
  ch->add_option("--conf", a->conf,
                 "your config.yaml (or flink-conf.yaml); only the TaskManager's memory "
                 "options are used")
      ->required();
  ch->add_option("--workload", a->workloads,
                 "NAME or NAME:key=value,... (repeatable; default: heap, direct, metaspace, network, "
                 "rocksdb with the arguments in workloads/README.md), e.g. heap:retain=600m")
      ->allow_extra_args(false);
  ch->add_flag("--dry-run", a->suite.dry_run, "print the resolved plans and run nothing");
  add_jobs_option(ch, a->suite.jobs, "runs");
  add_timeout_scale_option(ch, a->suite);
  add_storage_options(ch, a->suite.storage);
  add_report_file_options(ch, a->suite.files);
  add_flink_options(ch, a->suite.flink);
  return {ch, [a] { return check(*a); }};
}

}  // namespace tmfault
