#include "reports/suite_ops.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <numeric>
#include <tuple>

namespace tmfault::reports {
namespace {

std::optional<int> parse_int(std::string_view s) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string label(const std::vector<std::string>& names, std::size_t i) {
  return i < names.size() ? names[i] : fmt::format("part {}", i + 1);
}

void check_same(const std::vector<SuiteResult>& parts, const std::vector<std::string>& names) {
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].flink_version != parts[0].flink_version)
      throw MergeError(fmt::format("cannot merge: '{}' ran Flink {} but '{}' ran Flink {}", label(names, i),
                                   parts[i].flink_version, label(names, 0), parts[0].flink_version));
    if (parts[i].tmfault_version != parts[0].tmfault_version)
      throw MergeError(fmt::format("cannot merge: '{}' is from tmfault {} but '{}' from tmfault {}", label(names, i),
                                   parts[i].tmfault_version, label(names, 0), parts[0].tmfault_version));
  }
}

}  // namespace

std::optional<Shard> parse_shard(std::string_view text, std::string& error) {
  std::size_t slash = text.find('/');
  std::optional<int> k, n;
  if (slash != std::string_view::npos) k = parse_int(text.substr(0, slash)), n = parse_int(text.substr(slash + 1));
  if (!k || !n) {
    error = fmt::format("shard '{}': want K/N, e.g. 1/2", text);
    return std::nullopt;
  }
  if (*n < 1 || *k < 1 || *k > *n) {
    error = fmt::format("shard '{}': K must be in 1..N and N at least 1", text);
    return std::nullopt;
  }
  return Shard{*k, *n};
}

std::vector<VariantPlan> select_shard(const std::vector<VariantPlan>& plans, Shard shard) {
  std::vector<std::size_t> order(plans.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(plans[a].scenario_id, plans[a].variant) < std::tie(plans[b].scenario_id, plans[b].variant);
  });
  std::vector<bool> mine(plans.size(), false);
  for (std::size_t i = 0; i < order.size(); ++i) mine[order[i]] = static_cast<int>(i % shard.count) + 1 == shard.index;
  std::vector<VariantPlan> out;
  for (std::size_t i = 0; i < plans.size(); ++i)
    if (mine[i]) out.push_back(plans[i]);
  return out;
}

bool canonical_less(const RunRecord& a, const RunRecord& b) {
  bool remedy_a = a.plan.kind != VariantKind::faulty, remedy_b = b.plan.kind != VariantKind::faulty;
  return std::tie(a.plan.scenario_id, remedy_a, a.plan.variant) <
         std::tie(b.plan.scenario_id, remedy_b, b.plan.variant);
}

SuiteResult merge_suites(const std::vector<SuiteResult>& parts, const std::vector<std::string>& names) {
  if (parts.empty()) throw MergeError("nothing to merge");
  check_same(parts, names);
  SuiteResult out;
  out.flink_version = parts[0].flink_version;
  out.tmfault_version = parts[0].tmfault_version;
  out.started_at = parts[0].started_at;
  std::map<std::string, std::size_t> seen;  // "scenario/variant" -> part
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const SuiteResult& p = parts[i];
    out.started_at = std::min(out.started_at, p.started_at);
    out.wall = std::max(out.wall, p.wall);
    out.interrupted |= p.interrupted;
    for (const RunRecord& r : p.records) {
      std::string id = r.plan.scenario_id + "/" + r.plan.variant;
      auto [it, fresh] = seen.emplace(id, i);
      if (!fresh)
        throw MergeError(fmt::format("cannot merge: {} is in both '{}' and '{}'", id, label(names, it->second),
                                     label(names, i)));
      out.records.push_back(r);
    }
  }
  std::stable_sort(out.records.begin(), out.records.end(), canonical_less);
  return out;
}

}  // namespace tmfault::reports
