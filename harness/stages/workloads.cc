#include "harness/stages/workloads.h"

#include <array>

namespace tmfault {
namespace {

constexpr std::array<WorkloadInfo, 9> kWorkloads{{
    {"heap", "org.tmfault.workloads.Heap", "retains objects on the JVM heap"},
    {"direct", "org.tmfault.workloads.Direct", "allocates and keeps direct ByteBuffers"},
    {"metaspace", "org.tmfault.workloads.Metaspace", "loads many distinct classes"},
    {"network", "org.tmfault.workloads.Network", "all-to-all shuffle over many channels"},
    {"rocksdb", "org.tmfault.workloads.RocksDb", "keyed state in the RocksDB backend"},
    {"classloader-leak", "org.tmfault.workloads.ClassLoaderLeak",
     "loads a library's classes and pins its class loader past the job (submit it several times)"},
    {"jm-heap", "org.tmfault.workloads.JmHeap", "retains objects on the JobManager's heap, in main()",
     Role::jobmanager},
    {"jm-direct", "org.tmfault.workloads.JmDirect", "keeps (or leaks) direct ByteBuffers in the JobManager, in main()",
     Role::jobmanager},
    {"jm-metaspace", "org.tmfault.workloads.JmMetaspace", "loads many distinct classes in the JobManager, in main()",
     Role::jobmanager},
}};

}  // namespace

std::span<const WorkloadInfo> workload_catalogue() { return kWorkloads; }

const WorkloadInfo* find_workload(std::string_view name) {
  for (const WorkloadInfo& w : kWorkloads)
    if (w.name == name) return &w;
  return nullptr;
}

}  // namespace tmfault
