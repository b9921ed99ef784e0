#pragma once
// Plain value types shared by every stage: scenario -> plan -> observation -> verdict -> record.
// No behaviour beyond trivial helpers; no OS access.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/symptom.h"

namespace tmfault {

using Millis = std::chrono::milliseconds;

/// The two Flink processes of a run. A scenario's subject is one of them: the process under a
/// container-like limit whose symptom counts; the other is infrastructure.
enum class Role { jobmanager, taskmanager };

/// "jm" / "tm": the log file stem and the `source` of a SymptomHit.
constexpr std::string_view role_source(Role r) { return r == Role::jobmanager ? "jm" : "tm"; }
/// "JobManager" / "TaskManager".
constexpr std::string_view role_name(Role r) { return r == Role::jobmanager ? "JobManager" : "TaskManager"; }

/// Flink options in the order they were written: Flink's own keys, values verbatim.
using FlinkOptions = std::vector<std::pair<std::string, std::string>>;

/// Where something came from in a scenario file (1-based; 0 = unknown).
struct SourcePos {
  std::filesystem::path file;
  int line = 0;
  int column = 0;
};

/// One documented remedy: options changed relative to the faulty run.
struct Remedy {
  std::string name;          ///< words from the doc, e.g. "increase total memory"
  FlinkOptions set;          ///< options added or overridden
  std::vector<std::string> unset;  ///< options removed (a remedy that switches config style)
  Symptom expect = Symptom::healthy;  ///< what the scenario asserts this remedy yields
  std::string why;           ///< when expect != healthy: the scenario's explanation (a finding)
  std::string quote;         ///< the guide's words this remedy applies, verbatim from its section
                             ///< (markdown removed); empty = no claim
  std::string source;        ///< a remedy the guide does not give: the page that does (https://);
                             ///< `quote` is then that page's words
  FlinkOptions workload_args;  ///< the job changed (a code fix), over the scenario's workload_args
  SourcePos pos;
  FlinkOptions env{};        ///< the subject's environment variables set (over the scenario's env)
};

/// A documented section under test, as loaded from scenarios/<id>.toml.
struct Scenario {
  std::string id;
  Role subject = Role::taskmanager;  ///< whose symptom counts
  std::string doc;           ///< "mem_trouble.md#anchor"
  std::string title;         ///< the doc section's heading
  std::string workload;      ///< a name from the workload catalogue
  FlinkOptions workload_args;  ///< passed as --key value
  /// Environment variables of the subject's process, on top of what Flink's scripts pass (NAME,
  /// value): what a container's env (a Pod spec, YARN's containerized.taskmanager.env.*, a
  /// docker --env) gives the JVM.
  FlinkOptions env;
  Millis timeout{90'000};
  int submissions = 1;       ///< how often the job is submitted to one TaskManager, one after another
  FlinkOptions options;      ///< the subject's options in the faulty run ([taskmanager] or [jobmanager])
  std::optional<std::uint64_t> cgroup_limit_bytes;  ///< default: the derived process size
  Symptom expect = Symptom::healthy;
  std::vector<std::string> expect_mentions;  ///< texts the symptom's message must contain
  std::string expect_quote;  ///< the guide's words describing the symptom, verbatim from its
                             ///< section (markdown removed); empty = no claim
  std::vector<Remedy> remedies;
  std::filesystem::path file;
  std::map<std::string, SourcePos> option_pos;  ///< where each Flink option key was first written
};

enum class VariantKind { faulty, remedy };

/// One fully resolved run. Ports are picked at launch and recorded in the observation.
struct VariantPlan {
  std::string scenario_id;
  std::string doc;
  std::string title;
  std::string variant;       ///< path-safe slug: "faulty" or the remedy's slug
  std::string name;          ///< human label: "faulty run" or the remedy name
  VariantKind kind = VariantKind::faulty;
  Role subject = Role::taskmanager;  ///< whose symptom counts
  FlinkOptions options;      ///< the subject's options: the scenario's, after set/unset
  FlinkOptions changed;      ///< for remedies: what differs from the faulty run ("key" -> value or "(unset)")
  Symptom expect = Symptom::healthy;
  std::vector<std::string> expect_mentions;  ///< faulty run: texts the symptom's message must contain
  std::string why;
  std::string quote;         ///< the guide's words this variant tests ("" = none quoted)
  std::string source;        ///< non-empty: the remedy is not the guide's but this page's (quote is its words)
  std::string workload;
  std::string workload_class;
  std::vector<std::string> workload_args;
  std::optional<std::uint64_t> cgroup_limit_bytes;
  Millis timeout{90'000};
  int submissions = 1;       ///< the job is submitted again each time it finishes, up to this many
  FlinkOptions env{};        ///< the subject's extra environment variables (NAME, value), after the remedy's
};

/// Flink's derived memory sizes (bytes) of one process, from BashJavaUtils
/// GET_TM_RESOURCE_PARAMS (a TaskManager: eight components) or GET_JM_RESOURCE_PARAMS (a
/// JobManager: heap, off-heap, metaspace, overhead).
struct MemoryBreakdown {
  Role role = Role::taskmanager;
  std::uint64_t framework_heap = 0, task_heap = 0, framework_off_heap = 0, task_off_heap = 0, managed = 0, network = 0,
                jvm_metaspace = 0, jvm_overhead = 0;
  std::uint64_t jm_heap = 0, jm_off_heap = 0;  ///< a JobManager's JVM heap and off-heap
  std::vector<std::string> jvm_args;  ///< line 1: -Xmx.. -Xms.. -XX:MaxDirectMemorySize=.. -XX:MaxMetaspaceSize=..
  std::vector<std::string> dynamic_args;  ///< line 2 split into argv: -D, key=value, ...
  bool jobmanager() const { return role == Role::jobmanager; }
  std::uint64_t jvm_heap() const { return jobmanager() ? jm_heap : framework_heap + task_heap; }
  /// The direct memory budget: -XX:MaxDirectMemorySize for a TaskManager; a JobManager's
  /// off-heap (its direct limit only with jobmanager.memory.enable-jvm-direct-memory-limit).
  std::uint64_t jvm_direct() const { return jobmanager() ? jm_off_heap : framework_off_heap + task_off_heap + network; }
  std::uint64_t total_flink() const {
    return jobmanager() ? jm_heap + jm_off_heap
                        : framework_heap + task_heap + framework_off_heap + task_off_heap + managed + network;
  }
  std::uint64_t total_process() const { return total_flink() + jvm_metaspace + jvm_overhead; }
};

/// The eight components of a MemoryBreakdown: their stored (JSON) name and the Flink option
/// BashJavaUtils sets them with (-D key=value). One list for every stage that reads or writes
/// them one by one.
struct MemoryPart {
  const char* name;
  const char* flink_key;
  std::uint64_t MemoryBreakdown::*bytes;
};
inline constexpr MemoryPart kMemoryParts[] = {
    {"framework_heap", "taskmanager.memory.framework.heap.size", &MemoryBreakdown::framework_heap},
    {"task_heap", "taskmanager.memory.task.heap.size", &MemoryBreakdown::task_heap},
    {"framework_off_heap", "taskmanager.memory.framework.off-heap.size", &MemoryBreakdown::framework_off_heap},
    {"task_off_heap", "taskmanager.memory.task.off-heap.size", &MemoryBreakdown::task_off_heap},
    {"managed", "taskmanager.memory.managed.size", &MemoryBreakdown::managed},
    {"network", "taskmanager.memory.network.max", &MemoryBreakdown::network},
    {"jvm_metaspace", "taskmanager.memory.jvm-metaspace.size", &MemoryBreakdown::jvm_metaspace},
    {"jvm_overhead", "taskmanager.memory.jvm-overhead.max", &MemoryBreakdown::jvm_overhead},
};
/// The four components of a JobManager's breakdown, as BashJavaUtils GET_JM_RESOURCE_PARAMS
/// sets them.
inline constexpr MemoryPart kJobManagerMemoryParts[] = {
    {"heap", "jobmanager.memory.heap.size", &MemoryBreakdown::jm_heap},
    {"off_heap", "jobmanager.memory.off-heap.size", &MemoryBreakdown::jm_off_heap},
    {"jvm_metaspace", "jobmanager.memory.jvm-metaspace.size", &MemoryBreakdown::jvm_metaspace},
    {"jvm_overhead", "jobmanager.memory.jvm-overhead.max", &MemoryBreakdown::jvm_overhead},
};
/// The components of `role`'s breakdown.
inline std::span<const MemoryPart> memory_parts(Role role) {
  if (role == Role::jobmanager) return kJobManagerMemoryParts;
  return kMemoryParts;
}

/// How a process ended, decoded from a raw wait status.
struct ExitStatus {
  bool signaled = false;
  int code = 0;  ///< exit code, or the signal number when signaled
  int shell_code() const { return signaled ? 128 + code : code; }
};

/// A log line that matched a symptom detector.
struct SymptomHit {
  Symptom symptom = Symptom::healthy;
  std::string source;  ///< "tm", "jm", "derive", "job"
  std::string line;
  Millis at{0};  ///< since the variant started
};

struct MemorySample {
  Millis at{0};
  std::uint64_t usage_bytes = 0;
};

/// What the subject's memory pools held at one moment, from Flink's own metrics (REST
/// /taskmanagers/<id>/metrics or /jobmanager/metrics). Bytes; a pool the process does not
/// report is absent.
struct PoolSample {
  Millis at{0};  ///< when the harness received it, since the variant began
  std::optional<std::uint64_t> heap_used, heap_committed, heap_max;
  std::optional<std::uint64_t> direct_used, direct_max;  ///< direct ByteBuffers; max: -XX:MaxDirectMemorySize
  std::optional<std::uint64_t> metaspace_used, metaspace_max;
  std::optional<std::uint64_t> non_heap_used;
  std::optional<std::uint64_t> managed_used, managed_total;
  std::optional<std::uint64_t> network_segments_available, network_segments_total;
  std::optional<std::uint64_t> gc_count, gc_time_ms;  ///< all collectors, since the JVM started
};

/// The fields of a PoolSample by their stored (JSON) names: one list for writing and reading.
struct PoolField {
  const char* name;
  std::optional<std::uint64_t> PoolSample::*value;
};
inline constexpr PoolField kPoolFields[] = {
    {"heap_used", &PoolSample::heap_used},
    {"heap_committed", &PoolSample::heap_committed},
    {"heap_max", &PoolSample::heap_max},
    {"direct_used", &PoolSample::direct_used},
    {"direct_max", &PoolSample::direct_max},
    {"metaspace_used", &PoolSample::metaspace_used},
    {"metaspace_max", &PoolSample::metaspace_max},
    {"non_heap_used", &PoolSample::non_heap_used},
    {"managed_used", &PoolSample::managed_used},
    {"managed_total", &PoolSample::managed_total},
    {"network_segments_available", &PoolSample::network_segments_available},
    {"network_segments_total", &PoolSample::network_segments_total},
    {"gc_count", &PoolSample::gc_count},
    {"gc_time_ms", &PoolSample::gc_time_ms},
};

/// A memory pool of a PoolSample: its `used` and size fields (`used_is_free`: the used field
/// counts what is free), the unit the reports draw it in, and the error the JVM or Flink throws
/// when it runs out (none for managed memory, which Flink reserves up front).
struct PoolDef {
  const char* name;
  const char* unit;  ///< "MiB" (the fields are bytes) or "buffers"
  std::optional<std::uint64_t> PoolSample::*used;
  std::optional<std::uint64_t> PoolSample::*max;
  bool used_is_free = false;
  std::optional<Symptom> exhausted = std::nullopt;
};
inline constexpr PoolDef kPools[] = {
    {"heap", "MiB", &PoolSample::heap_used, &PoolSample::heap_max, false, Symptom::oom_heap},
    {"direct", "MiB", &PoolSample::direct_used, &PoolSample::direct_max, false, Symptom::oom_direct},
    {"metaspace", "MiB", &PoolSample::metaspace_used, &PoolSample::metaspace_max, false, Symptom::oom_metaspace},
    {"managed", "MiB", &PoolSample::managed_used, &PoolSample::managed_total},
    {"network", "buffers", &PoolSample::network_segments_available, &PoolSample::network_segments_total, true,
     Symptom::network_buffers},
};

/// One job submitted to a session JobManager (a scenario with submissions > 1 has several).
struct SubmittedJob {
  std::string id;
  Millis at{0};  ///< when it was submitted, since the variant began
  std::string state;  ///< its last state seen over REST ("" = none seen)
  std::optional<Millis> ended;  ///< when it was seen final
};

/// Milestones of one run, each since the variant started (nullopt: not reached).
struct Timings {
  std::optional<Millis> derived, jm_ready, job_submitted, tm_registered, job_running, job_ended, first_symptom,
      subject_exited;  ///< subject_exited: when the subject process exited
  std::optional<Millis> deadline;  ///< when the run's timeout fires (the monitor's start + timeout)
  Millis total{0};
};

/// Everything observed while running one variant. Filled by the runner; read by check().
struct Observation {
  std::string harness_error;  ///< non-empty: the harness or environment failed
  bool derive_ok = false;
  std::string derive_output;  ///< BashJavaUtils output when it failed (or its log)
  std::optional<MemoryBreakdown> memory;  ///< the subject's, as Flink derived it
  std::optional<std::uint64_t> cgroup_limit_bytes;  ///< the subject's container
  std::optional<ExitStatus> tm_exit;  ///< nullopt: the TM was alive when the run ended
  std::optional<ExitStatus> jm_exit;  ///< nullopt: the JM was alive when the run ended
  bool tm_started = false;  ///< the subject was started (the name is format 1's)
  std::uint64_t oom_kills = 0;  ///< kills by the subject's own cgroup limit
  std::string foreign_oom_kill;  ///< a process OOM-killed by something else than its own
                                 ///< cgroup's limit (the machine, a parent): the evidence
  std::uint64_t peak_bytes = 0;  ///< the subject cgroup's peak usage
  std::vector<SymptomHit> hits;
  std::string job_state;  ///< from JM REST: FINISHED, FAILED, ... ("" = no job seen)
  std::string job_failure;  ///< the job's root exception (first lines)
  bool timed_out = false;
  bool interrupted = false;
  Timings timings;
  std::vector<MemorySample> samples;
  std::vector<PoolSample> usage;  ///< the subject's pools over time (Flink's metrics)
  std::vector<SubmittedJob> jobs;  ///< the jobs submitted to a session JobManager, in order
  /// The subject's line saying an OutOfMemoryError struck while log4j logged an exception: its
  /// error may be in no log line ("" when none).
  std::string oom_while_logging;
  std::map<std::string, std::string> ports;  ///< option key -> port picked at launch
  std::vector<std::string> notes;  ///< what the harness had to do (e.g. a retry)
  /// CPU time (user + system) of each process of the run: "derive" (BashJavaUtils for the
  /// subject), "derive-tm" (for a TaskManager not under test), "jm", "tm".
  std::map<std::string, Millis> cpu;
};

enum class Outcome { pass, fail, error };

struct Verdict {
  Outcome outcome = Outcome::error;
  Symptom observed = Symptom::healthy;
  bool observed_known = false;  ///< false: nothing classifiable was observed
  std::string reason;  ///< one line: why this verdict
};

/// One stored run of one variant: what was planned, seen and concluded.
struct RunRecord {
  VariantPlan plan;
  Observation observation;
  Verdict verdict;
  std::string reproduce;  ///< one-line command to re-run just this variant
  std::filesystem::path dir;
};

}  // namespace tmfault

namespace tmfault {

/// One invocation of `tmfault run`: every record plus what identifies the run.
/// The host a suite ran on, as far as its verdicts depend on it.
struct HostFacts {
  std::string cgroup;  ///< "v1" or "v2" ("" when unknown: an old results file)
  std::uint64_t swap_bytes = 0;  ///< the machine's swap
  bool swap_limited = false;  ///< every cgroup of a run had swap limited to 0
};

struct SuiteResult {
  std::string started_at;  ///< UTC, ISO 8601
  std::string flink_version;
  std::string tmfault_version;
  HostFacts host;
  Millis wall{0};
  bool interrupted = false;
  std::vector<RunRecord> records;
};

}  // namespace tmfault

namespace tmfault {

/// `tmfault explain`: what Flink derives for one variant's options, without running it.
struct ExplainedVariant {
  VariantPlan plan;
  std::optional<MemoryBreakdown> memory;
  std::string refusal;  ///< Flink's IllegalConfigurationException message when memory is nullopt
};

}  // namespace tmfault
