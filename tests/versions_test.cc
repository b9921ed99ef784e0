// The side-by-side view of several suites (`tmfault report --versions`) on small synthetic suites.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "reports/versions.h"

using namespace tmfault;
using namespace tmfault::reports;

namespace {

MemoryBreakdown memory(std::uint64_t task_heap_mib) {
  MemoryBreakdown m;
  m.framework_heap = 128ull << 20;
  m.task_heap = task_heap_mib << 20;
  m.network = 64ull << 20;
  m.jvm_metaspace = 256ull << 20;
  m.jvm_overhead = 192ull << 20;
  return m;
}

/// One variant of a scenario with its verdict; `task_heap_mib` 0 = Flink refused the options.
RunRecord record(std::string scenario, std::string variant, Outcome outcome, Symptom observed,
                 std::uint64_t task_heap_mib = 26) {
  RunRecord r;
  r.plan.scenario_id = std::move(scenario);
  r.plan.variant = std::move(variant);
  r.plan.kind = r.plan.variant == "faulty" ? VariantKind::faulty : VariantKind::remedy;
  r.plan.name = r.plan.kind == VariantKind::faulty ? "faulty run" : r.plan.variant;
  r.plan.doc = "mem_trouble.md#" + r.plan.scenario_id;
  r.plan.title = "Section " + r.plan.scenario_id;
  r.plan.quote = "words of " + r.plan.variant;
  r.plan.expect = r.plan.kind == VariantKind::faulty ? Symptom::oom_heap : Symptom::healthy;
  if (task_heap_mib) r.observation.memory = memory(task_heap_mib);
  r.verdict = {outcome, observed, outcome != Outcome::error, "reason " + r.plan.variant};
  return r;
}

SuiteResult suite(std::string version, std::vector<RunRecord> records) {
  return {"2026-01-01T00:00:00Z", std::move(version), "0.1.0", {}, Millis(60'000), false, std::move(records)};
}

/// Three claims in two sections; "more-heap" differs (and so does its breakdown); "metaspace"
/// ran on 2.3.0 only.
std::vector<SuiteResult> two_versions() {
  return {suite("1.20.5", {record("heap", "faulty", Outcome::pass, Symptom::oom_heap),
                           record("heap", "more-heap", Outcome::pass, Symptom::healthy, 538)}),
          suite("2.3.0", {record("metaspace", "faulty", Outcome::pass, Symptom::oom_metaspace),
                          record("heap", "faulty", Outcome::pass, Symptom::oom_heap),
                          record("heap", "more-heap", Outcome::fail, Symptom::oom_heap, 400)})};
}

}  // namespace

TEST_CASE("compare_versions lines the claims up by section, marks what differs and what is missing") {
  auto suites = two_versions();
  VersionComparison vc = compare_versions(suites);
  REQUIRE(vc.labels == std::vector<std::string>{"1.20.5", "2.3.0"});
  REQUIRE(vc.claims.size() == 3);
  CHECK(vc.claims[0].id == "heap/faulty");
  CHECK(vc.claims[1].id == "heap/more-heap");
  CHECK(vc.claims[2].id == "metaspace/faulty");  // its section first appears after heap's
  CHECK_FALSE(vc.claims[0].differs);
  CHECK(vc.claims[1].differs);
  CHECK_FALSE(vc.claims[2].differs);  // one run: nothing to differ from
  CHECK(vc.claims[2].missing);
  CHECK(vc.claims[2].runs[0] == nullptr);
  CHECK(vc.claims[2].runs[1] == &suites[1].records[0]);
  CHECK(vc.differing() == 1);
  CHECK(vc.missing() == 1);
}

TEST_CASE("a claim only a later suite ran stays with its scenario") {
  std::vector<SuiteResult> suites{suite("2.2.1", {record("heap", "faulty", Outcome::pass, Symptom::oom_heap),
                                                  record("heap", "a", Outcome::pass, Symptom::healthy),
                                                  record("meta", "faulty", Outcome::pass, Symptom::oom_metaspace)}),
                                  suite("2.3.0", {record("heap", "faulty", Outcome::pass, Symptom::oom_heap),
                                                  record("meta", "faulty", Outcome::pass, Symptom::oom_metaspace),
                                                  record("heap", "b", Outcome::pass, Symptom::healthy)})};
  std::vector<std::string> ids;
  for (const ClaimAcross& c : compare_versions(suites).claims) ids.push_back(c.id);
  CHECK(ids == std::vector<std::string>{"heap/faulty", "heap/a", "heap/b", "meta/faulty"});
}

TEST_CASE("a different observed symptom differs even when both verdicts fail; errors compare as errors") {
  auto a = suite("2.0.2", {record("x", "faulty", Outcome::fail, Symptom::healthy),
                           record("y", "faulty", Outcome::error, Symptom::healthy)});
  auto b = suite("2.1.3", {record("x", "faulty", Outcome::fail, Symptom::oom_direct),
                           record("y", "faulty", Outcome::error, Symptom::oom_heap)});
  std::vector<SuiteResult> suites{a, b};
  VersionComparison vc = compare_versions(suites);
  CHECK(vc.claims[0].differs);
  CHECK_FALSE(vc.claims[1].differs);
}

TEST_CASE("a version run twice gets a unique column label") {
  std::vector<SuiteResult> suites{suite("1.20.5", {}), suite("1.20.5", {}), suite("2.3.0", {})};
  CHECK(compare_versions(suites).labels == std::vector<std::string>{"1.20.5", "1.20.5#2", "2.3.0"});
}

TEST_CASE("version_cell names the verdict and the observed symptom") {
  CHECK(version_cell(nullptr) == "-");
  RunRecord r = record("heap", "faulty", Outcome::pass, Symptom::oom_heap);
  CHECK(version_cell(&r) == "PASS oom-heap");
  r.verdict = {Outcome::fail, Symptom::healthy, false, ""};
  CHECK(version_cell(&r) == "FAIL ?");
  r.verdict.outcome = Outcome::error;
  CHECK(version_cell(&r) == "ERROR");
}

TEST_CASE("versions_text: a table per section, a row per claim under its scenario, then each difference with both "
          "breakdowns") {
  std::string t = versions_text(two_versions(), false);
  CHECK(t.find("Flink versions side by side: 1.20.5, 2.3.0") != std::string::npos);
  CHECK(t.find("3 claims: 2 the same on every version, 1 differ, 1 not run on every version") != std::string::npos);
  CHECK(t.find("Section heap  (mem_trouble.md#heap)") != std::string::npos);
  CHECK(t.find("  heap\n      symptom faulty     PASS oom-heap  PASS oom-heap\n") != std::string::npos);
  CHECK(t.find("    * remedy  more-heap  PASS healthy   FAIL oom-heap\n") != std::string::npos);
  CHECK(t.find("  metaspace\n    ? symptom faulty     -              PASS oom-metaspace\n") != std::string::npos);
  CHECK(t.find("\"words of more-heap\"") != std::string::npos);
  auto diff = t.find("Differences (1)");
  REQUIRE(diff != std::string::npos);
  std::string d = t.substr(diff);
  CHECK(d.find("* heap/more-heap  (remedy \"more-heap\", Section heap)") != std::string::npos);
  CHECK(d.find("reason more-heap") != std::string::npos);
  CHECK(d.find("memory: heap 666m (fw 128m + task 538m)") != std::string::npos);
  CHECK(d.find("memory: heap 528m (fw 128m + task 400m)") != std::string::npos);
  CHECK(d.find("heap/faulty") == std::string::npos);  // agrees: not called out
  CHECK(versions_text(two_versions(), false) == t);   // pure: the same bytes again
}

TEST_CASE("versions_text: one breakdown when Flink derived the same on every version; none differ") {
  std::vector<SuiteResult> same{suite("2.2.1", {record("h", "faulty", Outcome::pass, Symptom::oom_heap)}),
                                suite("2.3.0", {record("h", "faulty", Outcome::fail, Symptom::healthy)})};
  std::string t = versions_text(same, false);
  CHECK(t.find("memory on every version: heap 154m") != std::string::npos);
  std::vector<SuiteResult> agree{suite("2.2.1", {record("h", "faulty", Outcome::pass, Symptom::oom_heap)}),
                                 suite("2.3.0", {record("h", "faulty", Outcome::pass, Symptom::oom_heap)})};
  CHECK(versions_text(agree, false).find("No claim differs between versions.") != std::string::npos);
}

TEST_CASE("versions_text with color paints cells by verdict; hostile text is made printable") {
  auto suites = two_versions();
  suites[1].records[2].verdict.reason = "evil \x1b[31m\x07 reason";
  std::string t = versions_text(suites, true);
  CHECK(t.find("\033[31;1mFAIL oom-heap") != std::string::npos);
  CHECK(t.find("\x1b[31m\x07") == std::string::npos);
}

TEST_CASE("versions_html: one table, differing rows link to their details, hostile text escaped") {
  auto suites = two_versions();
  suites[0].records[1].plan.quote = "<script>alert(1)</script>";
  std::string h = versions_html(suites);
  CHECK(h.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(h.find("default-src 'none'") != std::string::npos);
  CHECK(h.find("<script>") == std::string::npos);
  CHECK(h.find("&lt;script&gt;") != std::string::npos);
  CHECK(h.find("<th>1.20.5</th><th>2.3.0</th>") != std::string::npos);
  CHECK(h.find("<tr class=\"differs\">") != std::string::npos);
  CHECK(h.find("<a href=\"#d-heap_more-heap\">heap/more-heap</a>") != std::string::npos);
  CHECK(h.find("id=\"d-heap_more-heap\"") != std::string::npos);
  CHECK(h.find("<td class=\"v missing\" title=\"not run\">-</td>") != std::string::npos);
  CHECK(h.find("heap 666m (fw 128m + task 538m)") != std::string::npos);
  CHECK(h.find("heap 528m (fw 128m + task 400m)") != std::string::npos);
}

TEST_CASE("versions_json: per claim each version's answer and breakdown in bytes, null where not run") {
  auto j = nlohmann::json::parse(versions_json(two_versions()));
  CHECK(j["format"] == "tmfault-versions/1");
  CHECK(j["differing"] == 1);
  CHECK(j["runs"][1]["label"] == "2.3.0");
  CHECK(j["runs"][1]["failed"] == 1);
  const auto& more = j["claims"][1];
  CHECK(more["id"] == "heap/more-heap");
  CHECK(more["differs"] == true);
  CHECK(more["versions"]["1.20.5"]["observed"] == "healthy");
  CHECK(more["versions"]["2.3.0"]["outcome"] == "fail");
  CHECK(more["versions"]["1.20.5"]["memory"]["heap_bytes"] == 666ull << 20);
  CHECK(j["claims"][2]["versions"]["1.20.5"].is_null());
}
