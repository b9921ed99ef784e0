#pragma once
// The fixed symptom vocabulary. One name per documented failure, plus "healthy".
#include <optional>
#include <string_view>

namespace tmfault {

enum class Symptom {
  healthy,            ///< job FINISHED, TM alive, no symptom
  illegal_config,     ///< IllegalConfigurationException from Flink's memory derivation
  oom_heap,           ///< java.lang.OutOfMemoryError: Java heap space
  oom_direct,         ///< java.lang.OutOfMemoryError: (Cannot reserve ..) direct buffer memory
  oom_metaspace,      ///< java.lang.OutOfMemoryError: Metaspace
  network_buffers,    ///< IOException: Insufficient number of network buffers
  container_killed,   ///< kernel OOM kill: SIGKILL + cgroup oom_kill, no Java error
};

inline constexpr Symptom kAllSymptoms[] = {Symptom::healthy,         Symptom::illegal_config, Symptom::oom_heap,
                                           Symptom::oom_direct,      Symptom::oom_metaspace,  Symptom::network_buffers,
                                           Symptom::container_killed};

/// The scenario-file spelling: "healthy", "illegal-config", "oom-heap", ...
std::string_view symptom_name(Symptom s);
std::optional<Symptom> symptom_from_name(std::string_view name);

}  // namespace tmfault
