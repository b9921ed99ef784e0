#pragma once
// The live status line of `tmfault run` on a terminal. Formatting only; cli.cc redraws it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/model.h"

namespace tmfault::reports {

/// A variant that is running now.
struct ActiveRun {
  std::string id;                             ///< "heap-space/faulty"
  Millis elapsed{0};
  std::optional<std::uint64_t> usage_bytes;   ///< the TM cgroup's current usage, when known
  std::optional<std::uint64_t> limit_bytes;
};

/// "[3/16 done, 1m02s] heap-space/faulty 12.3s 352m/1024m | metaspace/faulty 3.1s", cut to
/// `width` columns (no newline, no escape sequences: the caller clears and redraws).
std::string progress_line(const std::vector<ActiveRun>& active, std::size_t done, std::size_t total, Millis elapsed,
                          std::size_t width);

}  // namespace tmfault::reports
