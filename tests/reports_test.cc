// Reports: reading results.json back, golden renderings of a fixed suite, hostile-text escaping.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "reports/cells.h"
#include "reports/escape.h"
#include "reports/reports.h"
#include "reports/svg.h"

using namespace tmfault;
using namespace tmfault::reports;
namespace fs = std::filesystem;

namespace {

const fs::path kGolden = fs::path(TMFAULT_TEST_DATA) / "golden";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A suite with every field set (valid UTF-8), two scenarios, each kind of outcome.
SuiteResult full_suite() {
  RunRecord faulty;
  VariantPlan& p = faulty.plan;
  p = {"heap-space",
       "mem_trouble.md#heap",
       "OutOfMemoryError: Java heap space",
       "faulty",
       "faulty run",
       VariantKind::faulty,
       Role::taskmanager,
       {{"taskmanager.memory.process.size", "1g"}, {"a.b", "c"}},
       {},
       Symptom::oom_heap,
       {"Java heap space"},
       "",
       "The exception usually indicates that the JVM heap is too small.",
       "",
       "heap",
       "org.tmfault.workloads.Heap",
       {"--retain", "256m"},
       1 << 30,
       Millis(90'000)};
  Observation& o = faulty.observation;
  o.derive_ok = true;
  o.memory = MemoryBreakdown{Role::taskmanager, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, {"-Xmx3"}, {"-D", "x=1b"}};
  o.cgroup_limit_bytes = 1 << 30;
  o.tm_started = true;
  o.tm_exit = ExitStatus{true, 9};
  o.jm_exit = ExitStatus{false, 1};
  o.oom_kills = 2;
  o.peak_bytes = 999;
  o.hits = {{Symptom::oom_heap, "tm", "java.lang.OutOfMemoryError: Java heap space", Millis(1500)}};
  o.job_state = "FAILED";
  o.job_failure = "Caused by: java.lang.OutOfMemoryError: Java heap space\n\tat x.y(Z.java:1)";
  o.timed_out = true;
  o.timings = {Millis(1),    Millis(2),    Millis(3),    Millis(4),   std::nullopt,
               Millis(1500), Millis(2000), std::nullopt, std::nullopt};
  o.samples = {{Millis(0), 10}, {Millis(500), 1 << 29}, {Millis(1000), 1 << 30}};
  o.ports = {{"rest.port", "8081"}, {"jobmanager.rpc.port", "6123"}};
  faulty.verdict = {Outcome::pass, Symptom::oom_heap, true, "tm log: java.lang.OutOfMemoryError: Java heap space"};
  faulty.reproduce = "tmfault run scenarios/heap-space.toml --only heap-space/faulty";
  faulty.dir = "out/x/heap-space/faulty";

  RunRecord remedy = faulty;
  remedy.plan.variant = "more-heap";
  remedy.plan.name = "increase task heap";
  remedy.plan.kind = VariantKind::remedy;
  remedy.plan.changed = {{"taskmanager.memory.task.heap.size", "512m"}, {"taskmanager.memory.process.size", "(unset)"}};
  remedy.plan.expect = Symptom::healthy;
  remedy.plan.env = {{"MALLOC_ARENA_MAX", "2"}};
  remedy.verdict = {Outcome::fail, Symptom::oom_heap, true, "expected healthy, saw oom-heap: tm log: ..."};

  RunRecord error;
  error.plan.scenario_id = "metaspace";
  error.plan.variant = "faulty";
  error.plan.expect = Symptom::oom_metaspace;
  error.observation.harness_error = "cannot create cgroup";
  error.observation.derive_output = "derive log";
  error.verdict = {Outcome::error, Symptom::healthy, false, "cannot create cgroup"};
  return {"2026-01-01T00:00:00Z", "1.20.5", "0.1.0", {"v1", 0, true}, Millis(4321), true, {faulty, remedy, error}};
}

/// A record whose every text field is hostile: control characters, invalid UTF-8, markup.
SuiteResult hostile_suite() {
  const std::string evil =
      "a\x1b[31mred\x1b[0m \x01\x07\x7f <script>alert(1)</script> ]]> & \"q\" 'q' \xC3\x28 \xFF\xFE \xED\xA0\x80 "
      "\xE2\x82 <![CDATA[x]]> \xC2\x85 end";
  SuiteResult s = full_suite();
  for (RunRecord& r : s.records) {
    r.plan.title = r.plan.name = r.plan.why = r.plan.doc = evil;
    r.plan.changed = {{evil, evil}};
    r.observation.hits = {{Symptom::oom_heap, evil, evil, Millis(5)}};
    r.observation.job_failure = r.observation.derive_output = r.observation.harness_error = evil;
    r.verdict.reason = r.reproduce = evil;
    r.dir = evil;
  }
  s.flink_version = evil;
  return s;
}

bool has_forbidden_control(std::string_view s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f) return true;
  return s.find("\xC2\x85") != std::string_view::npos || s.find("\xEF\xBF\xBE") != std::string_view::npos;
}

void check_inert_markup(const std::string& out) {
  CHECK(is_valid_utf8(out));
  CHECK_FALSE(has_forbidden_control(out));
  CHECK(out.find("<script") == std::string::npos);
  CHECK(out.find("]]>") == std::string::npos);
  CHECK(out.find("<![CDATA[") == std::string::npos);
  CHECK(out.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(out.find("]]&gt;") != std::string::npos);
}

/// Golden files are compared byte for byte; TMFAULT_UPDATE_GOLDEN=1 rewrites them.
void check_golden(const std::string& name, const std::string& actual) {
  fs::path file = kGolden / name;
  if (std::getenv("TMFAULT_UPDATE_GOLDEN")) std::ofstream(file, std::ios::binary) << actual;
  INFO("golden file " << file.string() << " (TMFAULT_UPDATE_GOLDEN=1 rewrites it)");
  REQUIRE(fs::exists(file));
  CHECK(slurp(file) == actual);
}

}  // namespace

TEST_CASE("valid_utf8 replaces each maximal invalid subsequence by one U+FFFD") {
  const std::string r = "\xEF\xBF\xBD";
  CHECK(valid_utf8("plain é \xF0\x9F\x98\x80") == "plain é \xF0\x9F\x98\x80");
  CHECK(valid_utf8("\xC3\x28") == r + "(");
  CHECK(valid_utf8("x\xE2\x82") == "x" + r);               // truncated at the end
  CHECK(valid_utf8("\xE2\x82x") == r + "x");               // truncated in the middle
  CHECK(valid_utf8("\xC0\xAF") == r + r);                  // overlong
  CHECK(valid_utf8("\xED\xA0\x80") == r + r + r);          // a surrogate
  CHECK(valid_utf8("\xF4\x90\x80\x80") == r + r + r + r);  // above U+10FFFF
  CHECK(valid_utf8("\xFF") == r);
  CHECK(is_valid_utf8("ok \xE2\x82\xAC"));
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));
}

TEST_CASE("printable_text drops what XML, HTML or a terminal would choke on") {
  const std::string r = "\xEF\xBF\xBD";
  CHECK(printable_text("tab\tnl\ncr\r") == "tab\tnl\ncr\r");
  CHECK(printable_text("\x1b[31m") == r + "[31m");
  CHECK(printable_text(std::string("a\0b", 3)) == "a" + r + "b");
  CHECK(printable_text("\x7f \xC2\x85 \xEF\xBF\xBE") == r + " " + r + " " + r);
  CHECK(printable_text("caf\xC3\xA9") == "caf\xC3\xA9");
}

TEST_CASE("xml_text and xml_attr make markup inert without CDATA") {
  CHECK(xml_text("]]>") == "]]&gt;");
  CHECK(xml_text("<script>a&b</script>") == "&lt;script&gt;a&amp;b&lt;/script&gt;");
  CHECK(xml_attr("\"x\" 'y'\n\tz") == "&quot;x&quot; &#39;y&#39;&#10;&#9;z");
}

TEST_CASE("suite_from_json inverts suite_json: same JSON, same rendering in every format") {
  SuiteResult x = full_suite();
  std::string json = suite_json(x);
  SuiteResult y = suite_from_json(json);
  CHECK(suite_json(y) == json);
  for (Format f : {Format::text, Format::junit, Format::html}) CHECK(render(y, f) == render(x, f));
  CHECK(text_report(y, true) == text_report(x, true));
  REQUIRE(y.records.size() == 3);
  CHECK(y.records[0].plan.expect_mentions == std::vector<std::string>{"Java heap space"});
  CHECK(y.records[0].plan.options == x.records[0].plan.options);  // order kept
  CHECK(y.records[0].plan.env.empty());
  CHECK(json.find("\"env\"") != std::string::npos);  // written only where set
  CHECK(y.records[1].plan.env == FlinkOptions{{"MALLOC_ARENA_MAX", "2"}});
  CHECK(y.records[0].observation.tm_exit->signaled);
  CHECK_FALSE(y.records[2].verdict.observed_known);
  CHECK(y.interrupted);
}

TEST_CASE("suite_from_json rejects foreign input with a clear error") {
  CHECK_THROWS_WITH(suite_from_json("{"), Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(suite_from_json("[]"), Catch::Contains("not a tmfault results file"));
  CHECK_THROWS_WITH(suite_from_json(R"({"format": "tmfault-suite/2"})"),
                    Catch::Contains("unknown results format \"tmfault-suite/2\"") &&
                        Catch::Contains("reads 'tmfault-suite/1'"));
  std::string json = suite_json(full_suite());
  std::string bad_kind = json;
  bad_kind.replace(bad_kind.find("\"kind\": \"faulty\""), 16, "\"kind\": \"weird\"");
  CHECK_THROWS_WITH(suite_from_json(bad_kind), Catch::Contains("records[0].plan.kind: unknown variant kind 'weird'"));
  std::string no_reason = json;
  no_reason.replace(no_reason.find("\"reason\""), 8, "\"reasom\"");
  CHECK_THROWS_WITH(suite_from_json(no_reason), Catch::Contains("records[0].verdict: missing key 'reason'"));
  std::string typed = json;
  typed.replace(typed.find("\"wall_ms\": 4321"), 15, "\"wall_ms\": \"4\"");
  CHECK_THROWS_WITH(suite_from_json(typed), Catch::Contains("wall_ms: expected an integer, got string"));
}

TEST_CASE("results files written before expect_mentions existed still read") {
  std::string json = suite_json(full_suite());
  std::size_t at = json.find("\"expect_mentions\"");
  json.erase(at, json.find('\n', json.find(']', at)) - at + 1);
  CHECK(suite_from_json(json).records[0].plan.expect_mentions.empty());
}

TEST_CASE("hostile text is inert in JUnit XML and HTML") {
  SuiteResult s = hostile_suite();
  std::string junit = junit_xml(s), html = html_page(s);
  check_inert_markup(junit);
  check_inert_markup(html);
  CHECK(html.find("Content-Security-Policy") != std::string::npos);
  // tests/junit_schema_test.sh and html_render_test.sh feed these to xmllint and chromium
  if (const char* dir = std::getenv("TMFAULT_HOSTILE_OUT")) {
    std::ofstream(fs::path(dir) / "hostile.junit.xml", std::ios::binary) << junit;
    std::ofstream(fs::path(dir) / "hostile.html", std::ios::binary) << html;
  }
}

TEST_CASE("hostile text reaches neither the terminal nor JSON raw") {
  SuiteResult s = hostile_suite();
  std::string text = text_report(s, false);
  CHECK(is_valid_utf8(text));
  CHECK_FALSE(has_forbidden_control(text));
  std::string json = suite_json(s);
  CHECK(is_valid_utf8(json));
  SuiteResult back = suite_from_json(json);
  CHECK(suite_json(back) == json);
  CHECK(render(suite_from_json(json), Format::html) == render(back, Format::html));
}

TEST_CASE("format names") {
  CHECK(format_from_name("html") == Format::html);
  CHECK(format_from_name("junit") == Format::junit);
  CHECK_FALSE(format_from_name("xml"));
}

TEST_CASE("golden: a real stored suite renders exactly as recorded") {
  std::string input = slurp(kGolden / "results.json");
  SuiteResult s = suite_from_json(input);
  REQUIRE(s.records.size() == 13);
  CHECK(suite_json(s) == input);  // the golden input is itself canonical
  check_golden("report.txt", render(s, Format::text));
  check_golden("report.junit.xml", render(s, Format::junit));
  check_golden("report.html", render(s, Format::html));
}

TEST_CASE("an empty suite renders in every format") {
  SuiteResult s;
  s.flink_version = "1.20.5";
  for (Format f : {Format::text, Format::json, Format::junit, Format::html}) CHECK_FALSE(render(s, f).empty());
  CHECK(suite_from_json(suite_json(s)).records.empty());
  CHECK(junit_xml(s).find("tests=\"0\"") != std::string::npos);
}

TEST_CASE("the pools at the symptom: the last sample before it, its age, the peak, GC over ~2 s") {
  Observation o;
  auto sample = [](long ms, std::uint64_t heap_mib, std::uint64_t gc_ms) {
    PoolSample s;
    s.at = Millis(ms);
    s.heap_used = heap_mib << 20;
    s.heap_max = 1128ull << 20;
    s.network_segments_available = 10;
    s.network_segments_total = 64;
    s.gc_time_ms = gc_ms;
    return s;
  };
  o.usage = {sample(1000, 200, 0), sample(3000, 1125, 500), sample(5000, 1120, 2400), sample(9000, 50, 2500)};
  o.hits.push_back({Symptom::oom_heap, "tm", "java.lang.OutOfMemoryError: Java heap space", Millis(5300)});
  CHECK(pools_line(o) == "heap 1120/1128 MiB (peak 1125), network 54/64 buffers, GC 95% of the last 2.0s; "
                         "received 0.3s before the symptom");
  auto series = pool_series(o);
  REQUIRE(series.size() == 2);
  CHECK(series[0].name == "heap");
  CHECK(series[0].max == 1128);
  CHECK(series[0].used.size() == 4);
  std::string svg = pools_svg(o, "pools");
  CHECK(svg.find("heap 50/1128 MiB") != std::string::npos);
  CHECK(pools_svg(Observation{}, "none").empty());
  o.hits.clear();
  o.timings.total = Millis(500);  // before the first sample: nothing to say
  CHECK(pools_line(o).empty());
}
