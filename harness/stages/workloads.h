#pragma once
// The catalogue of Flink jobs in workloads/ (one source of truth for names and classes).
#include <optional>
#include <span>
#include <string_view>

#include "model/model.h"

namespace tmfault {

struct WorkloadInfo {
  std::string_view name;        ///< the scenario spelling
  std::string_view java_class;  ///< the job's main class in tmfault-workloads.jar
  std::string_view summary;
  Role uses = Role::taskmanager;  ///< whose memory it uses: where its user code runs
};

std::span<const WorkloadInfo> workload_catalogue();
const WorkloadInfo* find_workload(std::string_view name);

}  // namespace tmfault
