// The runner and the checker together, through the fake cluster: every corner of a run, each
// with the verdict a reader should get.
#include <catch2/catch.hpp>

#include "harness/stages/check.h"
#include "tests/fake_cluster.h"

using namespace tmfault;
using namespace tmfault::testing;

namespace {

VariantPlan plan_expecting(Symptom s, Millis timeout = 90s) {
  VariantPlan p;
  p.scenario_id = "heap-space";
  p.variant = s == Symptom::healthy ? "remedy" : "faulty";
  p.kind = s == Symptom::healthy ? VariantKind::remedy : VariantKind::faulty;
  p.expect = s;
  p.timeout = timeout;
  p.workload_class = "org.tmfault.workloads.Heap";
  return p;
}

FlinkDist fake_dist() {
  FlinkDist d;
  d.version = "1.20.5";
  d.java = "/usr/bin/java";
  d.lib = "/nonexistent/lib";
  return d;
}

struct Ran {
  Observation o;
  Verdict v;
};

Ran run(const VariantPlan& plan, FakeClusters& fakes) {
  static const FlinkDist dist = fake_dist();
  RunContext ctx;
  ctx.dist = &dist;
  ctx.make_cluster = fakes.factory();
  ctx.dir = "/nonexistent/run";
  ctx.stop = &fakes.stop;
  Observation o = run_variant(plan, ctx);
  return {o, check(plan, o)};
}

Script healthy_run() {
  Script s;
  s.lines = cluster_up();
  s.lines.push_back({6000ms, Role::jobmanager, "INFO  Job heap (c0ffee) switched from state RUNNING to FINISHED."});
  s.job_states = {{1000ms, "RUNNING"}, {6000ms, "FINISHED"}};
  return s;
}

Script heap_oom_in_tm() {
  Script s;
  s.lines = cluster_up();
  s.lines.push_back({4000ms, Role::taskmanager, "java.lang.OutOfMemoryError: Java heap space"});
  s.lines.push_back({4100ms, Role::jobmanager, "INFO  Job heap (c0ffee) switched from state RUNNING to FAILED."});
  s.job_states = {{1000ms, "RUNNING"}, {4100ms, "FAILED"}};
  return s;
}

}  // namespace

TEST_CASE("a healthy run: the job finishes, the TaskManager lives") {
  FakeClusters f{{healthy_run()}};
  Ran r = run(plan_expecting(Symptom::healthy), f);
  CHECK(r.v.outcome == Outcome::pass);
  CHECK(r.v.observed == Symptom::healthy);
  CHECK(f.calls[0].started == std::vector<Role>{Role::jobmanager, Role::taskmanager});
  CHECK(f.calls[0].harness_own == std::vector<Role>{Role::jobmanager});  // the subject never maps our archives
  CHECK(f.calls[0].submitted.empty());  // its own JobManager ran the job: nothing goes over REST
  CHECK(f.calls[0].derived == std::vector<std::string>{"tm-conf tm derive.log"});
  CHECK(f.calls[0].torn_down);
  CHECK(r.o.timings.job_ended == 6000ms);
  CHECK(r.o.timings.total >= 6000ms);
  CHECK_FALSE(r.o.samples.empty());
}

TEST_CASE("the documented symptom in the TaskManager's log passes the faulty run") {
  FakeClusters f{{heap_oom_in_tm()}};
  Ran r = run(plan_expecting(Symptom::oom_heap), f);
  CHECK(r.v.outcome == Outcome::pass);
  CHECK(r.v.observed == Symptom::oom_heap);
  CHECK(r.o.timings.first_symptom == 4000ms);
}

TEST_CASE("corner: the JobManager dies while the job runs -> error, not fail") {
  Script s;
  s.lines = cluster_up();
  s.job_states = {{1000ms, "RUNNING"}};
  s.exits[Role::jobmanager] = {7000ms, ExitStatus{true, 9}};
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::healthy), f);
  CHECK(r.v.outcome == Outcome::error);
  CHECK(r.v.reason == "the JobManager (not under test) killed by SIGKILL (137) before the job ended (see jm.log)");
}

TEST_CASE("corner: the JobManager dies before the job was seen -> error") {
  Script s;
  s.lines = cluster_up();
  s.exits[Role::jobmanager] = {1500ms, ExitStatus{false, 1}};
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::oom_heap), f);
  CHECK(r.v.outcome == Outcome::error);
  CHECK(r.v.reason.starts_with("the JobManager (not under test) exited 1"));
}

TEST_CASE("corner: the JobManager exiting after the job's final state is no error") {
  Script s = heap_oom_in_tm();
  s.exits[Role::jobmanager] = {4200ms, ExitStatus{false, 0}};
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::oom_heap), f);
  CHECK(r.v.outcome == Outcome::pass);
}

TEST_CASE("corner: a timeout with nothing seen -> error, after thread dumps") {
  Script s;
  s.lines = cluster_up();
  s.job_states = {{1000ms, "RUNNING"}};
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::oom_heap, 20s), f);
  CHECK(r.o.timed_out);
  CHECK(f.calls[0].stopped_gently);
  CHECK(r.v.outcome == Outcome::error);
  CHECK(r.v.reason.starts_with("no outcome within 20s"));
}

TEST_CASE("corner: a symptom printed while the timed-out run is stopped does not count") {
  Script s;
  s.lines = cluster_up();
  s.job_states = {{1000ms, "RUNNING"}};
  // The deadline is 20 s after the monitor starts (0.8 s derive): the OOM comes during shutdown.
  s.lines.push_back({21'500ms, Role::taskmanager, "java.lang.OutOfMemoryError: Java heap space"});
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::oom_heap, 20s), f);
  REQUIRE(r.o.hits.size() == 1);  // recorded as evidence ...
  CHECK(r.o.timings.deadline == 20'800ms);
  CHECK(r.v.outcome == Outcome::error);  // ... but the timeout wins
  CHECK(r.v.reason.starts_with("no outcome within 20s"));
}

TEST_CASE("corner: a symptom from the JobManager is never the TaskManager's") {
  Script s;
  s.lines = cluster_up();
  s.lines.push_back({3000ms, Role::jobmanager, "java.lang.OutOfMemoryError: Java heap space"});
  s.job_states = {{1000ms, "RUNNING"}};
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::oom_heap, 20s), f);
  CHECK(r.v.outcome == Outcome::error);
  CHECK(r.v.reason == "the JobManager (not under test) showed oom-heap: java.lang.OutOfMemoryError: Java heap space");
}

TEST_CASE("corner: the same words in a config dump or an argument are no symptom") {
  Script s = healthy_run();
  s.lines.push_back({1000ms, Role::taskmanager,
                     "2026-12-02 09:38:17,148 INFO  GlobalConfiguration [] - Loading configuration property: "
                     "x.note, java.lang.OutOfMemoryError: Java heap space"});
  s.lines.push_back({1100ms, Role::taskmanager, "    -Dnote=java.lang.OutOfMemoryError: Metaspace"});
  s.lines.push_back({1200ms, Role::jobmanager,
                     "INFO  Program Arguments: --text java.io.IOException: "
                     "Insufficient number of network buffers: required 1"});
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::healthy), f);
  CHECK(r.o.hits.empty());
  CHECK(r.v.outcome == Outcome::pass);
}

TEST_CASE("corner: BashJavaUtils failing without an IllegalConfigurationException -> error") {
  Script s;
  s.derivation.output = "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space\n"
                        "\tat org.apache.flink.runtime.util.bash.BashJavaUtils.main(BashJavaUtils.java:47)\n";
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::illegal_config), f);
  CHECK(f.calls[0].started.empty());  // derived first: no JobManager, no TaskManager
  CHECK(r.v.outcome == Outcome::error);
  CHECK(r.v.reason.starts_with("BashJavaUtils failed, and not with Flink's IllegalConfigurationException from "
                               "TaskExecutorProcessUtils (see derive.log): Exception in thread \"main\" "
                               "java.lang.OutOfMemoryError: Java heap space"));
}

TEST_CASE("corner: BashJavaUtils that cannot even start -> error naming the missing class") {
  Script s;
  s.derivation.output = "Error: Could not find or load main class org.apache.flink.runtime.util.bash.BashJavaUtils\n";
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::healthy), f);
  CHECK(r.v.outcome == Outcome::error);
  CHECK(r.v.reason == "BashJavaUtils could not run (see derive.log): Error: Could not find or load main class "
                      "org.apache.flink.runtime.util.bash.BashJavaUtils");
}

TEST_CASE("Flink refusing the configuration is the illegal-config symptom") {
  Script s;
  s.derivation.output =
      "Exception in thread \"main\" org.apache.flink.configuration.IllegalConfigurationException: "
      "TaskManager memory configuration failed: Sum of configured ... exceed\n"
      "\tat org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils.processSpecFromConfig(x)\n";
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::illegal_config), f);
  CHECK(r.v.outcome == Outcome::pass);
  CHECK(r.v.reason == "TaskManager memory configuration failed: Sum of configured ... exceed "
                      "[made in TaskExecutorProcessUtils.processSpecFromConfig]");
}

TEST_CASE("the kernel's kill of the TaskManager's own cgroup is container-killed") {
  Script s;
  s.lines = cluster_up();
  s.job_states = {{1000ms, "RUNNING"}};
  s.exits[Role::taskmanager] = {9000ms, ExitStatus{true, 9}};
  s.cgroups[Role::taskmanager] = {1, 1ULL << 30, ""};
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::container_killed), f);
  CHECK(r.v.outcome == Outcome::pass);
  CHECK(r.o.timings.subject_exited == 9000ms);
  CHECK(r.o.peak_bytes == 1ULL << 30);
}

TEST_CASE("a SIGKILL without an OOM kill of the TaskManager's cgroup is not container-killed") {
  Script s;
  s.lines = cluster_up();
  s.exits[Role::taskmanager] = {9000ms, ExitStatus{true, 9}};
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::container_killed), f);
  CHECK(r.v.outcome == Outcome::fail);
  CHECK(r.v.reason == "expected container-killed, saw no known symptom: TM killed by SIGKILL (137), no OOM kill "
                      "counted by its cgroup (see dmesg)");
}

TEST_CASE("the JobManager's port taken: tried again on a new port, the first try kept aside") {
  Script taken;
  taken.lines = {{1200ms, Role::jobmanager,
                  "INFO  Shutting StandaloneApplicationClusterEntryPoint down with application status FAILED. "
                  "Diagnostics java.net.BindException: Could not start actor system on any port in port range 6123"}};
  taken.exits[Role::jobmanager] = {1300ms, ExitStatus{false, 1}};
  Script fine = healthy_run();
  fine.port = 7001;
  FakeClusters f{{taken, fine}};
  Ran r = run(plan_expecting(Symptom::healthy), f);
  CHECK(r.v.outcome == Outcome::pass);
  REQUIRE(f.calls.size() == 2);
  CHECK(f.calls[0].set_aside == 1);
  CHECK(r.o.ports.at("jobmanager.rpc.port") == "7001");
  REQUIRE(r.o.notes.size() == 1);
  CHECK(r.o.notes[0].starts_with("try 1: jobmanager.rpc.port 6123 was taken"));
}

TEST_CASE("the JobManager's port taken on every try -> error after three") {
  Script taken;
  taken.lines = {{1200ms, Role::jobmanager,
                  "java.net.BindException: Could not start actor system on any port in port range 6123"}};
  taken.exits[Role::jobmanager] = {1300ms, ExitStatus{false, 1}};
  FakeClusters f{{taken}};
  Ran r = run(plan_expecting(Symptom::healthy), f);
  CHECK(f.calls.size() == std::size_t(kPortTries));
  CHECK(r.v.outcome == Outcome::error);
  CHECK(r.v.reason.starts_with("the JobManager could not bind jobmanager.rpc.port 6123"));
  CHECK(r.o.notes.size() == 2);
}

TEST_CASE("an interrupt while the TaskManager runs -> interrupted, torn down") {
  Script s = healthy_run();
  s.stop_at = 3000ms;
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::healthy), f);
  CHECK(r.o.interrupted);
  CHECK(f.calls[0].torn_down);
  CHECK(r.v.outcome == Outcome::error);
  CHECK(r.v.reason == "interrupted");
}

TEST_CASE("an interrupt while Flink derives -> interrupted, no TaskManager started") {
  Script s;
  s.stop_at = 300ms;
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::healthy), f);
  CHECK(r.o.interrupted);
  CHECK(f.calls[0].started.empty());
  CHECK(f.calls.size() == 1);
}

TEST_CASE("a log write that fails (disk full) -> error: the evidence is incomplete") {
  Script s = heap_oom_in_tm();
  s.disk_full_at = 2000ms;
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::oom_heap), f);
  CHECK(r.v.outcome == Outcome::error);
  CHECK(r.v.reason == "cannot write 'tm.log': No space left on device");
}

TEST_CASE("a symptom ends the run once the job settles, without waiting for the timeout") {
  Script s;
  s.lines = cluster_up();
  s.lines.push_back({4000ms, Role::taskmanager, "java.lang.OutOfMemoryError: Metaspace"});
  s.job_states = {{1000ms, "RUNNING"}};  // the job never reaches a final state
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::oom_metaspace, 90s), f);
  CHECK(r.v.outcome == Outcome::pass);
  CHECK_FALSE(r.o.timed_out);
  CHECK(r.o.timings.total < 16s);
}

// The JobManager as the subject: its derivation, its log, its cgroup; the TaskManager is the
// harness's.

namespace {

VariantPlan jm_plan_expecting(Symptom s) {
  VariantPlan p = plan_expecting(s, 60s);
  p.scenario_id = "jm-heap-space";
  p.subject = Role::jobmanager;
  p.workload_class = "org.tmfault.workloads.JmHeap";
  return p;
}

MemoryBreakdown jm_breakdown() {
  MemoryBreakdown m;
  m.role = Role::jobmanager;
  m.jm_heap = 448ULL << 20, m.jm_off_heap = 128ULL << 20, m.jvm_metaspace = 256ULL << 20, m.jvm_overhead = 192ULL << 20;
  m.jvm_args = {"-Xmx469762048", "-Xms469762048", "-XX:MaxMetaspaceSize=268435456"};
  m.dynamic_args = {"-D", "jobmanager.memory.heap.size=469762048b"};
  return m;
}

/// A JobManager subject whose job runs and finishes.
Script jm_job_finishes() {
  Script s;
  s.derivation.memory = jm_breakdown();
  s.lines = cluster_up();
  s.lines.push_back({6000ms, Role::jobmanager, "INFO  Job heap (c0ffee) switched from state RUNNING to FINISHED."});
  s.job_states = {{2000ms, "RUNNING"}, {6000ms, "FINISHED"}};
  return s;
}

/// Flink 1.20.5: main() fails with the OOM before it submits a job; the JobManager reports it and
/// exits 2.
Script jm_heap_oom() {
  Script s;
  s.derivation.memory = jm_breakdown();
  s.lines = {{900ms, Role::jobmanager, "INFO  Rest endpoint listening at http://127.0.0.1:8081"},
             {3000ms, Role::jobmanager, "Caused by: java.lang.OutOfMemoryError: Java heap space"}};
  s.exits[Role::jobmanager] = {3400ms, ExitStatus{false, 2}};
  return s;
}

}  // namespace

TEST_CASE("JobManager subject: sized by GET_JM_RESOURCE_PARAMS, its cgroup limit its total process size") {
  FakeClusters f{{jm_heap_oom()}};
  Ran r = run(jm_plan_expecting(Symptom::oom_heap), f);
  CHECK(f.calls[0].derived == std::vector<std::string>{"jm-conf jm derive.log"});
  CHECK(f.calls[0].started == std::vector<Role>{Role::jobmanager});  // no job taken: no TaskManager needed
  CHECK(r.o.cgroup_limit_bytes == 1024ULL << 20);
  CHECK(r.v.outcome == Outcome::pass);  // its own exit after the symptom is no infrastructure failure
  CHECK(r.v.observed == Symptom::oom_heap);
  CHECK(r.o.timings.subject_exited == 3400ms);
}

TEST_CASE("JobManager subject: Flink refusing its options starts no process at all") {
  Script s;
  s.derivation.output =
      "Exception in thread \"main\" org.apache.flink.configuration.IllegalConfigurationException: Cannot read "
      "memory size from config option 'jobmanager.memory.off-heap.size'.\n"
      "\tat "
      "org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils.getMemorySizeFromConfig(ProcessMemoryUtils.java:"
      "281)\n"
      "\tat "
      "org.apache.flink.runtime.jobmanager.JobManagerProcessUtils.processSpecFromConfig(JobManagerProcessUtils.java:57)"
      "\n";
  FakeClusters f{{s}};
  VariantPlan p = jm_plan_expecting(Symptom::illegal_config);
  p.expect_mentions = {"jobmanager.memory.off-heap.size"};
  Ran r = run(p, f);
  CHECK(f.calls[0].started.empty());
  CHECK(r.v.outcome == Outcome::pass);
  CHECK(r.v.reason == "Cannot read memory size from config option 'jobmanager.memory.off-heap.size'. "
                      "[made in ProcessMemoryUtils.getMemorySizeFromConfig]");
}

TEST_CASE("JobManager subject: the kernel's kill of its own cgroup is container-killed") {
  Script s;
  s.derivation.memory = jm_breakdown();
  s.lines = cluster_up();
  s.exits[Role::jobmanager] = {5000ms, ExitStatus{true, 9}};
  s.cgroups[Role::jobmanager] = {1, 2ULL << 30, ""};
  s.cgroups[Role::taskmanager] = {0, 300ULL << 20, ""};
  FakeClusters f{{s}};
  Ran r = run(jm_plan_expecting(Symptom::container_killed), f);
  CHECK(r.v.outcome == Outcome::pass);
  CHECK(r.v.reason == "JM killed by SIGKILL (137), cgroup oom_kill=1, no Java error");
  CHECK(r.o.peak_bytes == 2ULL << 30);
}

TEST_CASE("JobManager subject: its TaskManager starts once the JobManager took the job") {
  Script s = jm_job_finishes();
  FakeClusters f{{s}};
  Ran r = run(jm_plan_expecting(Symptom::healthy), f);
  CHECK(f.calls[0].derived == std::vector<std::string>{"jm-conf jm derive.log", "tm-conf tm derive-tm.log"});
  CHECK(f.calls[0].started == std::vector<Role>{Role::jobmanager, Role::taskmanager});
  CHECK(f.calls[0].harness_own == std::vector<Role>{Role::taskmanager});
  CHECK(f.calls[0].submitted.empty());  // application mode: its main() ran in it, never resubmitted elsewhere
  CHECK(r.v.outcome == Outcome::pass);
}

TEST_CASE("JobManager subject: the TaskManager (not under test) dying is an error; its symptoms are not the JM's") {
  Script s;
  s.derivation.memory = jm_breakdown();
  s.lines = cluster_up();
  s.lines.push_back({3000ms, Role::taskmanager, "java.lang.OutOfMemoryError: Java heap space"});
  s.exits[Role::taskmanager] = {3500ms, ExitStatus{false, 1}};
  FakeClusters f{{s}};
  Ran r = run(jm_plan_expecting(Symptom::oom_heap), f);
  CHECK(r.v.outcome == Outcome::error);
  CHECK(r.v.reason == "the TaskManager (not under test) exited 1 (Flink fatal error or uncaught exception) before "
                      "the job ended (see tm.log)");
}

TEST_CASE("JobManager subject: a symptom before any job ends the run without the long settle") {
  Script s = jm_heap_oom();
  s.exits.clear();  // Flink 2.3.0: the application FAILED, the JobManager stays up
  FakeClusters f{{s}};
  Ran r = run(jm_plan_expecting(Symptom::oom_heap), f);
  CHECK(r.v.outcome == Outcome::pass);
  CHECK(r.o.timings.total < 6s);
}

TEST_CASE("a workloads jar without the job's class is the environment's fault, not a verdict") {
  Script s;
  s.lines = cluster_up();
  s.lines.push_back({1500ms, Role::jobmanager,
                     "Caused by: org.apache.flink.client.program.ProgramInvocationException: The program's entry point "
                     "class 'org.tmfault.workloads.JmHeap' was not found in the jar file."});
  s.exits[Role::jobmanager] = {1600ms, ExitStatus{false, 1}};
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::healthy), f);
  CHECK(r.v.outcome == Outcome::error);
  CHECK(r.v.reason == "the workloads jar does not hold the job (rebuild it: ci/setup): The program's entry point class "
                      "'org.tmfault.workloads.JmHeap' was not found in the jar file.");
}

TEST_CASE("corner: an OOM kill by the machine or a parent's limit is an error, never container-killed") {
  Script s;
  s.lines = cluster_up();
  s.exits[Role::taskmanager] = {9000ms, ExitStatus{true, 9}};
  s.cgroups[Role::taskmanager].foreign_oom_kill =
      "memory.events.local oom_kill 1 but oom 0; the machine ran out (vmstat oom_kill +1)";
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::container_killed), f);
  CHECK(r.v.outcome == Outcome::error);
  CHECK(r.v.reason == "the TaskManager was OOM-killed, not by its own cgroup's limit: memory.events.local oom_kill 1 "
                      "but oom 0; the machine ran out (vmstat oom_kill +1)");
}

// A lane's session JobManager: the TaskManager subject's job is submitted to it over REST.

TEST_CASE("session JobManager: no JobManager started, the job submitted once the TM is sized") {
  Script s = heap_oom_in_tm();
  s.session = SessionEndpoint{7123, 8081, 3, {}};
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::oom_heap), f);
  CHECK(f.calls[0].attached);
  CHECK(f.calls[0].started == std::vector<Role>{Role::taskmanager});
  CHECK(f.calls[0].harness_own.empty());
  CHECK(f.calls[0].submitted == std::vector<std::string>{"org.tmfault.workloads.Heap"});
  // no JobManager of its own: the TM's conf, for Flink's memory model, then on the session's port
  CHECK(f.calls[0].confs == std::vector<std::string>{"tm-conf", "tm-conf"});
  CHECK(r.o.ports.at("jobmanager.rpc.port") == "7123");
  CHECK(r.v.outcome == Outcome::pass);
  REQUIRE_FALSE(r.o.notes.empty());
  CHECK(r.o.notes.back().find("ran 3 variant(s) before this one") != std::string::npos);
}

TEST_CASE("session JobManager: a job it refuses is the harness's error, and no TaskManager starts") {
  Script s = healthy_run();
  s.session = SessionEndpoint{7123, 8081, 0, {}};
  s.submission = {"", "The main method caused an error: unexpected argument '--bogus'"};
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::healthy), f);
  CHECK(f.calls[0].started.empty());
  CHECK(r.v.outcome == Outcome::error);
  CHECK(r.v.reason ==
        "the JobManager did not take the job: The main method caused an error: unexpected argument '--bogus'");
}

TEST_CASE("session JobManager: its death while the job runs is an error") {
  Script s;
  s.session = SessionEndpoint{7123, 8081, 0, {}};
  s.lines = cluster_up();
  s.job_states = {{1000ms, "RUNNING"}};
  s.exits[Role::jobmanager] = {6000ms, ExitStatus{true, 9}};
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::healthy), f);
  CHECK(r.v.outcome == Outcome::error);
  CHECK(r.v.reason.starts_with("the JobManager (not under test) killed by SIGKILL (137) before the job ended"));
}

TEST_CASE("session JobManager: a JobManager subject never uses it") {
  Script s = jm_heap_oom();
  s.session = SessionEndpoint{7123, 8081, 0, {}};
  FakeClusters f{{s}};
  Ran r = run(jm_plan_expecting(Symptom::oom_heap), f);
  CHECK_FALSE(f.calls[0].attached);
  CHECK(r.v.outcome == Outcome::pass);
}

TEST_CASE("submissions: each finished job is submitted again to the same TaskManager, until the symptom") {
  Script s;
  s.session = SessionEndpoint{7123, 8081, 0, {}};
  s.lines = cluster_up();
  s.job_states = {{1000ms, "RUNNING"}, {3000ms, "FINISHED"}};
  s.later_jobs = {{{500ms, "RUNNING"}, {1000ms, "FINISHED"}}, {{500ms, "RUNNING"}}};
  s.lines.push_back({15000ms, Role::taskmanager, "java.lang.OutOfMemoryError: Metaspace"});
  s.exits[Role::taskmanager] = {15100ms, ExitStatus{false, 239}};
  FakeClusters f{{s}};
  VariantPlan p = plan_expecting(Symptom::oom_metaspace);
  p.submissions = 5;
  Ran r = run(p, f);
  CHECK(f.calls[0].submitted.size() == 3);
  REQUIRE(r.o.jobs.size() == 3);
  CHECK(r.o.jobs[0].id == "c0ffee");
  CHECK(r.o.jobs[0].state == "FINISHED");
  CHECK(r.o.jobs[1].id == "c0ffee-2");
  CHECK(r.o.jobs[1].state == "FINISHED");
  CHECK(r.o.jobs[1].at > *r.o.jobs[0].ended - 1ms);
  CHECK(r.o.jobs[2].state == "RUNNING");
  CHECK_FALSE(r.o.jobs[2].ended);
  CHECK(r.v.outcome == Outcome::pass);
  CHECK(r.v.observed == Symptom::oom_metaspace);
}

TEST_CASE("submissions: the last one finishing is a healthy run; without a session JobManager, an error") {
  Script s;
  s.session = SessionEndpoint{7123, 8081, 0, {}};
  s.lines = cluster_up();
  s.job_states = {{1000ms, "RUNNING"}, {3000ms, "FINISHED"}};
  s.later_jobs = {{{1000ms, "FINISHED"}}};
  FakeClusters f{{s}};
  VariantPlan p = plan_expecting(Symptom::healthy);
  p.submissions = 2;
  Ran r = run(p, f);
  CHECK(r.o.jobs.size() == 2);
  CHECK(r.o.job_state == "FINISHED");
  CHECK(r.v.outcome == Outcome::pass);

  FakeClusters lone{{healthy_run()}};
  Ran e = run(p, lone);
  CHECK(e.v.outcome == Outcome::error);
  CHECK(e.o.harness_error == "submitting a job more than once needs a session JobManager, and this run has none");
}

TEST_CASE("corner: an OutOfMemoryError the JVM could not log counts only with a pool full just before the exit") {
  auto script = [](std::uint64_t metaspace_used_mib) {
    Script s;
    s.lines = cluster_up();
    s.job_states = {{1000ms, "RUNNING"}};
    s.lines.push_back(
        {9800ms, Role::taskmanager,
         "Caught exception class java.lang.OutOfMemoryError logging exception class java.lang.InternalError"});
    s.exits[Role::taskmanager] = {10000ms, ExitStatus{false, 239}};
    PoolSample p;
    p.at = 9700ms;
    p.metaspace_used = metaspace_used_mib << 20;
    p.metaspace_max = 192ull << 20;
    s.pools = {p};
    return s;
  };
  FakeClusters full{{script(184)}};
  Ran r = run(plan_expecting(Symptom::oom_metaspace), full);
  CHECK(r.v.outcome == Outcome::pass);
  CHECK(r.v.reason.find("could not log its OutOfMemoryError") != std::string::npos);
  CHECK(r.v.reason.find("metaspace 184/192 MiB") != std::string::npos);

  FakeClusters roomy{{script(90)}};
  Ran n = run(plan_expecting(Symptom::oom_metaspace), roomy);
  CHECK(n.v.outcome == Outcome::fail);
  CHECK_FALSE(n.v.observed_known);
}

TEST_CASE("corner: a TaskManager's error only in the job's failure (its log line lost) is Flink's word for it") {
  Script s;
  s.lines = cluster_up();
  s.job_states = {{1000ms, "RUNNING"}, {5000ms, "FAILED"}};
  s.root_exception = "org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy\n"
                     "\tat org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler.handleFailure\n"
                     "Caused by: java.lang.OutOfMemoryError: Metaspace\n";
  FakeClusters f{{s}};
  Ran r = run(plan_expecting(Symptom::oom_metaspace), f);
  CHECK(r.v.outcome == Outcome::pass);
  CHECK(r.v.reason == "the job's failure (REST), not in the TM log: Caused by: java.lang.OutOfMemoryError: Metaspace");

  Script jm = s;  // a JobManager subject: the job's tasks ran on the harness's TaskManager
  jm.derivation.memory = jm_breakdown();
  FakeClusters g{{jm}};
  Ran n = run(jm_plan_expecting(Symptom::oom_metaspace), g);
  CHECK_FALSE(n.v.outcome == Outcome::pass);
  CHECK(n.v.reason.find("root cause: java.lang.OutOfMemoryError: Metaspace") != std::string::npos);
}

TEST_CASE("env: only the subject gets the scenario's variables, on top of what Flink's scripts set") {
  VariantPlan tm = plan_expecting(Symptom::healthy);
  tm.env = {{"MALLOC_ARENA_MAX", "2"}, {"HOME", "/scenario-home"}};
  FakeClusters f{{healthy_run()}};
  Ran r = run(tm, f);
  REQUIRE(f.calls[0].started == std::vector<Role>{Role::jobmanager, Role::taskmanager});
  const auto& tm_env = f.calls[0].env.at(Role::taskmanager);
  CHECK(tm_env.at("MALLOC_ARENA_MAX") == "2");
  CHECK(tm_env.at("HOME") == "/scenario-home");  // the scenario's value wins
  CHECK(tm_env.at("FLINK_CONF_DIR") == "/nonexistent/run/tm-conf");
  CHECK(f.calls[0].env.at(Role::jobmanager).count("MALLOC_ARENA_MAX") == 0);  // infrastructure: as ever
  CHECK(r.v.outcome == Outcome::pass);

  VariantPlan jm = jm_plan_expecting(Symptom::healthy);
  jm.env = {{"MALLOC_ARENA_MAX", "1"}};
  Script s = jm_job_finishes();
  FakeClusters g{{s}};
  run(jm, g);
  REQUIRE(g.calls[0].started == std::vector<Role>{Role::jobmanager, Role::taskmanager});
  CHECK(g.calls[0].env.at(Role::jobmanager).at("MALLOC_ARENA_MAX") == "1");
  CHECK(g.calls[0].env.at(Role::taskmanager).count("MALLOC_ARENA_MAX") == 0);
}
