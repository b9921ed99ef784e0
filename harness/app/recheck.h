#pragma once
// `tmfault report --recheck`: a stored run judged again by today's detectors and checker,
// without Flink (Jepsen's separate checker).
#include <filesystem>
#include <string>
#include <vector>

#include "model/model.h"

namespace tmfault {

struct Recheck {
  SuiteResult suite;                 ///< every record with its new verdict
  std::vector<std::string> changes;  ///< "heap-space/faulty: pass -> fail (reason)", one per change
  std::vector<std::string> notes;    ///< what could not be re-read (a missing log)
};

/// Re-detects each record's symptom lines from the logs stored beside it (<run_dir>/<scenario>/
/// <variant>/{tm,jm}.log with their .times; the stored hits where a log is missing), reads a
/// failed derivation's output again from derive.log, and re-runs check().
Recheck recheck(const SuiteResult& stored, const std::filesystem::path& run_dir);

}  // namespace tmfault
