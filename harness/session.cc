#include "harness/session.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

#include "harness/check.h"
#include "harness/plan.h"
#include "harness/runner.h"
#include "reports/reports.h"

namespace tmfault {
namespace fs = std::filesystem;
namespace {

std::string utc_stamp(const char* format) {
  auto now = std::chrono::system_clock::now();
  return fmt::format(fmt::runtime(format), fmt::gmtime(std::chrono::system_clock::to_time_t(now)));
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
  if (!out.flush())
    throw std::runtime_error(fmt::format("cannot write '{}': {}", p.string(), std::strerror(errno)));
}

/// A fresh directory <root>/<timestamp>[-n] (never reuses one).
fs::path make_run_dir(const fs::path& root) {
  std::string stamp = utc_stamp("{:%Y%m%dT%H%M%SZ}");
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec)
    throw EnvironmentError(fmt::format("cannot create the output directory '{}': {}", root.string(),
                                       ec.message()),
                           "pass --out DIR with a directory you can write");
  for (int n = 0;; ++n) {
    fs::path p = root / (n == 0 ? stamp : fmt::format("{}-{}", stamp, n));
    if (fs::create_directory(p, ec)) return p;
    if (ec)
      throw EnvironmentError(fmt::format("cannot create '{}': {}", p.string(), ec.message()),
                             "pass --out DIR with a directory you can write");
  }
}

/// `latest` -> run_dir, switched atomically once run_dir holds its results.json: it always
/// names the newest complete (or interrupted) run, never one that could not be written.
void point_latest(const fs::path& root, const fs::path& run_dir) {
  fs::path link = root / "latest", tmp = root / ".latest.tmp";
  std::error_code ec;
  fs::remove(tmp, ec);
  fs::create_directory_symlink(run_dir.filename(), tmp, ec);
  if (!ec) fs::rename(tmp, link, ec);
}

RunRecord run_one(const VariantPlan& plan, const fs::path& dir, const fs::path& source,
                  const FlinkDist& dist, const cgroup::Hierarchy& cg, const SessionOptions& opts) {
  RunRecord rec;
  rec.plan = plan;
  rec.dir = dir;
  rec.reproduce = fmt::format("tmfault run {} --only {}/{}", source.string(), plan.scenario_id,
                              plan.variant);
  try {
    fs::create_directories(dir);
    write_text(dir / "plan.txt", describe_plan(plan));
    RunContext ctx;
    ctx.dist = &dist, ctx.cgroups = &cg, ctx.dir = dir, ctx.stop = opts.stop;
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

/// A suite's bookkeeping: its header, its directory, and storing it when it ends.
struct SuiteStore {
  SuiteResult suite;
  fs::path root, run_dir;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();

  SuiteStore(const FlinkDist& dist, const SessionOptions& opts)
      : root(fs::absolute(opts.out_root)), run_dir(make_run_dir(root)) {
    suite.started_at = utc_stamp("{:%Y-%m-%dT%H:%M:%SZ}");
    suite.flink_version = dist.version;
    suite.tmfault_version = TMFAULT_VERSION;
  }

  /// Writes results.json, then points `latest` at it.
  SuiteResult finish(const SessionOptions& opts) {
    suite.interrupted = opts.stop && opts.stop->load();
    suite.wall = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start);
    try {
      write_text(run_dir / "results.json", reports::suite_json(suite));
    } catch (const std::exception& e) {
      throw EnvironmentError(e.what(), fmt::format("free space where --out points, or pass --out DIR "
                                                   "elsewhere; earlier runs in '{}' were not touched",
                                                   root.string()));
    }
    point_latest(root, run_dir);
    return std::move(suite);
  }
};

}  // namespace

SuiteResult run_session(const std::vector<VariantPlan>& plans,
                        const std::map<std::string, fs::path>& sources, const FlinkDist& dist,
                        const cgroup::Hierarchy& cgroups, const SessionOptions& opts,
                        fs::path& run_dir) {
  SuiteStore store(dist, opts);
  run_dir = store.run_dir;
  std::vector<RunRecord> records(plans.size());
  std::vector<bool> ran(plans.size(), false);
  std::atomic<std::size_t> next{0};
  std::mutex report_mu;
  auto worker = [&] {
    for (std::size_t i; (i = next++) < plans.size();) {
      if (opts.stop && opts.stop->load()) return;
      const VariantPlan& p = plans[i];
      if (opts.on_start) { std::lock_guard l(report_mu); opts.on_start(p); }
      fs::path dir = run_dir / p.scenario_id / p.variant;
      auto src = sources.count(p.scenario_id) ? sources.at(p.scenario_id) : fs::path();
      RunRecord rec = run_one(p, dir, src, dist, cgroups, opts);
      std::lock_guard l(report_mu);
      records[i] = std::move(rec);
      ran[i] = true;
      if (opts.on_done) opts.on_done(records[i]);
    }
  };
  std::vector<std::thread> pool;
  for (int j = 0; j < std::max(1, opts.jobs); ++j) pool.emplace_back(worker);
  for (auto& t : pool) t.join();

  for (std::size_t i = 0; i < plans.size(); ++i)
    if (ran[i]) store.suite.records.push_back(std::move(records[i]));
  return store.finish(opts);
}

SuiteResult run_adaptive(const NextPlan& next, const fs::path& source, const FlinkDist& dist,
                         const cgroup::Hierarchy& cgroups, const SessionOptions& opts, fs::path& run_dir) {
  SuiteStore store(dist, opts);
  run_dir = store.run_dir;
  while (!(opts.stop && opts.stop->load())) {
    std::optional<VariantPlan> p = next(store.suite.records);
    if (!p) break;
    if (opts.on_start) opts.on_start(*p);
    store.suite.records.push_back(run_one(*p, run_dir / p->scenario_id / p->variant, source, dist, cgroups, opts));
    if (opts.on_done) opts.on_done(store.suite.records.back());
  }
  return store.finish(opts);
}

}  // namespace tmfault
