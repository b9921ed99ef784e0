#pragma once
// `tmfault bisect`: the smallest value of one size option that resolves a symptom, found by
// real runs. This is the pure part: which value to try next, and what the tries showed.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tmfault {

struct Probe {
  std::uint64_t value = 0;
  bool healthy = false;
};

/// Bisection over [low, high] in multiples of `step` above `low`. It assumes that a value above
/// a healthy one is healthy too, and checks what it can: `high` first (it must resolve), then
/// `low` (it must not), then midpoints until the healthy and unhealthy values are one step
/// apart: about log2((high - low) / step) + 2 runs.
class Bisection {
 public:
  enum class State { searching, found, not_resolved_at_high, healthy_at_low };

  /// Requires low < high and step > 0 (the CLI checks).
  Bisection(std::uint64_t low, std::uint64_t high, std::uint64_t step);

  /// The value to run next; nullopt once the state is no longer `searching`.
  std::optional<std::uint64_t> next() const;
  void record(std::uint64_t value, bool healthy);

  State state() const;
  /// With State::found: the smallest healthy value tried, and the largest unhealthy one.
  std::uint64_t lowest_healthy() const { return healthy_; }
  std::uint64_t highest_unhealthy() const { return unhealthy_; }
  const std::vector<Probe>& probes() const { return probes_; }

 private:
  std::uint64_t low_, high_, step_;
  std::uint64_t healthy_ = 0, unhealthy_ = 0;  ///< the bracket, once both ends are known
  std::vector<Probe> probes_;
};

}  // namespace tmfault

#include "model/model.h"

namespace tmfault {

/// The run a bisection starts from: the faulty run (`remedy` empty), or the remedy whose name or
/// slug is `remedy`. Throws UsageError naming the scenario's remedies when there is none.
VariantPlan bisect_base(const Scenario& sc, const std::string& remedy);

/// `base` with `key` set to `value`, judged like a remedy (expected healthy).
VariantPlan bisect_probe(const VariantPlan& base, const std::string& key, const std::string& value);

}  // namespace tmfault
