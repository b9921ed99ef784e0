// `tmfault run`: the scenarios against a real Flink TaskManager.
#include "harness/app/command.h"
#include "harness/app/run_plans.h"
#include "harness/app/scenario_files.h"

namespace tmfault {

Command run_command(CLI::App& app) {
  struct Args {
    std::vector<std::filesystem::path> paths;
    std::vector<std::string> only;
    SuiteArgs suite;
  };
  auto a = std::make_shared<Args>();
  CLI::App* run = app.add_subcommand("run", "run scenarios against a real Flink TaskManager");
  run->add_option("paths", a->paths, "scenario files or directories (default: the project's scenarios/)");
  run->add_option("--only", a->only, "run only SCENARIO or SCENARIO/VARIANT (repeatable)")->allow_extra_args(false);
  run->add_flag("--dry-run", a->suite.dry_run, "print the resolved plan of every variant and run nothing");
  add_jobs_option(run, a->suite.jobs, "variants");
  add_storage_options(run, a->suite.storage);
  add_report_file_options(run, a->suite.files);
  add_flink_options(run, a->suite.flink);
  add_timeout_scale_option(run, a->suite);
  run->add_option("--shard", a->suite.shard,
                  "run only shard K of N (K/N) of the variants sorted by scenario and variant");
  return {run, [a] {
            if (a->paths.empty()) a->paths.push_back(project_dir(a->suite.flink) / "scenarios");
            LoadResult loaded = load_scenarios_or_throw(a->paths);
            return run_plans(loaded, select_plans(loaded, a->only, a->suite.shard), a->suite);
          }};
}

}  // namespace tmfault
