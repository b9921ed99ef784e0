#include "model/symptom.h"

namespace tmfault {

std::string_view symptom_name(Symptom s) {
  switch (s) {
    case Symptom::healthy: return "healthy";
    case Symptom::illegal_config: return "illegal-config";
    case Symptom::oom_heap: return "oom-heap";
    case Symptom::oom_direct: return "oom-direct";
    case Symptom::oom_metaspace: return "oom-metaspace";
    case Symptom::network_buffers: return "network-buffers";
    case Symptom::container_killed: return "container-killed";
  }
  return "?";
}

std::optional<Symptom> symptom_from_name(std::string_view name) {
  for (Symptom s : kAllSymptoms)
    if (symptom_name(s) == name) return s;
  return std::nullopt;
}

}  // namespace tmfault
