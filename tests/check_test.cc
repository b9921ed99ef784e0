#include <catch2/catch.hpp>

#include <functional>

#include "harness/stages/check.h"

using namespace tmfault;

namespace {

VariantPlan expecting(Symptom s) {
  VariantPlan p;
  p.expect = s;
  p.timeout = Millis(90'000);
  return p;
}

Observation started() {
  Observation o;
  o.derive_ok = true;
  o.memory = MemoryBreakdown{};
  o.tm_started = true;
  return o;
}

}  // namespace

TEST_CASE("a documented symptom in the TM log passes the faulty run") {
  Observation o = started();
  o.hits.push_back({Symptom::oom_heap, "tm", "java.lang.OutOfMemoryError: Java heap space", Millis(900)});
  o.job_state = "FAILED";
  Verdict v = check(expecting(Symptom::oom_heap), o);
  CHECK(v.outcome == Outcome::pass);
  CHECK(v.observed == Symptom::oom_heap);
}

TEST_CASE("a different symptom is a wrong-symptom failure, not a pass") {
  Observation o = started();
  o.hits.push_back({Symptom::oom_direct, "tm", "java.lang.OutOfMemoryError: Cannot reserve", Millis(5)});
  Verdict v = check(expecting(Symptom::oom_heap), o);
  CHECK(v.outcome == Outcome::fail);
  CHECK(v.reason.find("expected oom-heap, saw oom-direct") == 0);
}

TEST_CASE("the earliest symptom wins") {
  Observation o = started();
  o.hits.push_back({Symptom::oom_heap, "tm", "later", Millis(50)});
  o.hits.push_back({Symptom::oom_metaspace, "tm", "first", Millis(10)});
  CHECK(check(expecting(Symptom::oom_metaspace), o).outcome == Outcome::pass);
}

TEST_CASE("healthy needs a FINISHED job, a live TM and no OOM kill") {
  Observation o = started();
  o.job_state = "FINISHED";
  CHECK(check(expecting(Symptom::healthy), o).outcome == Outcome::pass);
  o.oom_kills = 1;
  CHECK(check(expecting(Symptom::healthy), o).outcome == Outcome::fail);
  o.oom_kills = 0;
  o.tm_exit = ExitStatus{false, 1};
  CHECK(check(expecting(Symptom::healthy), o).outcome == Outcome::fail);
}

TEST_CASE("container-killed is SIGKILL plus a cgroup oom_kill and no Java error") {
  Observation o = started();
  o.tm_exit = ExitStatus{true, 9};
  o.oom_kills = 1;
  CHECK(check(expecting(Symptom::container_killed), o).outcome == Outcome::pass);
  o.oom_kills = 0;  // a SIGKILL not from the kernel's OOM killer
  CHECK(check(expecting(Symptom::container_killed), o).outcome == Outcome::fail);
}

TEST_CASE("an IllegalConfigurationException from the derivation is illegal-config") {
  Observation o;
  o.derive_ok = false;
  o.derive_output = "org.apache.flink.configuration.IllegalConfigurationException: TaskManager memory "
                    "configuration failed: Sum of configured ...\n\tat org.apache.flink.runtime."
                    "clusterframework.TaskExecutorProcessUtils.processSpecFromConfig(x.java:1)\n";
  Verdict v = check(expecting(Symptom::illegal_config), o);
  CHECK(v.outcome == Outcome::pass);
  CHECK(v.reason.find("Sum of configured") != std::string::npos);
  // BashJavaUtils that could not run says nothing about the guide: an error, not a fail
  o.derive_output = "Error: Could not find or load main class\n";
  CHECK(check(expecting(Symptom::illegal_config), o).outcome == Outcome::error);
  // an IllegalConfigurationException from elsewhere (e.g. a missing config dir) is not the symptom
  o.derive_output = "org.apache.flink.configuration.IllegalConfigurationException: The given "
                    "configuration directory name 'x' does not describe an existing directory.\n"
                    "\tat org.apache.flink.configuration.GlobalConfiguration.loadConfiguration\n";
  Verdict v2 = check(expecting(Symptom::illegal_config), o);
  CHECK(v2.outcome == Outcome::error);
  CHECK(v2.reason.find("configuration directory") != std::string::npos);
}

TEST_CASE("harness errors, interrupts and timeouts are errors, never pass or fail") {
  Observation o = started();
  o.harness_error = "cannot bind";
  CHECK(check(expecting(Symptom::healthy), o).outcome == Outcome::error);
  Observation t = started();
  t.timed_out = true;
  CHECK(check(expecting(Symptom::oom_heap), t).outcome == Outcome::error);
  Observation i = started();
  i.interrupted = true;
  i.job_state = "FINISHED";
  CHECK(check(expecting(Symptom::healthy), i).outcome == Outcome::error);
}

TEST_CASE("a symptom seen before a timeout still counts") {
  Observation o = started();
  o.timed_out = true;
  o.hits.push_back({Symptom::network_buffers, "tm", "Insufficient number of network buffers", Millis(3)});
  CHECK(check(expecting(Symptom::network_buffers), o).outcome == Outcome::pass);
}

TEST_CASE("the symptom's message must mention what the scenario names") {
  Observation o;
  o.derive_ok = false;
  o.derive_output = "org.apache.flink.configuration.IllegalConfigurationException: TaskManager memory "
                    "configuration failed: Inconsistently configured Key: 'taskmanager.memory.managed.fraction'"
                    "\n\tat org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils.x\n";
  VariantPlan p = expecting(Symptom::illegal_config);
  p.expect_mentions = {"taskmanager.memory.managed.fraction"};
  CHECK(check(p, o).outcome == Outcome::pass);
  p.expect_mentions = {"taskmanager.memory.network.fraction"};
  Verdict v = check(p, o);
  CHECK(v.outcome == Outcome::fail);
  CHECK(v.reason.find("does not mention 'taskmanager.memory.network.fraction'") != std::string::npos);
}

TEST_CASE("an OutOfMemoryError the JVM could not log: only a JVM pool full at most 2 s before the exit counts") {
  auto observed = [](const std::function<void(PoolSample&)>& fill, Millis age) {
    Observation o = started();
    o.oom_while_logging = "Caught exception class java.lang.OutOfMemoryError logging exception class X";
    o.tm_exit = ExitStatus{false, 239};
    o.timings.subject_exited = Millis(10'000);
    PoolSample p;
    p.at = Millis(10'000) - age;
    p.heap_used = 100ull << 20, p.heap_max = 1024ull << 20;
    p.network_segments_available = 2048, p.network_segments_total = 2048;  // all free (read raw: "full")
    p.managed_used = 256ull << 20, p.managed_total = 256ull << 20;       // reserved up front
    fill(p);
    o.usage = {p};
    return check(expecting(Symptom::oom_heap), o);
  };
  auto full_heap = [](PoolSample& p) { p.heap_used = 1000ull << 20; };
  Verdict v = observed(full_heap, Millis(500));
  CHECK(v.outcome == Outcome::pass);
  CHECK(v.reason.find("heap 1000/1024 MiB 0.5s before (Flink's metrics): inferred") != std::string::npos);
  CHECK_FALSE(observed(full_heap, Millis(2'500)).observed_known);  // too old to say
  // managed memory is reserved up front, and the network field counts free buffers: no inference
  CHECK_FALSE(observed([](PoolSample&) {}, Millis(500)).observed_known);
}

TEST_CASE(
    "mentions: any line of the same error from the subject may carry them (first wrapped, then in Flink's words)") {
  Observation o = started();
  o.hits.push_back({Symptom::oom_metaspace, "tm",
                    "java.util.concurrent.CompletionException: java.lang.OutOfMemoryError: Metaspace", Millis(12'632)});
  o.hits.push_back({Symptom::oom_metaspace, "jm", "OutOfMemoryError: Metaspace. taskmanager.memory.jvm-metaspace.size",
                    Millis(12'640)});  // another process: never the subject's words
  VariantPlan p = expecting(Symptom::oom_metaspace);
  p.expect_mentions = {"taskmanager.memory.jvm-metaspace.size"};
  Verdict v = check(p, o);
  CHECK(v.outcome == Outcome::fail);
  CHECK(v.reason.find("does not mention 'taskmanager.memory.jvm-metaspace.size'") != std::string::npos);

  o.hits.push_back({Symptom::oom_metaspace, "tm",
                    "java.lang.OutOfMemoryError: Metaspace. ... 'taskmanager.memory.jvm-metaspace.size' ...",
                    Millis(12'644)});
  v = check(p, o);
  CHECK(v.outcome == Outcome::pass);
  CHECK(v.reason == "tm log: java.lang.OutOfMemoryError: Metaspace. ... 'taskmanager.memory.jvm-metaspace.size' ...");
}
