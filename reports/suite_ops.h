#pragma once
// Whole-suite operations on plans and stored results: shard a plan list, merge stored suites.
// Pure; both rest on a fixed order of variants so that every machine agrees.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "model/error.h"
#include "model/model.h"

namespace tmfault::reports {

/// Shard K of N (1-based), as in `--shard 2/3`.
struct Shard {
  int index = 1;
  int count = 1;
};

/// "K/N" with 1 <= K <= N; nullopt and `error` set ("shard '3/2': K must be in 1..N") otherwise.
std::optional<Shard> parse_shard(std::string_view text, std::string& error);

/// The variants of shard K/N. Over the plans sorted by (scenario id, variant), the i-th
/// (0-based) belongs to shard i % N + 1: every variant is in exactly one shard, scenarios are
/// spread across shards. The result keeps the order of `plans` (faulty run first).
std::vector<VariantPlan> select_shard(const std::vector<VariantPlan>& plans, Shard shard);

/// Canonical record order of merged results: scenario id, the faulty run first, then variant.
bool canonical_less(const RunRecord& a, const RunRecord& b);

/// Suites that cannot be merged (bad input: exit 2).
struct MergeError : UsageError {
  using UsageError::UsageError;
};

/// Several stored suites (shards, or runs of different scenarios) as one. `names` label the
/// parts in errors. Throws MergeError when the Flink or tmfault versions differ or a variant
/// appears twice. Records in canonical order; started_at the earliest, wall the longest,
/// interrupted if any part was.
SuiteResult merge_suites(const std::vector<SuiteResult>& parts, const std::vector<std::string>& names);

}  // namespace tmfault::reports
