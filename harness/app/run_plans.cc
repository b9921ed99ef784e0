#include "harness/app/run_plans.h"

#include <fmt/format.h>

#include <csignal>
#include <iostream>

#include "cgroup/os.h"
#include "cgroup/signals.h"
#include "harness/app/live_progress.h"
#include "harness/app/run_store.h"
#include "harness/app/session.h"
#include "harness/flink/derive.h"
#include "harness/flink/files.h"
#include "harness/flink/real_cluster.h"
#include "harness/stages/diagnostic.h"
#include "harness/stages/plan.h"
#include "reports/reports.h"
#include "reports/suite_ops.h"

namespace tmfault {
namespace fs = std::filesystem;
namespace {

/// --json/--junit/--html: rendered from the stored results.json, as `tmfault report` does.
void write_report_files(const ReportFileArgs& a, const fs::path& run_dir) {
  if (a.json.empty() && a.junit.empty() && a.html.empty()) return;
  std::string stored = read_text(run_dir / "results.json");
  SuiteResult suite = reports::suite_from_json(stored);
  if (!a.json.empty()) write_text(a.json, stored);
  if (!a.junit.empty()) write_text(a.junit, reports::render(suite, reports::Format::junit));
  if (!a.html.empty()) write_text(a.html, reports::render(suite, reports::Format::html));
}

/// Flink ignores keys it does not know; a misspelt one would silently test the default.
void warn_unknown_keys(const LoadResult& loaded, const FlinkDist& dist) {
  for (const auto& sc : loaded.scenarios)
    for (const auto& d : check_option_keys(sc, dist.option_keys, dist.version))
      std::cerr << format_diagnostic(d) << "\n";
}

bool selected(const VariantPlan& p, const std::vector<std::string>& only) {
  if (only.empty()) return true;
  for (const auto& o : only)
    if (o == p.scenario_id || o == p.scenario_id + "/" + p.variant) return true;
  return false;
}

}  // namespace

std::vector<VariantPlan> select_plans(const LoadResult& loaded, const std::vector<std::string>& only,
                                      const std::string& shard) {
  std::vector<VariantPlan> plans;
  for (const auto& sc : loaded.scenarios)
    for (auto& p : plan_scenario(sc))
      if (selected(p, only)) plans.push_back(std::move(p));
  if (plans.empty()) throw UsageError(fmt::format("--only {} matches no variant", fmt::join(only, ", ")));
  if (shard.empty()) return plans;
  std::string error;
  auto s = reports::parse_shard(shard, error);
  if (!s) throw UsageError(error);
  return reports::select_shard(plans, *s);
}

int exit_code_for(const SuiteResult& s, int signo) {
  if (s.interrupted) return interrupted_exit_code(signo ? signo : SIGINT);
  bool fail = false, error = false;
  for (const auto& r : s.records) {
    fail |= r.verdict.outcome == Outcome::fail;
    error |= r.verdict.outcome == Outcome::error;
  }
  return static_cast<int>(fail ? ExitCode::failed : error ? ExitCode::environment : ExitCode::ok);
}

void add_timeout_scale_option(CLI::App* app, SuiteArgs& a) {
  app->add_option("--timeout-scale", a.timeout_scale,
                  "multiply every scenario's timeout, for a slow host (e.g. 5 in the cgroup-v2 guest, ci/v2vm)")
      ->check(CLI::Range(0.1, 100.0));
}

int run_plans(const LoadResult& loaded, std::vector<VariantPlan> plans, const SuiteArgs& a) {
  for (VariantPlan& p : plans)
    p.timeout = Millis(static_cast<Millis::rep>(static_cast<double>(p.timeout.count()) * a.timeout_scale));
  std::optional<FlinkDist> found;
  try {
    found = locate_dist(dist_options(a.flink));
  } catch (const EnvironmentError& e) {
    if (!a.dry_run) throw;
    std::cerr << fmt::format("tmfault: option keys not checked: {}\n", e.what());
  }
  if (found) warn_unknown_keys(loaded, *found);
  if (a.dry_run) {
    for (const auto& p : plans) std::cout << describe_plan(p) << "\n";
    return 0;
  }
  if (plans.empty()) {
    std::cout << fmt::format("tmfault: shard {} has no variants: nothing to run\n", a.shard);
    return 0;
  }
  const FlinkDist& dist = *found;
  cgroup::StopOnSignal signals;
  cgroup::Hierarchy h = open_cgroups(a.storage);
  std::map<std::string, fs::path> sources;
  for (const auto& sc : loaded.scenarios) sources[sc.id] = sc.file;

  bool color = use_color(a.files.no_color);
  SessionOptions so;
  so.out_root = a.storage.out;
  so.jobs = jobs_or_default(a.jobs);
  so.stop = &signals.stop_flag();
  // Flink's memory model of every variant at once, in one JVM (not one per variant).
  ensure_output_root(a.storage.out);
  auto derivations = std::make_shared<DerivationCache>(
      derive_all(dist, derivations_of(plans), a.storage.out / fmt::format(".derive-{}", os::process_id()), so.stop));
  if (!derivations->failure.empty())
    std::cerr << fmt::format("tmfault: each variant derives its own memory: {}\n", one_line(derivations->failure));
  so.make_cluster = real_clusters(dist, h, so.stop, derivations, {}, class_data_dir(a.storage.out));
  so.host = host_facts(h);
  std::cout << fmt::format("tmfault: {} variant(s) of {} scenario(s), Flink {}, {} at a time{}\n", plans.size(),
                           loaded.scenarios.size(), dist.version, so.jobs, a.shard.empty() ? "" : ", shard " + a.shard);
  std::unique_ptr<Progress> progress = make_progress(plans.size(), color);
  progress->attach(so);
  fs::path run_dir;
  SuiteResult suite = run_session(plans, sources, dist, so, run_dir);
  progress->finish();
  std::cout << reports::terminal_summary(suite, color);
  std::cout << fmt::format("results: {}\n", (run_dir / "results.json").string());
  write_report_files(a.files, run_dir);
  return exit_code_for(suite, signals.signal_received());
}

}  // namespace tmfault
