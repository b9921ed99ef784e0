// End-to-end: real Flink JVMs under real cgroups. Exits 77 (ctest: skipped) with the reason
// printed when this machine cannot create memory cgroups; fails when Flink is not set up.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "cgroup/cgroup.h"
#include "harness/app/options.h"
#include "harness/app/run_store.h"
#include "harness/app/scenario_files.h"
#include "harness/app/session.h"
#include "harness/flink/derive.h"
#include "harness/flink/dist.h"
#include "harness/flink/real_cluster.h"
#include "harness/stages/doc.h"
#include "harness/stages/exit_status.h"
#include "harness/stages/plan.h"
#include "harness/stages/scenario.h"
#include "tests/e2e_support.h"

using namespace tmfault;
using namespace tmfault::testing;
namespace fs = std::filesystem;

namespace {

cgroup::Hierarchy g_cgroups;

SuiteResult run_scenarios(const std::vector<fs::path>& paths, const fs::path& out) {
  LoadResult loaded = load_scenarios(paths);
  REQUIRE(loaded.diagnostics.empty());
  std::vector<VariantPlan> plans;
  for (const auto& sc : loaded.scenarios)
    for (auto& p : plan_scenario(sc)) plans.push_back(std::move(p));
  DistOptions d;
  d.project_dir = TMFAULT_SOURCE_DIR;
  FlinkDist dist = locate_dist(d);
  SessionOptions so;
  so.out_root = out;
  so.jobs = jobs_or_default(0);  // as `tmfault run` without -j
  auto derivations = std::make_shared<DerivationCache>(derive_all(dist, derivations_of(plans), out / ".derive",
                                                                  nullptr));
  so.make_cluster = real_clusters(dist, g_cgroups, nullptr, derivations, {}, class_data_dir(out));
  fs::path run_dir;
  auto start = std::chrono::steady_clock::now();
  SuiteResult s = run_session(plans, {}, dist, so, run_dir);
  std::cout << fmt::format("ran {} variants in {:.1f}s\n", s.records.size(),
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return s;
}

const RunRecord& find(const SuiteResult& s, std::string_view scenario, std::string_view variant) {
  for (const auto& r : s.records)
    if (r.plan.scenario_id == scenario && r.plan.variant == variant) return r;
  FAIL("no record " << scenario << "/" << variant);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("every section of the guide: symptoms reproduce, remedies behave as declared; "
          "negative scenarios fail; nothing is left behind") {
  fs::path root = TMFAULT_SOURCE_DIR;
  fs::path out = temp_out("e2e-suite");
  SuiteResult s = run_scenarios({root / "scenarios", root / "scenarios/negative"}, out);
  std::map<std::string, int> negative_fails;
  std::set<std::string> sections, jobmanager_sections;
  int unexpected = 0;
  for (const auto& r : s.records) {
    INFO(r.plan.scenario_id << "/" << r.plan.variant << ": " << r.verdict.reason << " (" << r.dir.string() << ")");
    CHECK(r.verdict.outcome != Outcome::error);
    if (r.plan.scenario_id.starts_with("negative-")) {
      negative_fails[r.plan.scenario_id] += r.verdict.outcome == Outcome::fail;
    } else {
      unexpected += r.verdict.outcome != Outcome::pass;
      CHECK(r.verdict.outcome == Outcome::pass);
      bool reproduced = r.plan.kind == VariantKind::faulty && r.verdict.outcome == Outcome::pass;
      if (reproduced) sections.insert(r.plan.doc);
      if (reproduced && r.plan.subject == Role::jobmanager) jobmanager_sections.insert(r.plan.doc);
    }
  }
  CHECK(sections.size() == 6);  // every section of mem_trouble.md reproduced
  CHECK(jobmanager_sections.size() == 5);  // all but network buffers ("only relevant for TaskManagers")
  CHECK(negative_fails.size() == 5);
  for (const auto& [id, fails] : negative_fails) {
    INFO("negative scenario " << id << " must come out failed");
    CHECK(fails >= 1);
  }
  const RunRecord& heap = find(s, "heap-space", "faulty");
  CHECK(heap.observation.job_state == "FAILED");
  CHECK_FALSE(heap.observation.tm_exit);  // the TM survives a task's heap OOM
  const RunRecord& killed = find(s, "container-memory-exceeded", "faulty");
  REQUIRE(killed.observation.tm_exit);
  CHECK(killed.observation.tm_exit->shell_code() == 137);
  CHECK(killed.observation.oom_kills >= 1);
  const RunRecord& jm_killed = find(s, "jm-container-memory-exceeded", "faulty");
  REQUIRE(jm_killed.observation.jm_exit);
  CHECK(jm_killed.observation.jm_exit->shell_code() == 137);
  CHECK(jm_killed.observation.oom_kills >= 1);
  // The guide, claim by claim, against these very runs: all tested, none contradicted.
  LoadResult loaded = load_scenarios({root / "scenarios"});
  std::ifstream guide(root / "docs/mem_trouble.md");
  std::string md((std::istreambuf_iterator<char>(guide)), {});
  auto problems = doc_problems(check_doc(parse_doc(md), "mem_trouble.md", loaded.scenarios, &s));
  INFO(Catch::Detail::stringify(problems));
  CHECK(problems.empty());
  CHECK(cgroups_of(g_cgroups, ::getpid()).empty());
  CHECK(processes_mentioning(out.string()).empty());
  CHECK(fs::exists(out / "latest" / "results.json"));
  // The harness's own JVMs recorded their class-data archives, and later ones mapped them.
  std::set<std::string> archives, mapped;
  for (const auto& e : fs::directory_iterator(class_data_dir(out))) archives.insert(e.path().filename().string());
  for (const auto& e : fs::recursive_directory_iterator(out / "latest")) {
    if (e.path().extension() != ".cmd") continue;
    std::ifstream cmd(e.path());
    std::string line((std::istreambuf_iterator<char>(cmd)), {});
    if (auto at = line.find("-XX:SharedArchiveFile="); at != std::string::npos)
      mapped.insert(fs::path(line.substr(at, line.find(' ', at) - at)).filename().string());
  }
  INFO(Catch::Detail::stringify(archives));
  CHECK(archives.size() == 2);  // a session JobManager's and a JobManager subject's TaskManager's
  CHECK(mapped == archives);
  for (const auto& r : s.records) {  // the subject starts as Flink starts it: no archive of ours
    std::ifstream cmd(r.dir / (r.plan.subject == Role::taskmanager ? "tm.cmd" : "jm.cmd"));
    std::string line((std::istreambuf_iterator<char>(cmd)), {});
    CHECK(line.find("Archive") == std::string::npos);
  }
  if (unexpected == 0 && problems.empty()) fs::remove_all(out);
  else std::cout << "the suite's run is kept for a look: " << out.string() << "\n";
}

TEST_CASE("every derivation of a suite in one JVM, also from a relative directory (tmfault run --out runs)") {
  fs::path out = temp_out("e2e-derive-relative");
  fs::create_directories(out);
  LoadResult loaded = load_scenarios({fs::path(TMFAULT_SOURCE_DIR) / "scenarios/heap-space.toml"});
  std::vector<VariantPlan> plans = plan_scenario(loaded.scenarios.at(0));
  DistOptions d;
  d.project_dir = TMFAULT_SOURCE_DIR;
  FlinkDist dist = locate_dist(d);
  fs::path was = fs::current_path();
  fs::current_path(out);
  DerivationCache derived = derive_all(dist, derivations_of(plans), "runs/.derive", nullptr);
  fs::current_path(was);
  INFO(derived.failure);
  CHECK(derived.failure.empty());
  fs::remove_all(out);
}

TEST_CASE("bisect finds the smallest metaspace that resolves the metaspace symptom") {
  fs::path out = temp_out("e2e-bisect");
  // A coarse grid keeps it to 3 runs: 256m (healthy), 96m (oom-metaspace), 176m (healthy). The
  // faulty run's [expect] mentions must not carry over to the healthy probes.
  Tmfault t({"bisect", (fs::path(TMFAULT_SOURCE_DIR) / "scenarios/metaspace.toml").string(), "--option",
             "taskmanager.memory.jvm-metaspace.size", "--low", "96m", "--high", "256m", "--step", "80m", "--out",
             out.string()});
  int code = t.wait();
  INFO(t.text());
  CHECK(code == 0);
  CHECK(t.text().find("taskmanager.memory.jvm-metaspace.size = 96m  oom-metaspace") != std::string::npos);
  CHECK(t.text().find("smallest taskmanager.memory.jvm-metaspace.size that resolves it: 176m (96m does not); "
                      "3 runs") != std::string::npos);
  CHECK(cgroups_of(g_cgroups, t.p->pid()).empty());
  CHECK(fs::exists(out / "latest" / "metaspace" / "bisect-176m" / "tm.log"));
  fs::remove_all(out);
}

TEST_CASE("check --conf: a user's config passes the workload it fits and fails the one it does not") {
  fs::path dir = temp_out("e2e-check");
  fs::create_directories(dir);
  // Nested YAML as Flink 1.20's config.yaml; the address and HA keys are not the harness's to use.
  std::ofstream(dir / "config.yaml") << "jobmanager:\n  rpc:\n    address: jm.example.org\n"
                                        "high-availability:\n  type: zookeeper\n"
                                        "taskmanager:\n  memory:\n    process:\n      size: 1g\n";
  Tmfault t({"check", "--conf", (dir / "config.yaml").string(), "--workload", "heap:retain=64m", "--workload",
             "heap:retain=256m", "--out", (dir / "out").string(), "--no-color"});
  int code = t.wait();
  INFO(t.text());
  CHECK(code == 1);
  CHECK(t.text().find("1 memory option(s) used, 2 other key(s) left out") != std::string::npos);
  CHECK(t.text().find("PASS  conf-heap/your-config") != std::string::npos);
  CHECK(t.text().find("FAIL  conf-heap-2/your-config") != std::string::npos);
  CHECK(t.text().find("oom-heap") != std::string::npos);
  CHECK(cgroups_of(g_cgroups, t.p->pid()).empty());
  fs::remove_all(dir);
}

int main(int argc, char** argv) { return run_e2e_tests(argc, argv, g_cgroups); }
