// doc-check: the guide as data, and which of its words the scenarios claim (pure).
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "harness/app/scenario_files.h"
#include "harness/stages/doc.h"
#include "harness/stages/scenario.h"

using namespace tmfault;
namespace fs = std::filesystem;

namespace {

const fs::path kRoot = TMFAULT_SOURCE_DIR;

std::string guide() {
  std::ifstream in(kRoot / "docs/mem_trouble.md");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<Scenario> project_scenarios() {
  LoadResult r = load_scenarios({kRoot / "scenarios"});
  REQUIRE_FALSE(has_errors(r.diagnostics));
  return r.scenarios;
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

/// The problems of one kind ("stale", "untested", ...).
std::vector<std::string> of_kind(const std::vector<std::string>& problems, std::string_view kind) {
  std::vector<std::string> out;
  for (const auto& p : problems)
    if (p.starts_with(std::string(kind) + ":")) out.push_back(p);
  return out;
}

}  // namespace

TEST_CASE("plain_text keeps what a reader sees") {
  CHECK(plain_text("by increasing [total memory](mem_setup.html#configure-total-memory) or\n  more") ==
        "by increasing total memory or more");
  CHECK(plain_text("an *IllegalConfigurationException* thrown") == "an IllegalConfigurationException thrown");
  CHECK(plain_text("<span class=\"label label-info\">Note</span> You can") == "Note You can");
  CHECK(plain_text("* [`taskmanager.memory.network.min`](../config.html#x)") == "taskmanager.memory.network.min");
  CHECK(plain_text("a <!-- hidden\n comment --> b") == "a b");
  CHECK(plain_text("[not a link] (x)") == "[not a link] (x)");
}

TEST_CASE("heading ids are kramdown's") {
  CHECK(heading_id("OutOfMemoryError: Java heap space") == "outofmemoryerror-java-heap-space");
  CHECK(heading_id("IOException: Insufficient number of network buffers") ==
        "ioexception-insufficient-number-of-network-buffers");
  CHECK(heading_id("Container Memory Exceeded") == "container-memory-exceeded");
}

TEST_CASE("the guide's six sections and the advice in each") {
  auto sections = parse_doc(guide());
  REQUIRE(sections.size() == 6);
  std::vector<std::size_t> advice;
  for (const auto& s : sections) advice.push_back(s.advice.size());
  // illegal config: none ("check the documentation"); heap: task/total + framework; direct: 1;
  // metaspace: 1; network: the three options of its list; container: managed + JVM overhead.
  CHECK(advice == std::vector<std::size_t>{0, 2, 1, 1, 3, 2});
  CHECK(sections[0].line == 28);
  CHECK(sections[4].advice[0] == "taskmanager.memory.network.min");
  CHECK(sections[1].advice[0] ==
        "You can try to increase the JVM heap size by increasing total memory or task heap memory.");
  CHECK(sections[0].text.find("(e.g. negative memory size, fraction that is greater than 1, etc.)") !=
        std::string::npos);
}

TEST_CASE("the project's scenarios check every section and test every piece of advice, as written") {
  auto scenarios = project_scenarios();
  DocCheck dc = check_doc(parse_doc(guide()), "mem_trouble.md", scenarios, nullptr);
  auto problems = doc_problems(dc);
  INFO(Catch::Detail::stringify(problems));
  CHECK(problems.empty());
  std::size_t claims = 0, variants = 0;
  for (const auto& s : dc.sections) {
    CHECK_FALSE(s.scenarios.empty());
    claims += s.claims.size();
  }
  for (const auto& sc : scenarios) variants += 1 + sc.remedies.size();
  CHECK(claims == variants);  // every variant claims something, in its own section
}

TEST_CASE("a reworded guide: the claims on the old words are stale, the new advice untested") {
  std::string doc = replaced(guide(), "You can try to increase the [JVM metaspace option]",
                             "You can try to increase [taskmanager.memory.jvm-metaspace.size]");
  auto problems = doc_problems(check_doc(parse_doc(doc), "mem_trouble.md", project_scenarios(), nullptr));
  auto stale = of_kind(problems, "stale");
  REQUIRE(stale.size() == 1);
  CHECK(stale[0].starts_with("stale: metaspace/increase-the-jvm-metaspace-option ("));
  CHECK(stale[0].find("scenarios/metaspace.toml:") != std::string::npos);
  auto untested = of_kind(problems, "untested");
  REQUIRE(untested.size() == 1);
  CHECK(untested[0].find("'You can try to increase taskmanager.memory.jvm-metaspace.size.'") !=
        std::string::npos);
}

TEST_CASE("a new section no scenario checks is uncovered; its advice untested") {
  std::string doc = guide() + "\n## OutOfMemoryError: GC overhead limit exceeded\n\n"
                              "You can try to increase the [task heap memory](mem_setup.html).\n";
  auto problems = doc_problems(check_doc(parse_doc(doc), "mem_trouble.md", project_scenarios(), nullptr));
  REQUIRE(of_kind(problems, "uncovered").size() == 1);
  auto heading_line = std::count(doc.begin(), doc.end(), '\n') - 2;
  CHECK(of_kind(problems, "uncovered")[0] ==
        fmt::format("uncovered: section 'OutOfMemoryError: GC overhead limit exceeded' (line {}) has no "
                    "scenario", heading_line));
  REQUIRE(of_kind(problems, "untested").size() == 1);
  CHECK(of_kind(problems, "untested")[0].find("You can try to increase the task heap memory.") !=
        std::string::npos);
}

TEST_CASE("a scenario naming a section the guide lacks is an orphan; a claim without words, unquoted") {
  auto scenarios = project_scenarios();
  scenarios[0].doc = "mem_trouble.md#no-such-section";
  scenarios[1].remedies.at(0).quote.clear();
  auto problems = doc_problems(check_doc(parse_doc(guide()), "mem_trouble.md", scenarios, nullptr));
  REQUIRE(of_kind(problems, "orphan").size() == 1);
  CHECK(of_kind(problems, "orphan")[0].starts_with("orphan: scenario " + scenarios[0].id + " ("));
  REQUIRE(of_kind(problems, "unquoted").size() == 1);
}

TEST_CASE("with results: each claim shows its run; a failed run contradicts the guide") {
  auto scenarios = project_scenarios();
  const Scenario& sc = scenarios.at(0);
  SuiteResult results;
  results.flink_version = "1.20.5";
  RunRecord r;
  r.plan.scenario_id = sc.id;
  r.plan.variant = "faulty";
  r.verdict = {Outcome::fail, Symptom::healthy, true, "oom-heap expected, the job finished"};
  results.records.push_back(r);
  DocCheck dc = check_doc(parse_doc(guide()), "mem_trouble.md", scenarios, &results);
  CHECK(dc.flink_version == "1.20.5");
  auto contradicted = of_kind(doc_problems(dc), "contradicted");
  REQUIRE(contradicted.size() == 1);
  CHECK(contradicted[0].starts_with("contradicted: " + sc.id + "/faulty ("));
  CHECK(contradicted[0].ends_with("oom-heap expected, the job finished"));
}
