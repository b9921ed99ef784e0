// The pure part of `tmfault bisect`: which value to run next.
#include <catch2/catch.hpp>

#include <functional>

#include "harness/stages/bisect.h"

using namespace tmfault;

namespace {

constexpr std::uint64_t kMiB = 1 << 20;

/// Runs a bisection against `healthy(value)`; returns the values tried, in order.
std::vector<std::uint64_t> drive(Bisection& b, const std::function<bool(std::uint64_t)>& healthy) {
  std::vector<std::uint64_t> tried;
  while (auto v = b.next()) {
    REQUIRE(tried.size() < 64);
    tried.push_back(*v);
    b.record(*v, healthy(*v));
  }
  return tried;
}

}  // namespace

TEST_CASE("bisection: high first, then low, then halves on the step grid until one step apart") {
  Bisection b(1024 * kMiB, 3072 * kMiB, 32 * kMiB);
  auto tried = drive(b, [](std::uint64_t v) { return v >= 1270 * kMiB; });
  CHECK(b.state() == Bisection::State::found);
  CHECK(b.lowest_healthy() == 1280 * kMiB);
  CHECK(b.highest_unhealthy() == 1248 * kMiB);
  // The real heap-space run of this session went 3g, 1g, 2g, 1536m, 1280m, 1152m, 1216m, 1248m.
  CHECK(tried == std::vector<std::uint64_t>{3072 * kMiB, 1024 * kMiB, 2048 * kMiB, 1536 * kMiB, 1280 * kMiB,
                                            1152 * kMiB, 1216 * kMiB, 1248 * kMiB});
  for (std::uint64_t v : tried) CHECK((v - 1024 * kMiB) % (32 * kMiB) == 0);
}

TEST_CASE("bisection: a boundary anywhere in range is found within one step, in about log2 runs") {
  std::uint64_t low = 100, high = 1100, step = 7;
  for (std::uint64_t edge = low + 1; edge <= high; edge += 13) {
    Bisection b(low, high, step);
    auto tried = drive(b, [&](std::uint64_t v) { return v >= edge; });
    INFO("edge " << edge);
    REQUIRE(b.state() == Bisection::State::found);
    CHECK(b.lowest_healthy() >= edge);
    CHECK(b.highest_unhealthy() < edge);
    CHECK(b.lowest_healthy() - b.highest_unhealthy() <= step);
    CHECK(tried.size() <= 2 + 9);  // log2(1000 / 7) < 8, plus the ragged top step
  }
}

TEST_CASE("bisection: the premises are checked with real runs, not assumed") {
  SECTION("high does not resolve: stop after one run") {
    Bisection b(1, 100, 1);
    CHECK(drive(b, [](std::uint64_t) { return false; }).size() == 1);
    CHECK(b.state() == Bisection::State::not_resolved_at_high);
  }
  SECTION("low already resolves: stop after two runs") {
    Bisection b(1, 100, 1);
    CHECK(drive(b, [](std::uint64_t) { return true; }).size() == 2);
    CHECK(b.state() == Bisection::State::healthy_at_low);
  }
  SECTION("a step wider than the range: high and low are the answer") {
    Bisection b(10, 20, 50);
    CHECK(drive(b, [](std::uint64_t v) { return v == 20; }).size() == 2);
    CHECK(b.state() == Bisection::State::found);
    CHECK(b.lowest_healthy() == 20);
    CHECK(b.highest_unhealthy() == 10);
  }
}
