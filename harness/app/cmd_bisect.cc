// `tmfault bisect`: the smallest value of one size option that resolves a symptom, by real runs.
#include <fmt/format.h>

#include <iostream>

#include "cgroup/signals.h"
#include "harness/app/command.h"
#include "harness/app/options.h"
#include "harness/app/run_store.h"
#include "harness/app/scenario_files.h"
#include "harness/app/session.h"
#include "harness/flink/real_cluster.h"
#include "harness/stages/bisect.h"
#include "harness/stages/size.h"
#include "reports/cells.h"

namespace tmfault {
namespace {

struct BisectArgs {
  std::filesystem::path scenario;
  std::string option, low, high, step = "16m", remedy;
  FlinkArgs flink;
  StorageArgs storage;
};

std::uint64_t size_arg(std::string_view flag, const std::string& text) {
  auto v = parse_size(text);
  if (!v.value) throw UsageError(fmt::format("{}: {}", flag, v.error));
  return *v.value;
}

void print_probe(const RunRecord& r) {
  std::string seen = r.verdict.outcome == Outcome::pass ? "healthy"
                     : r.verdict.observed_known         ? std::string(symptom_name(r.verdict.observed))
                                                        : "?";
  std::cout << fmt::format("  {:<44} {:<17} {:>6}\n", r.plan.name, seen, reports::seconds(r.observation.timings.total))
            << std::flush;
}

int report(const Bisection& b, const std::string& option, std::uint64_t low, std::uint64_t high,
           const SuiteResult& suite) {
  using State = Bisection::State;
  switch (b.state()) {
    case State::found:
      std::cout << fmt::format("smallest {} that resolves it: {} ({} does not); {} runs in {}\n", option,
                               flink_size(b.lowest_healthy()), flink_size(b.highest_unhealthy()), suite.records.size(),
                               reports::seconds(suite.wall));
      for (std::uint64_t v : {b.highest_unhealthy(), b.lowest_healthy()})
        for (const RunRecord& r : suite.records)
          if (r.plan.variant == "bisect-" + flink_size(v))
            std::cout << fmt::format("  at {:>7}: {}\n", flink_size(v), reports::breakdown_row(r.observation));
      return static_cast<int>(ExitCode::ok);
    case State::not_resolved_at_high:
      std::cout << fmt::format("{} = {} does not resolve it: nothing to bisect (try a larger --high)\n", option,
                               flink_size(high));
      return static_cast<int>(ExitCode::failed);
    case State::healthy_at_low:
      std::cout << fmt::format("{} = {} already resolves it: nothing to bisect (try a smaller --low)\n", option,
                               flink_size(low));
      return static_cast<int>(ExitCode::failed);
    case State::searching: break;
  }
  return static_cast<int>(ExitCode::environment);
}

int bisect(const BisectArgs& a) {
  std::uint64_t low = size_arg("--low", a.low), high = size_arg("--high", a.high), step = size_arg("--step", a.step);
  if (low >= high) throw UsageError(fmt::format("--low {} must be below --high {}", quote(a.low), quote(a.high)));
  if (step == 0) throw UsageError("--step must be at least 1b");
  LoadResult loaded = load_scenarios_or_throw({a.scenario});
  if (loaded.scenarios.size() != 1)
    throw UsageError(fmt::format("bisect takes one scenario file, {} holds {}", quote(a.scenario.string()),
                                 loaded.scenarios.size()));
  const Scenario& sc = loaded.scenarios.front();
  VariantPlan base = bisect_base(sc, a.remedy);
  FlinkDist dist = locate_dist(dist_options(a.flink));
  if (!dist.option_keys.empty() && !dist.option_keys.count(a.option))
    throw UsageError(fmt::format("--option {} is not an option of Flink {}", quote(a.option), dist.version));
  cgroup::StopOnSignal signals;
  cgroup::Hierarchy h = open_cgroups(a.storage);

  Bisection b(low, high, step);
  std::uint64_t probing = 0;  // the value of the run in flight
  std::string error;
  NextPlan next = [&](const std::vector<RunRecord>& done) -> std::optional<VariantPlan> {
    if (!done.empty()) {
      const RunRecord& r = done.back();
      if (r.verdict.outcome == Outcome::error) {
        error = fmt::format("{}: {}", r.plan.name, r.verdict.reason);
        return std::nullopt;
      }
      b.record(probing, r.verdict.outcome == Outcome::pass);
    }
    auto v = b.next();
    if (!v) return std::nullopt;
    probing = *v;
    return bisect_probe(base, a.option, flink_size(*v));
  };
  std::cout << fmt::format("tmfault: bisecting {} over [{}, {}] in steps of {} on {} ({}), Flink {}\n", a.option,
                           flink_size(low), flink_size(high), flink_size(step), reports::variant_id(base), base.name,
                           dist.version);
  SessionOptions so;
  so.out_root = a.storage.out;
  so.stop = &signals.stop_flag();
  so.make_cluster = real_clusters(dist, h, so.stop, nullptr, {}, class_data_dir(a.storage.out));
  so.host = host_facts(h);
  so.on_done = print_probe;
  std::filesystem::path run_dir;
  SuiteResult suite = run_adaptive(next, sc.file, dist, so, run_dir);
  std::cout << fmt::format("runs: {}\n", run_dir.string());
  if (int sig = signals.signal_received()) return interrupted_exit_code(sig);
  if (!error.empty()) {
    std::cerr << fmt::format("tmfault: bisect stopped, a run could not be judged: {}\n", error);
    return static_cast<int>(ExitCode::environment);
  }
  return report(b, a.option, low, high, suite);
}

}  // namespace

Command bisect_command(CLI::App& app) {
  auto a = std::make_shared<BisectArgs>();
  CLI::App* bi = app.add_subcommand(
      "bisect", "find, by real runs, the smallest value of one size option that resolves a scenario's "
                "symptom (e.g. how much total memory the heap-space job needs)");
  bi->add_option("scenario", a->scenario, "one scenario file")->required();
  bi->add_option("--option", a->option, "the Flink size option to vary, e.g. taskmanager.memory.process.size")
      ->required();
  bi->add_option("--low", a->low, "a value that still shows the symptom, e.g. 1g")->required();
  bi->add_option("--high", a->high, "a value that resolves it, e.g. 4g")->required();
  bi->add_option("--step", a->step, "stop when healthy and unhealthy are this close (default: 16m)");
  bi->add_option("--remedy", a->remedy, "start from this remedy's options instead of the faulty run's");
  add_storage_options(bi, a->storage);
  add_flink_options(bi, a->flink);
  return {bi, [a] { return bisect(*a); }};
}

}  // namespace tmfault
