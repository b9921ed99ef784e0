#pragma once
// Runs planned variants (in parallel where allowed), stores each run, and checks it.
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <vector>

#include "harness/flink/cluster.h"
#include "harness/flink/dist.h"
#include "model/model.h"

namespace tmfault {

struct SessionOptions {
  std::filesystem::path out_root = "out";   ///< runs go to <out_root>/<timestamp>/
  int jobs = 1;                             ///< variants run at once
  const std::atomic<bool>* stop = nullptr;
  ClusterFactory make_cluster;              ///< real_clusters(...), or a fake in tests
  HostFacts host;                           ///< recorded in results.json
  std::function<void(const RunRecord&)> on_done;  ///< called (serialised) as each variant ends
  std::function<void(const VariantPlan&)> on_start;
  /// Each memory sample as it is taken (from the variant's own thread; must be thread-safe).
  std::function<void(const VariantPlan&, const MemorySample&, std::optional<std::uint64_t> limit)> on_sample;
};

/// Runs `plans` (scenario files in `sources`, for the reproduce line). Stores every run under
/// <out_root>/<UTC timestamp>/<scenario>/<variant>/ and points <out_root>/latest at it.
SuiteResult run_session(const std::vector<VariantPlan>& plans,
                        const std::map<std::string, std::filesystem::path>& sources, const FlinkDist& dist,
                        const SessionOptions& opts, std::filesystem::path& run_dir);

/// Chooses the next plan from the records so far; nullopt ends the session.
using NextPlan = std::function<std::optional<VariantPlan>(const std::vector<RunRecord>& done)>;

/// Runs plans one at a time, each chosen after the last one ended (e.g. a bisection), from the
/// scenario file `source`. Stored like run_session: one directory, results.json, latest.
SuiteResult run_adaptive(const NextPlan& next, const std::filesystem::path& source, const FlinkDist& dist,
                         const SessionOptions& opts, std::filesystem::path& run_dir);

}  // namespace tmfault
