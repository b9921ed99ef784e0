#include "harness/app/session.h"

#include <fmt/format.h>

#include <mutex>
#include <thread>

#include "harness/app/run_store.h"
#include "harness/flink/files.h"
#include "harness/flink/runner.h"
#include "harness/stages/check.h"
#include "harness/stages/plan.h"
#include "reports/reports.h"

namespace tmfault {
namespace fs = std::filesystem;
namespace {

bool stopping(const SessionOptions& o) { return o.stop && o.stop->load(); }

RunRecord run_one(const VariantPlan& plan, const fs::path& dir, const fs::path& source, const FlinkDist& dist,
                  const SessionOptions& opts, int lane) {
  RunRecord rec;
  rec.plan = plan;
  rec.dir = dir;
  rec.reproduce = fmt::format("tmfault run {} --only {}/{}", source.string(), plan.scenario_id, plan.variant);
  try {
    fs::create_directories(dir);
    write_text(dir / "plan.txt", describe_plan(plan));
    RunContext ctx;
    ctx.dist = &dist, ctx.make_cluster = opts.make_cluster, ctx.lane = lane, ctx.dir = dir, ctx.stop = opts.stop;
    if (opts.on_sample)
      ctx.on_sample = [&](const MemorySample& s, std::optional<std::uint64_t> limit) {
        opts.on_sample(plan, s, limit);
      };
    rec.observation = run_variant(plan, ctx);
  } catch (const std::exception& e) {  // a harness failure in one run: that variant's error
    rec.observation.harness_error = e.what();
  }
  rec.verdict = check(plan, rec.observation);
  try {
    write_text(dir / "result.json", reports::record_json(rec));
  } catch (const std::exception& e) {  // the run is not stored: not re-checkable, an error
    std::string verdict = rec.verdict.outcome == Outcome::error
                              ? rec.verdict.reason
                              : std::string(reports::outcome_name(rec.verdict.outcome));
    rec.verdict = {Outcome::error, rec.verdict.observed, false,
                   fmt::format("{} (the run itself: {})", e.what(), verdict)};
  }
  return rec;
}

}  // namespace

SuiteResult run_session(const std::vector<VariantPlan>& plans, const std::map<std::string, fs::path>& sources,
                        const FlinkDist& dist, const SessionOptions& opts, fs::path& run_dir) {
  RunStore store(opts.out_root, dist.version, opts.host);
  run_dir = store.dir();
  std::vector<std::optional<RunRecord>> records(plans.size());
  std::atomic<std::size_t> next{0};
  std::mutex report_mu;
  auto worker = [&](int lane) {
    for (std::size_t i; (i = next++) < plans.size();) {
      if (stopping(opts)) return;
      const VariantPlan& p = plans[i];
      if (opts.on_start) {
        std::lock_guard l(report_mu);
        opts.on_start(p);
      }
      auto src = sources.count(p.scenario_id) ? sources.at(p.scenario_id) : fs::path();
      RunRecord rec = run_one(p, run_dir / p.scenario_id / p.variant, src, dist, opts, lane);
      std::lock_guard l(report_mu);
      records[i] = std::move(rec);
      if (opts.on_done) opts.on_done(*records[i]);
    }
  };
  std::vector<std::thread> pool;
  for (int j = 0; j < std::max(1, opts.jobs); ++j) pool.emplace_back(worker, j);
  for (auto& t : pool) t.join();
  for (auto& r : records)
    if (r) store.suite().records.push_back(std::move(*r));
  return store.finish(stopping(opts));
}

SuiteResult run_adaptive(const NextPlan& next, const fs::path& source, const FlinkDist& dist,
                         const SessionOptions& opts, fs::path& run_dir) {
  RunStore store(opts.out_root, dist.version, opts.host);
  run_dir = store.dir();
  auto& records = store.suite().records;
  while (!stopping(opts)) {
    std::optional<VariantPlan> p = next(records);
    if (!p) break;
    if (opts.on_start) opts.on_start(*p);
    records.push_back(run_one(*p, run_dir / p->scenario_id / p->variant, source, dist, opts, 0));
    if (opts.on_done) opts.on_done(records.back());
  }
  return store.finish(stopping(opts));
}

}  // namespace tmfault
