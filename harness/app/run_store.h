#pragma once
// Where runs are kept: out/<UTC timestamp>/<scenario>/<variant>/, results.json beside them, and
// out/latest naming the newest complete one.
#include <chrono>
#include <filesystem>
#include <string>

#include "model/model.h"

namespace tmfault {

/// One suite being stored: its header, its directory, and writing results.json at the end.
class RunStore {
 public:
  /// Creates a fresh <out_root>/<timestamp>[-n]; throws EnvironmentError when it cannot.
  RunStore(const std::filesystem::path& out_root, std::string flink_version, HostFacts host);

  const std::filesystem::path& dir() const { return run_dir_; }
  SuiteResult& suite() { return suite_; }

  /// Writes results.json, then points `latest` at it (only then: `latest` always names a run
  /// whose results could be written). Throws EnvironmentError when the disk is full.
  SuiteResult finish(bool interrupted);

 private:
  std::filesystem::path root_, run_dir_;
  SuiteResult suite_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// Creates `root` (with its parents) if it does not exist; throws EnvironmentError with a hint
/// when it cannot. Called before anything is written beneath it.
void ensure_output_root(const std::filesystem::path& root);

/// Where the class-data archives of the harness's own JVMs are kept between runs beneath `root`.
inline std::filesystem::path class_data_dir(const std::filesystem::path& root) {
  return root / ".cache" / "class-data";
}

/// A run directory or a results.json, read back into a suite. Throws UsageError.
SuiteResult load_results(const std::filesystem::path& input);

}  // namespace tmfault
