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

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string guide() { return read(kRoot / "docs/mem_trouble.md"); }
std::string guide_1_10() { return read(kRoot / "docs/mem_trouble-1.10.md"); }

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

/// "TaskManager: text" / "JobManager: text" / "either: text", one per unit.
std::vector<std::string> units(const DocSection& s) {
  std::vector<std::string> out;
  for (const DocAdvice& a : s.advice)
    out.push_back(fmt::format("{}: {}", a.process ? role_name(*a.process) : "either", a.text));
  return out;
}

std::vector<std::string> units_of(std::string_view markdown) {
  auto sections = parse_doc(markdown);
  REQUIRE(sections.size() == 1);
  return units(sections[0]);
}

/// A scenario written in code: a symptom quote and remedies {name, quote}.
Scenario scenario(const std::string& id, Role subject, const std::string& anchor, std::string symptom,
                  const std::vector<std::pair<std::string, std::string>>& remedies) {
  Scenario sc;
  sc.id = id;
  sc.subject = subject;
  sc.doc = "guide.md#" + anchor;
  sc.file = "scenarios/" + id + ".toml";
  sc.expect_quote = std::move(symptom);
  int line = 10;
  for (auto& [name, quote] : remedies) {
    Remedy r;
    r.name = name;
    r.quote = quote;
    r.pos = {sc.file, line++, 1};
    sc.remedies.push_back(std::move(r));
  }
  return sc;
}

std::vector<std::string> problems_of(std::string_view markdown, const std::vector<Scenario>& scenarios) {
  return doc_problems(check_doc(parse_doc(markdown), "guide.md", scenarios, nullptr));
}

}  // namespace

TEST_CASE("plain_text keeps what a reader sees") {
  CHECK(plain_text("by increasing [total memory](mem_setup.html#configure-total-memory) or\n  more") ==
        "by increasing total memory or more");
  CHECK(plain_text("an *IllegalConfigurationException* thrown, **bold** _it_ ~~gone~~") ==
        "an IllegalConfigurationException thrown, bold it gone");
  CHECK(plain_text("<span class=\"label label-info\">Note</span> You can") == "Note You can");
  CHECK(plain_text("* [`taskmanager.memory.network.min`](../config.html#x)") == "taskmanager.memory.network.min");
  CHECK(plain_text("a <!-- hidden\n comment --> b") == "a b");
  CHECK(plain_text("[not a link] (x)") == "[not a link] (x)");
  CHECK(plain_text("mem_setup_tm stays, `a*b_c` stays, 1 < 2 stays, \\*escaped\\*") ==
        "mem_setup_tm stays, a*b_c stays, 1 < 2 stays, *escaped*");
  CHECK(plain_text("![a diagram](x.svg) and <https://flink.apache.org> &amp; [t](u(v)w) done") ==
        "a diagram and https://flink.apache.org & t done");
}

TEST_CASE("every Hugo shortcode form (and Liquid's, kramdown's) is gone, in text and in link targets") {
  for (std::string form :
       {"{{< x >}}", "{{<x>}}", "{{< x arg=\"1\" >}}", "{{< x \"a b\" 2 >}}", "{{< /x >}}", "{{</x>}}", "{{< x />}}",
        "{{% x %}}", "{{%x%}}", "{{% x \"a\" k=v %}}", "{{% /x %}}", "{{< x\n  a=\"1\"\n>}}", "{{< ref \"docs/a\" >}}",
        "{{% relref \"docs/a\" %}}", "{% x %}", "{% link a.md %}", "{{ site.baseurl }}", "{:toc}", "{: .note}"}) {
    std::string text = plain_text("[t](" + form + "#y) a " + form + " b");
    INFO(form);
    CHECK((text == "t a b" || text == "t a docs/a b" || text == "t a a.md b"));
  }
  std::string hint = "{{< hint info >}}\nYou can also increase the *framework heap*.\n{{< /hint >}}";
  CHECK(plain_text(hint) == "You can also increase the framework heap.");
  MarkedText link = render_inline(
      strip_page_markup("[task heap]({{< ref \"docs/deployment/memory/mem_setup_tm\" >}}#x)"));
  REQUIRE(link.marks.size() == 1);
  CHECK(link.marks[0].target == "docs/deployment/memory/mem_setup_tm#x");
  for (const DocSection& s : parse_doc(guide())) {
    INFO(s.title);
    for (std::string_view mark : {"{{", "}}", "{%", "%}", "<", ">", "](", "`", "*"})
      CHECK(s.text.find(mark) == std::string::npos);
  }
}

TEST_CASE("heading ids are kramdown's and Hugo's; an explicit {#id} wins") {
  CHECK(heading_id("OutOfMemoryError: Java heap space") == "outofmemoryerror-java-heap-space");
  CHECK(heading_id("IOException: Insufficient number of network buffers") ==
        "ioexception-insufficient-number-of-network-buffers");
  CHECK(heading_id("Container Memory Exceeded") == "container-memory-exceeded");
  auto sections = parse_doc("## Some *Title* {#custom}\n\ntext\n");
  REQUIRE(sections.size() == 1);
  CHECK(sections[0].title == "Some Title");
  CHECK(sections[0].anchor == "custom");
}

TEST_CASE("sections: front matter, comments and code fences hide no heading and shift no line") {
  std::string md = "+++\ntitle = \"x\"\n+++\n<!--\n## not a section\n-->\n## One\n\n```bash\n## not either\n```\n"
                   "{{< hint warning >}}\nincrease it\n{{< /hint >}}\n## Two\n";
  auto sections = parse_doc(md);
  REQUIRE(sections.size() == 2);
  CHECK(sections[0].title == "One");
  CHECK(sections[0].line == 7);
  CHECK(sections[0].text == "## not either increase it");
  CHECK(sections[1].line == 15);
}

TEST_CASE("the guide as users read it: six sections, their lines, and the units of advice in each") {
  auto sections = parse_doc(guide());
  REQUIRE(sections.size() == 6);
  std::vector<int> lines;
  for (const auto& s : sections) lines.push_back(s.line);
  CHECK(lines == std::vector<int>{30, 37, 49, 57, 63, 73});
  CHECK(sections[0].text.find("(e.g. negative memory size, fraction that is greater than 1, etc.)") !=
        std::string::npos);
  CHECK(units(sections[0]) ==
        std::vector<std::string>{"either: Check the documentation chapters or configuration options related to the "
                                 "memory components mentioned in the exception message."});
  CHECK(units(sections[1]) ==
        std::vector<std::string>{
            "either: You can try to increase the JVM Heap size by increasing total memory.",
            "TaskManager: You can also directly increase task heap memory for TaskManagers.",
            "JobManager: You can also directly increase JVM Heap memory for JobManagers.",
            "TaskManager: You can also increase the framework heap memory for TaskManagers, but you should only "
            "change this option if you are sure the Flink framework itself needs more memory."});
  CHECK(units(sections[2]) ==
        std::vector<std::string>{"either: Check whether user code or other external dependencies use the JVM direct "
                                 "memory and that it is properly accounted for.",
                                 "either: You can try to increase its limit by adjusting direct off-heap memory."});
  CHECK(units(sections[3]) ==
        std::vector<std::string>{"TaskManager: You can try to increase the JVM metaspace option for TaskManagers.",
                                 "JobManager: You can try to increase the JVM metaspace option for JobManagers."});
  CHECK(units(sections[4]) == std::vector<std::string>{"TaskManager: taskmanager.memory.network.min",
                                                       "TaskManager: taskmanager.memory.network.max",
                                                       "TaskManager: taskmanager.memory.network.fraction"});
  CHECK(units(sections[5]) ==
        std::vector<std::string>{
            "JobManager: If you encounter this problem in the JobManager process, you can also enable the JVM Direct "
            "Memory limit by setting the jobmanager.memory.enable-jvm-direct-memory-limit option to exclude possible "
            "JVM Direct Memory leak.",
            "TaskManager: If RocksDBStateBackend is used, and the memory controlling is disabled, you can try to "
            "increase the TaskManager's managed memory.",
            "either: Alternatively, you can increase the JVM Overhead."});
  // A split unit's own words are its part, not the shared stem.
  const DocAdvice& jm = sections[1].advice[2];
  CHECK(sections[1].text.substr(jm.begin, jm.end - jm.begin) == "JVM Heap memory for JobManagers");
}

TEST_CASE("the 1.10 guide (Jekyll): six sections, advice for the TaskManager or either") {
  auto sections = parse_doc(guide_1_10());
  REQUIRE(sections.size() == 6);
  CHECK(sections[0].line == 28);
  std::vector<std::size_t> counts;
  for (const auto& s : sections) counts.push_back(s.advice.size());
  CHECK(counts == std::vector<std::size_t>{1, 2, 2, 1, 3, 2});
  CHECK(units(sections[1])[0] ==
        "either: You can try to increase the JVM heap size by increasing total memory or task heap memory.");
  CHECK(units(sections[3]) ==
        std::vector<std::string>{"TaskManager: You can try to increase the JVM metaspace option."});
}

TEST_CASE("advice: a suggesting verb anywhere, or an option's name; not a noun, a topic or a comparison") {
  CHECK(units_of("## S\n\nTo avoid it, raise the limit. It is fine. The fix is setting `x` higher.\n") ==
        std::vector<std::string>{"either: To avoid it, raise the limit.", "either: The fix is setting x higher."});
  for (std::string_view verb : {"increase", "adjust", "enable", "set", "raise", "lower", "reduce", "decrease",
                                "configure", "disable", "check", "Increasing", "Disabling"}) {
    INFO(verb);
    CHECK(units_of(fmt::format("## S\n\nThen {} the pool.\n", verb)).size() == 1);
  }
  CHECK(units_of("## S\n\nThe setting is read once. See also how to configure it. A lower bound is lower than 1. "
                 "An increase of memory is an option. It is configured too small.\n")
            .empty());
  CHECK(units_of("## S\n\nThe default of `state.backend.rocksdb.memory.managed` is true. `TaskManagerRunner` "
                 "starts.\n") ==
        std::vector<std::string>{"either: The default of state.backend.rocksdb.memory.managed is true."});
  CHECK(units_of("## S\n\nYou can adjust these:\n\n* [`a.b`](x)\n1. `c.d` for the JobManager\n\nThe pools are:\n"
                 "* heap\n* direct\n") ==
        std::vector<std::string>{"either: a.b", "JobManager: c.d for the JobManager"});
}

TEST_CASE("process: named by words, keys and links; a sentence for both splits into one unit each") {
  CHECK(units_of("## S\n\nIncrease the TaskManager's heap. Increase `jobmanager.memory.heap.size`. Increase "
                 "[it](../config.html#taskmanager-memory-x). Increase [it]({{< ref \"docs/mem_setup_jobmanager\" "
                 ">}}#y). Check JobManagerProcessUtils. Set it on each task executor.\n") ==
        std::vector<std::string>{"TaskManager: Increase the TaskManager's heap.",
                                 "JobManager: Increase jobmanager.memory.heap.size.", "TaskManager: Increase it.",
                                 "JobManager: Increase it.", "either: Check JobManagerProcessUtils.",
                                 "TaskManager: Set it on each task executor."});
  CHECK(units_of("## S\n\nYou can raise the option for TaskManagers, JobManagers and TaskManagers.\n") ==
        std::vector<std::string>{"TaskManager: You can raise the option for TaskManagers.",
                                 "JobManager: You can raise the option for JobManagers.",
                                 "TaskManager: You can raise the option for TaskManagers."});
  CHECK(units_of("## S\n\nFor TaskManagers, increase x, and for JobManagers, increase y.\n") ==
        std::vector<std::string>{"TaskManager: For TaskManagers, increase x.",
                                 "JobManager: for JobManagers, increase y."});
  CHECK(units_of("## S\n\nIncrease the TaskManager/JobManager heap.\n") ==
        std::vector<std::string>{"TaskManager: Increase the TaskManager/JobManager heap.",
                                 "JobManager: Increase the TaskManager/JobManager heap."});
}

TEST_CASE("advice for one process is tested only by a scenario on that process") {
  std::string md = "## Heap\n\nThe heap is too small. You can also directly increase [task heap](mem_setup_tm) for "
                   "TaskManagers or [JVM Heap]({{< ref \"mem_setup_jobmanager\" >}}) for JobManagers.\n";
  std::string sentence = "You can also directly increase task heap for TaskManagers or JVM Heap for JobManagers.";
  auto tm = scenario("tm", Role::taskmanager, "heap", "The heap is too small.", {{"task heap", sentence}});
  auto problems = problems_of(md, {tm});
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == "untested: section 'Heap' advises 'You can also directly increase JVM Heap for JobManagers.' "
                       "for the JobManager, no remedy of a JobManager scenario quotes it");
  auto jm = scenario("jm", Role::jobmanager, "heap", "the heap is too small",
                     {{"jvm heap", "JVM Heap for JobManagers"}});
  CHECK(problems_of(md, {tm, jm}).empty());
  auto jm_wrong = scenario("jm", Role::jobmanager, "heap", "the heap", {{"task heap", "task heap for TaskManagers"}});
  CHECK(of_kind(problems_of(md, {tm, jm_wrong}), "untested").size() == 1);
}

TEST_CASE("quotes match whatever the case and spacing") {
  std::string md = "## S\n\nThe *JVM heap*\nis too   small. Increase it.\n";
  auto sc = scenario("s", Role::taskmanager, "s", "the jvm HEAP is\n too small.", {{"more", "INCREASE  it."}});
  CHECK(problems_of(md, {sc}).empty());
}

namespace {

/// A made-up guide of two sections, in kramdown (1.10's Jekyll) or Hugo syntax.
std::string made_up_guide(bool hugo, std::string_view extra_heap = "", std::string_view extra_section = "") {
  std::string link = hugo ? "({{< ref \"docs/deployment/memory/mem_setup\" >}}#total)" : "(mem_setup.html#total)";
  std::string front = hugo ? "---\ntitle: \"Troubleshooting\"\nweight: 6\n---\n"
                           : "---\ntitle: Troubleshooting\n---\n\n* toc\n{:toc}\n";
  std::string note = hugo ? "{{< hint info >}}\nYou can also adjust the *pool*.\n{{< /hint >}}\n"
                          : "<span class=\"label label-info\">Note</span> You can also adjust the *pool*.\n";
  return front +
         "<!-- licence -->\n\n## OutOfMemoryError: Heap\n\nThe heap is too small. You can try to increase "
         "the [total memory]" +
         link + ".\n" + std::string(extra_heap) + "\n" + note +
         "\n## Buffers\n\nThe buffers are too few. Adjust these:\n* [`taskmanager.memory.network.max`]" + link + "\n" +
         std::string(extra_section);
}

std::vector<Scenario> made_up_scenarios() {
  return {scenario("heap", Role::taskmanager, "outofmemoryerror-heap", "The heap is too small.",
                   {{"total", "You can try to increase the total memory."}, {"pool", "You can also adjust the pool."}}),
          scenario("buffers", Role::taskmanager, "buffers", "The buffers are too few.",
                   {{"max", "taskmanager.memory.network.max"}})};
}

}  // namespace

TEST_CASE("a guide doc-check was not built on, in Jekyll and in Hugo syntax") {
  for (bool hugo : {false, true}) {
    INFO((hugo ? "Hugo" : "Jekyll"));
    CHECK(problems_of(made_up_guide(hugo), made_up_scenarios()).empty());

    // Reworded: the claim on the old words is stale, the new words untested.
    std::string reworded = replaced(made_up_guide(hugo), "You can try to increase the", "Try raising the");
    auto problems = problems_of(reworded, made_up_scenarios());
    REQUIRE(of_kind(problems, "stale").size() == 1);
    CHECK(of_kind(problems, "stale")[0] ==
          "stale: heap/total (scenarios/heap.toml:10:1): 'You can try to increase the total memory.' is no longer "
          "in section 'OutOfMemoryError: Heap'");
    CHECK(of_kind(problems, "untested") ==
          std::vector<std::string>{"untested: section 'OutOfMemoryError: Heap' advises 'Try raising the total "
                                   "memory.', no remedy quotes it"});

    // A new sentence of advice, for the JobManager: untested, and said whose it is.
    problems = problems_of(made_up_guide(hugo, "Check `jobmanager.memory.heap.size` too.\n"), made_up_scenarios());
    CHECK(problems == std::vector<std::string>{"untested: section 'OutOfMemoryError: Heap' advises 'Check "
                                               "jobmanager.memory.heap.size too.' for the JobManager, no remedy of a "
                                               "JobManager scenario quotes it"});

    // A new section: uncovered, its advice untested.
    std::string with_section = made_up_guide(hugo, "", "\n## OutOfMemoryError: GC overhead\n\nIncrease the heap.\n");
    problems = problems_of(with_section, made_up_scenarios());
    auto heading_line = std::count(with_section.begin(), with_section.end(), '\n') - 2;
    CHECK(problems ==
          std::vector<std::string>{
              fmt::format("uncovered: section 'OutOfMemoryError: GC overhead' (line {}) has no scenario", heading_line),
              "untested: section 'OutOfMemoryError: GC overhead' advises 'Increase the heap.', no remedy "
              "quotes it"});
  }
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

TEST_CASE("the project's scenarios against the 1.10 text: what changed is stale or untested, nothing else") {
  auto problems = doc_problems(check_doc(parse_doc(guide_1_10()), "mem_trouble-1.10.md", project_scenarios(), nullptr));
  CHECK_FALSE(of_kind(problems, "stale").empty());
  CHECK(of_kind(problems, "stale").size() + of_kind(problems, "untested").size() == problems.size());
  CHECK(std::count(problems.begin(), problems.end(),
                   "untested: section 'OutOfMemoryError: Metaspace' advises 'You can try to increase the JVM metaspace "
                   "option.' for the TaskManager, no remedy of a TaskManager scenario quotes it") == 1);
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
