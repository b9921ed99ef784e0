// Inputs the fuzz targets (tests/fuzz/) once broke, replayed through the same checks.
// tests/data/fuzz-regressions/<target>-<what>: <target> is scenario, size or bash_java_utils.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fuzz/checks.h"

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string check(const std::string& name, const std::string& input) {
  if (name.starts_with("scenario-")) return tmfault::fuzz::check_scenario(input);
  if (name.starts_with("size-")) return tmfault::fuzz::check_size(input);
  if (name.starts_with("bash_java_utils-")) return tmfault::fuzz::check_bash_java_utils(input);
  if (name.starts_with("user_conf-")) return tmfault::fuzz::check_user_conf(input);
  return "no fuzz target named by '" + name + "'";
}

}  // namespace

TEST_CASE("inputs found by fuzzing keep their contracts") {
  int files = 0;
  for (const auto& e : fs::directory_iterator(TMFAULT_TEST_DATA "/fuzz-regressions")) {
    ++files;
    std::string name = e.path().filename().string();
    INFO(name);
    CHECK(check(name, slurp(e.path())) == "");
  }
  CHECK(files >= 1);
}

TEST_CASE("the fuzzers' seeds keep their contracts (what ci/fuzz starts from, without libFuzzer)") {
  const fs::path root = TMFAULT_SOURCE_DIR;
  std::map<std::string, std::vector<fs::path>> seeds{
      {"scenario", {root / "tests/fuzz/corpus/scenario", root / "scenarios", root / "tests/data/bad"}},
      {"size", {root / "tests/fuzz/corpus/size"}},
      {"bash_java_utils", {root / "tests/fuzz/corpus/bash_java_utils"}},
      {"user_conf", {root / "tests/fuzz/corpus/user_conf"}}};
  int files = 0;
  for (const auto& [target, dirs] : seeds)
    for (const fs::path& dir : dirs)
      for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        ++files;
        INFO(target << " seed " << e.path().string());
        CHECK(check(target + "-", slurp(e.path())) == "");
      }
  CHECK(files >= 20);
}

TEST_CASE("durations are bounded so that now() + timeout cannot overflow") {
  CHECK(tmfault::parse_duration("1281023h").value);
  CHECK(tmfault::parse_duration("1281024h").error == "'1281024h' is too long");
  CHECK(tmfault::parse_duration("2562047h").error == "'2562047h' is too long");
  CHECK(tmfault::parse_duration("4611686018427ms").value);
  CHECK_FALSE(tmfault::parse_duration("4611686018428ms").value);
}
