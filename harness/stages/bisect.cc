#include "harness/stages/bisect.h"

#include <fmt/format.h>

#include <algorithm>

#include "harness/stages/diagnostic.h"
#include "harness/stages/plan.h"
#include "model/error.h"

namespace tmfault {

Bisection::Bisection(std::uint64_t low, std::uint64_t high, std::uint64_t step) : low_(low), high_(high), step_(step) {}

Bisection::State Bisection::state() const {
  if (probes_.empty()) return State::searching;
  if (!probes_[0].healthy) return State::not_resolved_at_high;
  if (probes_.size() < 2) return State::searching;
  if (probes_[1].healthy) return State::healthy_at_low;
  return healthy_ - unhealthy_ <= step_ ? State::found : State::searching;
}

std::optional<std::uint64_t> Bisection::next() const {
  if (state() != State::searching) return std::nullopt;
  if (probes_.empty()) return high_;
  if (probes_.size() == 1) return low_;
  // The middle of the bracket, on the grid low + k * step, strictly inside it.
  std::uint64_t steps = (healthy_ - unhealthy_) / step_;
  std::uint64_t mid = unhealthy_ + (steps / 2) * step_;
  if (mid <= unhealthy_) mid = unhealthy_ + step_;
  return mid;
}

void Bisection::record(std::uint64_t value, bool healthy) {
  probes_.push_back({value, healthy});
  if (probes_.size() == 1) {
    healthy_ = value;
    return;
  }
  if (healthy) healthy_ = std::min(healthy_, value);
  else unhealthy_ = std::max(unhealthy_, value);
}

}  // namespace tmfault

namespace tmfault {

VariantPlan bisect_base(const Scenario& sc, const std::string& remedy) {
  auto plans = plan_scenario(sc);
  if (remedy.empty()) return plans.front();
  for (const VariantPlan& p : plans)
    if (p.kind == VariantKind::remedy && (p.name == remedy || p.variant == remedy)) return p;
  std::vector<std::string> names;
  for (const VariantPlan& p : plans)
    if (p.kind == VariantKind::remedy) names.push_back(quote(p.variant));
  throw UsageError(fmt::format("scenario {} has no remedy {} (remedies: {})", sc.id, quote(remedy),
                               fmt::join(names, ", ")));
}

VariantPlan bisect_probe(const VariantPlan& base, const std::string& key, const std::string& value) {
  VariantPlan p = base;
  p.kind = VariantKind::remedy;
  p.variant = "bisect-" + value;
  p.name = fmt::format("{} = {}", key, value);
  p.expect = Symptom::healthy;
  p.expect_mentions.clear();  // the faulty run's: a healthy run has no message to check
  p.why.clear();
  std::erase_if(p.options, [&](const auto& kv) { return kv.first == key; });
  p.options.emplace_back(key, value);
  std::erase_if(p.changed, [&](const auto& kv) { return kv.first == key; });
  p.changed.emplace_back(key, value);
  return p;
}

}  // namespace tmfault
