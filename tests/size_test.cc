#include <catch2/catch.hpp>

#include "harness/stages/size.h"

using namespace tmfault;

TEST_CASE("sizes parse like Flink's MemorySize") {
  CHECK(*parse_size("512m").value == 512ULL << 20);
  CHECK(*parse_size("1g").value == 1ULL << 30);
  CHECK(*parse_size("64 mb").value == 64ULL << 20);
  CHECK(*parse_size("1728M").value == 1728ULL << 20);
  CHECK(*parse_size("100").value == 100);
  CHECK(*parse_size("32kb").value == 32768);
  CHECK(*parse_size("2 gibibytes").value == 2ULL << 30);
  CHECK(*parse_size("  7b ").value == 7);
}

TEST_CASE("bad sizes say why, quoting the input") {
  CHECK(parse_size("").error == "empty value");
  CHECK(parse_size("-1m").error == "'-1m' does not start with a number");
  CHECK(parse_size("1.5g").error.find("unknown size unit '.5g'") != std::string::npos);
  CHECK(parse_size("12 parsecs").error.find("unknown size unit 'parsecs'") != std::string::npos);
  CHECK(parse_size("99999999999999999999999g").error.find("too large") != std::string::npos);
  CHECK(parse_size("9000000000t").error.find("too large") != std::string::npos);
  CHECK_FALSE(parse_size("1e99g").value);
}

TEST_CASE("bad sizes and durations quote the input on one line") {
  CHECK(parse_duration("12\nparsecs").error ==
        "unknown duration unit 'parsecs' in '12\\nparsecs' (use ms, s, min or h, e.g. \"90s\")");
  CHECK(parse_size("1\x1b[2Jg").error ==
        "unknown size unit '\\x1b[2Jg' in '1\\x1b[2Jg' (use b, k, m, g or t, e.g. \"512m\")");
  CHECK(parse_size("\t-1").error == "'\\t-1' does not start with a number");
}

TEST_CASE("durations") {
  CHECK(parse_duration("90s").value->count() == 90'000);
  CHECK(parse_duration("1500ms").value->count() == 1500);
  CHECK(parse_duration("2min").value->count() == 120'000);
  CHECK_FALSE(parse_duration("90").value);
  CHECK_FALSE(parse_duration("soon").value);
  CHECK(parse_duration("0s").value->count() == 0);  // a zero timeout is the scenario's to refuse
  CHECK(parse_duration("4611686018s").value->count() == 4'611'686'018'000);
  CHECK(parse_duration("4611686019s").error == "'4611686019s' is too long");
}

TEST_CASE("bytes are formatted for people") {
  CHECK(format_bytes(300) == "300 B");
  CHECK(format_bytes(512ULL << 20) == "512 MiB");
  CHECK(format_bytes(1536ULL << 20) == "1.5 GiB");
}
