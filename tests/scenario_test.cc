#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sstream>

#include "harness/app/scenario_files.h"
#include "harness/stages/scenario.h"

using namespace tmfault;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string diagnostics_text(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += format_diagnostic(d) + "\n";
  return out;
}

constexpr const char* kGood = R"(
[scenario]
id = "heap-space"
doc = "mem_trouble.md#outofmemoryerror-java-heap-space"
title = "OutOfMemoryError: Java heap space"
workload = "heap"
workload_args = { retain = "300m", hold = 2 }
timeout = "60s"

[taskmanager]
"taskmanager.memory.process.size" = "1g"
"taskmanager.memory.network.fraction" = 0.1

[expect]
symptom = "oom-heap"

[[remedy]]
name = "increase total memory"
set = { "taskmanager.memory.process.size" = "2g" }

[[remedy]]
name = "increase framework heap memory"
set = { "taskmanager.memory.framework.heap.size" = "512m" }
expect = "oom-heap"
why = "at a fixed process size the JVM heap does not grow"
)";

}  // namespace

TEST_CASE("a good scenario loads with every field") {
  LoadResult r = parse_scenario(kGood, "good.toml");
  INFO(diagnostics_text(r));
  REQUIRE(r.scenarios.size() == 1);
  const Scenario& s = r.scenarios[0];
  CHECK(s.id == "heap-space");
  CHECK(s.timeout.count() == 60'000);
  CHECK(s.workload_args == FlinkOptions{{"retain", "300m"}, {"hold", "2"}});
  CHECK(s.options[1].second == "0.1");
  CHECK(s.expect == Symptom::oom_heap);
  REQUIRE(s.remedies.size() == 2);
  CHECK(s.remedies[1].expect == Symptom::oom_heap);
  CHECK(s.remedies[0].pos.line == 17);
}

TEST_CASE("bad scenarios: every problem reported at once, exactly as in tests/data/bad/*.expected") {
  int files = 0;
  for (const auto& e : fs::directory_iterator(TMFAULT_TEST_DATA "/bad")) {
    if (e.path().extension() != ".toml") continue;
    ++files;
    fs::path rel = fs::path("bad") / e.path().filename();
    LoadResult r = parse_scenario(slurp(e.path()), rel);
    fs::path expected = e.path();
    expected.replace_extension(".expected");
    INFO(e.path().string());
    CHECK(r.scenarios.empty());
    // After an intended change to a message: TMFAULT_UPDATE_GOLDEN=1, then review the diff.
    if (std::getenv("TMFAULT_UPDATE_GOLDEN")) std::ofstream(expected, std::ios::binary) << diagnostics_text(r);
    CHECK(diagnostics_text(r) == slurp(expected));
  }
  CHECK(files >= 5);
}

namespace {

/// kGood with the line starting with `prefix` replaced by `line` (or `line` added to [scenario]).
std::string with_line(std::string_view prefix, std::string_view line) {
  std::string text = kGood;
  std::size_t at = text.find(prefix);
  if (at == std::string::npos) text.insert(text.find("\n[taskmanager]"), "\n" + std::string(line));
  else text.replace(at, text.find('\n', at) - at, line);
  return text;
}

std::string messages(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += d.message + "\n";
  return out;
}

}  // namespace

TEST_CASE("quotes of the guide load verbatim; without them a scenario claims no words") {
  std::string text = kGood;
  text.replace(text.find("symptom = \"oom-heap\"\n"), 20,
               "symptom = \"oom-heap\"\nquote = \"the JVM heap is too small\"\n");
  text.replace(text.find("name = \"increase total memory\"\n"), 31,
               "name = \"increase total memory\"\nquote = \"by increasing total memory\"\n");
  LoadResult r = parse_scenario(text, "q.toml");
  INFO(diagnostics_text(r));
  REQUIRE(r.scenarios.size() == 1);
  const Scenario& s = r.scenarios[0];
  CHECK(s.expect_quote == "the JVM heap is too small");
  REQUIRE(s.remedies.size() == 2);
  CHECK(s.remedies[0].quote == "by increasing total memory");
  CHECK(s.remedies[1].quote.empty());
  LoadResult plain = parse_scenario(kGood, "good.toml");
  REQUIRE(plain.scenarios.size() == 1);
  CHECK(plain.scenarios[0].expect_quote.empty());
}

TEST_CASE("a remedy the guide lacks names the page that gives it, and quotes that page") {
  std::string text = kGood;
  std::string name = "name = \"increase total memory\"\n";
  auto with = [&](const std::string& lines) {
    std::string t = text;
    t.replace(t.find(name), name.size(), name + lines);
    return parse_scenario(t, "s.toml");
  };
  LoadResult good = with("source = \"https://example.org/tuning\"\nquote = \"lower it\"\n");
  INFO(diagnostics_text(good));
  REQUIRE(good.scenarios.size() == 1);
  CHECK(good.scenarios[0].remedies[0].source == "https://example.org/tuning");
  CHECK(good.scenarios[0].remedies[0].quote == "lower it");
  CHECK(messages(with("source = \"https://example.org/tuning\"\n")) ==
        "[[remedy]] #1 comes from https://example.org/tuning: quote its words there (quote = \"...\")\n");
  CHECK(messages(with("source = \"the tuning page\"\nquote = \"lower it\"\n")) ==
        "'source' in [[remedy]] #1 must be the https:// address of the page that gives this remedy (the guide "
        "does not), not 'the tuning page'\n");
}

TEST_CASE("the shipped scenarios quote the guide (or, for a remedy it lacks, the page that gives it)") {
  LoadResult r = load_scenarios({fs::path(TMFAULT_SOURCE_DIR) / "scenarios"});
  REQUIRE(!r.scenarios.empty());
  for (const Scenario& s : r.scenarios) {
    INFO(s.id);
    CHECK(!s.expect_quote.empty());
    for (const Remedy& rem : s.remedies) {
      INFO(rem.name);
      CHECK(!rem.quote.empty());
      CHECK((rem.source.empty() || rem.expect == Symptom::healthy || !rem.why.empty()));
    }
  }
}

TEST_CASE("a zero timeout is an error; huge ones stop where a deadline would overflow") {
  for (const char* zero : {"0s", "0ms", "0min", "0h", " 0 s"}) {
    LoadResult r = parse_scenario(with_line("timeout = ", fmt::format("timeout = \"{}\"", zero)), "t.toml");
    INFO(zero);
    CHECK(r.scenarios.empty());
    CHECK(messages(r) == fmt::format("bad timeout: '{}' must be greater than 0 (omit timeout for the "
                                     "default of 90s)\n",
                                     zero));
  }
  LoadResult one = parse_scenario(with_line("timeout = ", "timeout = \"1ms\""), "t.toml");
  REQUIRE(one.scenarios.size() == 1);
  CHECK(one.scenarios[0].timeout.count() == 1);
  LoadResult most = parse_scenario(with_line("timeout = ", "timeout = \"1281023h\""), "t.toml");
  REQUIRE(most.scenarios.size() == 1);
  CHECK(most.scenarios[0].timeout.count() == 1281023LL * 3'600'000);
  CHECK(messages(parse_scenario(with_line("timeout = ", "timeout = \"1281024h\""), "t.toml")) ==
        "bad timeout: '1281024h' is too long\n");
}

TEST_CASE("a cgroup_limit below 1 MiB is an error that says to omit it") {
  for (const char* tiny : {"0", "0b", "0m", "1b", "4096", "1023k"}) {
    LoadResult r = parse_scenario(with_line("cgroup_limit = ", fmt::format("cgroup_limit = \"{}\"", tiny)), "c.toml");
    INFO(tiny);
    CHECK(r.scenarios.empty());
    CHECK(messages(r) == fmt::format("bad cgroup_limit: '{}' must be at least 1m, as no JVM starts in "
                                     "less (omit cgroup_limit to use Flink's derived total process "
                                     "size)\n",
                                     tiny));
  }
  for (const char* ok : {"1m", "1024k", "8191t"}) {
    LoadResult r = parse_scenario(with_line("cgroup_limit = ", fmt::format("cgroup_limit = \"{}\"", ok)), "c.toml");
    INFO(ok);
    CHECK(r.diagnostics.empty());
  }
}

TEST_CASE("quoted values are escaped onto one line, inert in a terminal") {
  CHECK(quote("12\nparsecs") == "'12\\nparsecs'");
  CHECK(quote("a\tb\rc\x1b[2J\x7f\x01") == "'a\\tb\\rc\\x1b[2J\\x7f\\x01'");
  CHECK(quote("C:\\tmp") == "'C:\\\\tmp'");        // a shown backslash always starts an escape
  CHECK(quote("gr\xC3\xB6\xC3\x9F") == "'gr\xC3\xB6\xC3\x9F'");  // printable UTF-8 kept
  CHECK(quote("\xC2\x9B"
              "2J") == "'\\u009b2J'");     // C1 CSI
  CHECK(quote("\xFF\xC3x") == "'\\xff\\xc3x'");       // not UTF-8
  CHECK(quote("\xC3\xB6\xFF\xE2\x82") == "'\xC3\xB6\\xff\\xe2\\x82'");  // valid kept, bad bytes escaped
  CHECK(quote("\xED\xA0\x80\xC0\xAF") == "'\\xed\\xa0\\x80\\xc0\\xaf'");  // surrogate, overlong
  CHECK(quote(std::string_view("a\0b", 3)) == "'a\\x00b'");
  CHECK(one_line("saw '\\q'\n") == "saw '\\q'\\n");   // backslashes kept as they are
  Diagnostic d{{"dir\n/x.toml", 1, 2}, Severity::error, "raw \x1b[31m"};
  CHECK(format_diagnostic(d) == "dir\\n/x.toml:1:2: error: raw \\x1b[31m");
}

TEST_CASE("diagnostics quoting user text hold no control characters") {
  LoadResult r = parse_scenario(slurp(TMFAULT_TEST_DATA "/bad/control-characters.toml"), "x.toml");
  REQUIRE(r.diagnostics.size() >= 5);
  for (const auto& d : r.diagnostics) {
    INFO(d.message);
    CHECK(std::none_of(d.message.begin(), d.message.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }));
  }
}

TEST_CASE("the shipped scenarios all load cleanly") {
  LoadResult r = load_scenarios({fs::path(TMFAULT_SOURCE_DIR) / "scenarios"});
  INFO(diagnostics_text(r));
  CHECK(r.diagnostics.empty());
  CHECK(!r.scenarios.empty());
}

TEST_CASE("duplicate ids across files are errors") {
  fs::path dir = fs::temp_directory_path() / "tmfault-dup-test";
  fs::create_directories(dir);
  std::ofstream(dir / "a.toml") << kGood;
  std::ofstream(dir / "b.toml") << kGood;
  LoadResult r = load_scenarios({dir});
  fs::remove_all(dir);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].message.find("duplicate scenario id 'heap-space'") == 0);
}

TEST_CASE("slugs are path- and cgroup-safe") {
  CHECK(slugify("increase task heap memory") == "increase-task-heap-memory");
  CHECK(slugify("../../etc/passwd") == "etc-passwd");
  CHECK(slugify("  ") == "remedy");
  CHECK(slugify(std::string(200, 'a')).size() == 64);
}

TEST_CASE("misspelt Flink option keys are warnings with a suggestion, values are not checked") {
  LoadResult r = parse_scenario(R"(
[scenario]
id = "s"
doc = "d"
title = "t"
workload = "heap"

[taskmanager]
"taskmanager.memory.proces.size" = "1g"
"taskmanager.memory.managed.fraction" = "1.5"

[expect]
symptom = "illegal-config"

[[remedy]]
name = "fix"
set = { "taskmanager.memory.managed.fractoin" = "0.4" }
)",
                                "k.toml");
  REQUIRE(r.scenarios.size() == 1);
  std::set<std::string> known{"taskmanager.memory.process.size", "taskmanager.memory.managed.fraction"};
  auto ds = check_option_keys(r.scenarios[0], known, "1.20.5");
  REQUIRE(ds.size() == 2);
  CHECK(format_diagnostic(ds[0]) ==
        "k.toml:9:1: warning: 'taskmanager.memory.proces.size' is not an option of Flink 1.20.5; did "
        "you mean 'taskmanager.memory.process.size'? (Flink ignores unknown keys)");
  CHECK(ds[1].pos.line == 17);
  CHECK(check_option_keys(r.scenarios[0], {}, "1.20.5").empty());  // no key list: no warnings
}

TEST_CASE("option keys in warnings are quoted on one line") {
  LoadResult r = parse_scenario(with_line("[taskmanager]", "[taskmanager]\n\"a\\u001b[2J\\nb\" = 1"), "k.toml");
  REQUIRE(r.scenarios.size() == 1);
  auto ds = check_option_keys(r.scenarios[0],
                              {"taskmanager.memory.process.size", "taskmanager.memory.network.fraction",
                               "taskmanager.memory.framework.heap.size"},
                              "1.20.5");
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message == "'a\\x1b[2J\\nb' is not an option of Flink 1.20.5 (Flink ignores unknown keys)");
}

TEST_CASE("env: the subject's environment variables, from [scenario] and a remedy") {
  LoadResult r = parse_scenario(R"(
[scenario]
id = "s"
doc = "d"
title = "t"
workload = "rocksdb"
env = { MALLOC_ARENA_MAX = 512, _X1 = "a b" }

[taskmanager]
"taskmanager.memory.process.size" = "1g"

[expect]
symptom = "container-killed"

[[remedy]]
name = "fewer malloc arenas"
env = { MALLOC_ARENA_MAX = "2" }
)",
                                "e.toml");
  INFO(messages(r));
  REQUIRE(r.scenarios.size() == 1);
  CHECK(r.diagnostics.empty());
  const Scenario& s = r.scenarios[0];
  CHECK(s.env == FlinkOptions{{"MALLOC_ARENA_MAX", "512"}, {"_X1", "a b"}});
  REQUIRE(s.remedies.size() == 1);
  CHECK(s.remedies[0].env == FlinkOptions{{"MALLOC_ARENA_MAX", "2"}});  // env alone is a change
  CHECK(s.remedies[0].set.empty());
}

TEST_CASE("containerized.*.env.* in the subject's options is a warning that names env instead") {
  LoadResult r = parse_scenario(
      with_line("[taskmanager]", "[taskmanager]\n\"containerized.taskmanager.env.MALLOC_ARENA_MAX\" = 2"), "c.toml");
  REQUIRE(r.scenarios.size() == 1);  // a warning only: Flink would accept the key
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].severity == Severity::warning);
  CHECK(format_diagnostic(r.diagnostics[0]) ==
        "c.toml:11:1: warning: 'containerized.taskmanager.env.MALLOC_ARENA_MAX' in [taskmanager] reaches a process "
        "only where Flink launches its container (YARN, native Kubernetes); the harness starts the process the way a "
        "standalone cluster does, so it stays a config entry: set env = { MALLOC_ARENA_MAX = ... } in [scenario] or "
        "the remedy to give the process that variable");
  LoadResult in_remedy = parse_scenario(
      with_line("set = { \"taskmanager.memory.process.size\" = \"2g\" }",
                "set = { \"taskmanager.memory.process.size\" = \"2g\", \"containerized.master.env.A\" = \"1\" }"),
      "c.toml");
  REQUIRE(in_remedy.diagnostics.size() == 1);
  CHECK(in_remedy.diagnostics[0].message.starts_with("'containerized.master.env.A' in [[remedy]] #1 set reaches"));
  CHECK(parse_scenario(with_line("[taskmanager]", "[taskmanager]\n\"containerized.taskmanager.env.\" = 2"), "c.toml")
            .diagnostics.empty());  // no variable named: not the prefix option
}
