// A whole session through the fake cluster: variants in parallel, each stored and checked,
// results.json written, latest switched.
#include <catch2/catch.hpp>

#include <filesystem>
#include <mutex>

#include "harness/app/run_store.h"
#include "harness/app/session.h"
#include "tests/fake_cluster.h"

using namespace tmfault;
using namespace tmfault::testing;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("tmfault-session-test-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

VariantPlan plan(const std::string& variant, Symptom expect) {
  VariantPlan p;
  p.scenario_id = "heap-space";
  p.variant = variant;
  p.name = variant;
  p.kind = expect == Symptom::healthy ? VariantKind::remedy : VariantKind::faulty;
  p.expect = expect;
  return p;
}

}  // namespace

TEST_CASE("a session stores every variant, checks it, and points latest at the run") {
  TempDir tmp;
  Script s;
  s.lines = cluster_up();
  s.lines.push_back({4000ms, Role::taskmanager, "java.lang.OutOfMemoryError: Java heap space"});
  s.job_states = {{4100ms, "FAILED"}};
  FakeClusters f{{s}};
  FlinkDist dist;
  dist.version = "1.20.5";
  SessionOptions so;
  so.out_root = tmp.path;
  so.jobs = 2;
  so.make_cluster = f.factory();
  std::mutex mu;
  std::vector<std::string> done;
  so.on_done = [&](const RunRecord& r) {
    std::lock_guard l(mu);
    done.push_back(r.plan.variant);
  };
  fs::path run_dir;
  SuiteResult suite = run_session({plan("faulty", Symptom::oom_heap), plan("remedy", Symptom::healthy)},
                                  {{"heap-space", "scenarios/heap-space.toml"}}, dist, so, run_dir);
  REQUIRE(suite.records.size() == 2);
  CHECK(suite.records[0].verdict.outcome == Outcome::pass);
  CHECK(suite.records[1].verdict.outcome == Outcome::fail);  // the "remedy" saw the same OOM
  CHECK(suite.records[0].reproduce == "tmfault run scenarios/heap-space.toml --only heap-space/faulty");
  CHECK(done.size() == 2);
  CHECK(fs::exists(run_dir / "heap-space" / "faulty" / "result.json"));
  CHECK(fs::exists(run_dir / "heap-space" / "remedy" / "plan.txt"));
  CHECK(fs::read_symlink(tmp.path / "latest") == run_dir.filename());
  SuiteResult back = load_results(tmp.path / "latest");
  CHECK(back.records.size() == 2);
  CHECK(back.records[0].observation.hits.size() == 1);
}

TEST_CASE("an interrupted session stops starting variants and says so") {
  TempDir tmp;
  Script s;
  s.lines = cluster_up();
  s.stop_at = 1000ms;
  FakeClusters f{{s}};
  FlinkDist dist;
  SessionOptions so;
  so.out_root = tmp.path;
  so.make_cluster = f.factory();
  so.stop = &f.stop;
  fs::path run_dir;
  SuiteResult suite = run_session({plan("faulty", Symptom::oom_heap), plan("remedy", Symptom::healthy)}, {}, dist, so,
                                  run_dir);
  CHECK(suite.interrupted);
  REQUIRE(suite.records.size() == 1);
  CHECK(suite.records[0].verdict.reason == "interrupted");
}
