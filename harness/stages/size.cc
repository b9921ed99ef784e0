#include "harness/stages/size.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fmt/format.h>
#include <limits>

#include "harness/stages/diagnostic.h"

namespace tmfault {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

struct Unit {
  std::array<std::string_view, 3> names;
  std::uint64_t multiplier;
};

constexpr std::array<Unit, 5> kSizeUnits{{
    {{"b", "bytes", ""}, 1},
    {{"k", "kb", "kibibytes"}, 1ULL << 10},
    {{"m", "mb", "mebibytes"}, 1ULL << 20},
    {{"g", "gb", "gibibytes"}, 1ULL << 30},
    {{"t", "tb", "tebibytes"}, 1ULL << 40},
}};

struct Number {
  std::uint64_t value = 0;
  std::string_view rest;
  std::string error;
};

/// Splits leading digits from the rest; reports empty input, no digits, overflow.
Number leading_number(std::string_view text) {
  std::string_view s = trim(text);
  if (s.empty()) return {0, {}, "empty value"};
  std::size_t i = 0;
  std::uint64_t v = 0;
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
    unsigned d = static_cast<unsigned>(s[i] - '0');
    if (v > (kMax - d) / 10) return {0, {}, fmt::format("{} is too large", quote(text))};
    v = v * 10 + d;
  }
  if (i == 0) return {0, {}, fmt::format("{} does not start with a number", quote(text))};
  return {v, trim(s.substr(i)), {}};
}

}  // namespace

Parsed<std::uint64_t> parse_size(std::string_view text) {
  Number n = leading_number(text);
  if (!n.error.empty()) return {std::nullopt, n.error};
  std::string unit = lower(n.rest);
  for (const Unit& u : kSizeUnits) {
    if (std::find(u.names.begin(), u.names.end(), unit) == u.names.end()) continue;
    if (n.value > std::numeric_limits<std::int64_t>::max() / u.multiplier)
      return {std::nullopt, fmt::format("{} is too large", quote(text))};
    return {n.value * u.multiplier, {}};
  }
  return {std::nullopt,
          fmt::format("unknown size unit {} in {} (use b, k, m, g or t, e.g. \"512m\")", quote(n.rest), quote(text))};
}

Parsed<Millis> parse_duration(std::string_view text) {
  Number n = leading_number(text);
  if (!n.error.empty()) return {std::nullopt, n.error};
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 4> kUnits{
      {{"ms", 1}, {"s", 1000}, {"min", 60'000}, {"h", 3'600'000}}};
  std::string unit = lower(n.rest);
  for (auto [name, ms] : kUnits) {
    if (unit != name) continue;
    // ~146 years: callers add it to steady_clock::now() in nanoseconds, which must not overflow
    if (n.value > std::numeric_limits<std::int64_t>::max() / 2'000'000 / ms)
      return {std::nullopt, fmt::format("{} is too long", quote(text))};
    return {Millis(static_cast<std::int64_t>(n.value * ms)), {}};
  }
  return {std::nullopt, fmt::format("unknown duration unit {} in {} (use ms, s, min or h, e.g. \"90s\")", quote(n.rest),
                                    quote(text))};
}

std::string flink_size(std::uint64_t bytes) {
  constexpr std::pair<std::uint64_t, char> kUnits[] = {{1ULL << 40, 't'},
                                                       {1ULL << 30, 'g'},
                                                       {1ULL << 20, 'm'},
                                                       {1ULL << 10, 'k'}};
  for (auto [unit, suffix] : kUnits)
    if (bytes >= unit && bytes % unit == 0) return fmt::format("{}{}", bytes / unit, suffix);
  return fmt::format("{}b", bytes);
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr std::array<std::string_view, 4> kNames{"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double v = static_cast<double>(bytes);
  std::size_t i = 0;
  for (v /= 1024; v >= 1024 && i + 1 < kNames.size(); v /= 1024) ++i;
  if (v == static_cast<double>(static_cast<std::uint64_t>(v))) return fmt::format("{:.0f} {}", v, kNames[i]);
  return fmt::format("{:.1f} {}", v, kNames[i]);
}

}  // namespace tmfault
