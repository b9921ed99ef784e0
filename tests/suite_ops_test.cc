// Sharding plans, merging stored suites, the live progress line: pure, no Flink.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "harness/app/options.h"
#include "harness/app/scenario_files.h"
#include "harness/stages/plan.h"
#include "harness/stages/scenario.h"
#include "reports/progress.h"
#include "reports/suite_ops.h"

using namespace tmfault;
using namespace tmfault::reports;

namespace {

/// The default suite's plans, as `tmfault run --dry-run` lists them.
std::vector<VariantPlan> dry_run_plans() {
  LoadResult loaded = load_scenarios({std::filesystem::path(TMFAULT_SOURCE_DIR) / "scenarios"});
  std::vector<VariantPlan> plans;
  for (const auto& sc : loaded.scenarios)
    for (auto& p : plan_scenario(sc)) plans.push_back(std::move(p));
  return plans;
}

std::string id(const VariantPlan& p) { return p.scenario_id + "/" + p.variant; }

VariantPlan plan(std::string scenario, std::string variant, VariantKind kind = VariantKind::remedy) {
  VariantPlan p;
  p.scenario_id = std::move(scenario);
  p.variant = std::move(variant);
  p.kind = kind;
  return p;
}

SuiteResult suite(std::string flink, std::vector<VariantPlan> plans) {
  SuiteResult s;
  s.flink_version = std::move(flink);
  s.tmfault_version = "0.1.0";
  for (auto& p : plans) s.records.push_back({std::move(p), {}, {}, "", ""});
  return s;
}

}  // namespace

TEST_CASE("parse_shard takes K/N with K in 1..N") {
  std::string error;
  auto s = parse_shard("2/3", error);
  REQUIRE(s);
  CHECK((s->index == 2 && s->count == 3));
  for (const char* bad : {"0/2", "3/2", "1/0", "1", "a/b", "1/2/3", "-1/2", ""}) {
    INFO(bad);
    CHECK_FALSE(parse_shard(bad, error));
    CHECK(error.find(std::string("shard '") + bad + "'") == 0);
  }
}

TEST_CASE("shards 1/2 and 2/2 of the dry-run plan list cover every variant exactly once") {
  std::vector<VariantPlan> all = dry_run_plans();
  REQUIRE(all.size() >= 2);
  for (int n : {1, 2, 3, 5}) {
    std::map<std::string, int> seen;
    for (int k = 1; k <= n; ++k) {
      std::vector<VariantPlan> part = select_shard(all, {k, n});
      CHECK(part.size() >= all.size() / n);
      CHECK(part.size() <= all.size() / n + 1);
      for (const auto& p : part) ++seen[id(p)];
    }
    INFO("N = " << n);
    CHECK(seen.size() == all.size());
    CHECK(std::all_of(seen.begin(), seen.end(), [](const auto& e) { return e.second == 1; }));
  }
}

TEST_CASE("a shard keeps the plan order and does not depend on it") {
  std::vector<VariantPlan> plans = {plan("b", "faulty"), plan("b", "x"), plan("a", "faulty"), plan("a", "z")};
  std::vector<VariantPlan> one = select_shard(plans, {1, 2});  // sorted: a/faulty a/z b/faulty b/x
  REQUIRE(one.size() == 2);
  CHECK(id(one[0]) == "b/faulty");  // the input's order
  CHECK(id(one[1]) == "a/faulty");
  std::reverse(plans.begin(), plans.end());
  std::set<std::string> again;
  for (const auto& p : select_shard(plans, {1, 2})) again.insert(id(p));
  CHECK(again == std::set<std::string>{"a/faulty", "b/faulty"});
  CHECK(select_shard(plans, {5, 5}).empty());
}

TEST_CASE("merge_suites joins shards in canonical order") {
  SuiteResult a = suite("1.20.5", {plan("heap", "more-heap"), plan("direct", "faulty", VariantKind::faulty)});
  SuiteResult b = suite("1.20.5", {plan("heap", "faulty", VariantKind::faulty), plan("direct", "bigger")});
  a.started_at = "2026-01-02T00:00:00Z", b.started_at = "2026-01-01T00:00:00Z";
  a.wall = Millis(5), b.wall = Millis(7);
  b.interrupted = true;
  SuiteResult m = merge_suites({a, b}, {"a.json", "b.json"});
  std::vector<std::string> order;
  for (const auto& r : m.records) order.push_back(id(r.plan));
  CHECK(order == std::vector<std::string>{"direct/faulty", "direct/bigger", "heap/faulty", "heap/more-heap"});
  CHECK(m.started_at == "2026-01-01T00:00:00Z");
  CHECK(m.wall == Millis(7));
  CHECK(m.interrupted);
  CHECK(merge_suites({b, a}, {}).records.size() == 4);
}

TEST_CASE("merge_suites refuses different Flink versions and duplicate variants") {
  SuiteResult a = suite("1.20.5", {plan("heap", "faulty")});
  SuiteResult b = suite("2.3.0", {plan("heap", "more")});
  CHECK_THROWS_WITH(merge_suites({a, b}, {"a.json", "b.json"}),
                    "cannot merge: 'b.json' ran Flink 2.3.0 but 'a.json' ran Flink 1.20.5");
  CHECK_THROWS_WITH(merge_suites({a, a}, {"a.json", "c.json"}),
                    "cannot merge: heap/faulty is in both 'a.json' and 'c.json'");
  CHECK_THROWS_AS(merge_suites({}, {}), MergeError);
}

TEST_CASE("the progress line names running variants, their time and memory, cut to width") {
  std::vector<ActiveRun> now = {{"heap-space/faulty", Millis(12'345), 352u << 20, 1024u << 20},
                                {"metaspace/faulty", Millis(3'100), std::nullopt, std::nullopt}};
  CHECK(progress_line(now, 3, 16, Millis(62'000), 200) ==
        "[3/16 done, 1m02s] heap-space/faulty 12.3s 352m/1024m | metaspace/faulty 3.1s");
  std::string cut = progress_line(now, 3, 16, Millis(5'000), 30);
  CHECK(cut == "[3/16 done, 5s] heap-space/...");
  CHECK(progress_line({{"x\x1b[2J", Millis(0), std::nullopt, std::nullopt}}, 0, 1, Millis(0), 80).find('\x1b') ==
        std::string::npos);
}

TEST_CASE("default lanes: one more than the cores, fewer when memory is short, never none") {
  constexpr std::uint64_t GiB = 1ULL << 30;
  CHECK(default_lanes(2, 24 * GiB) == 3);
  CHECK(default_lanes(2, std::nullopt) == 3);  // the kernel did not say: cores decide
  CHECK(default_lanes(16, 24 * GiB) == 6);     // memory decides
  CHECK(default_lanes(2, 9 * GiB) == 2);
  CHECK(default_lanes(8, 1 * GiB) == 1);
  CHECK(default_lanes(1, 0) == 1);
}
