#include <catch2/catch.hpp>

#include "harness/stages/detectors.h"

using namespace tmfault;

TEST_CASE("OutOfMemoryError texts, raw and re-worded by Flink, map to one symptom each") {
  auto sym = [](std::string_view l) { return classify_line(l).symptom; };
  CHECK(sym("java.lang.OutOfMemoryError: Java heap space") == Symptom::oom_heap);
  CHECK(sym("Caused by: java.lang.OutOfMemoryError: Java heap space") == Symptom::oom_heap);
  CHECK(sym("java.lang.OutOfMemoryError: Cannot reserve 1048576 bytes of direct buffer memory "
            "(allocated: 16777216, limit: 16777216)") == Symptom::oom_direct);
  CHECK(sym("java.lang.OutOfMemoryError: Direct buffer memory. The direct out-of-memory error "
            "has occurred.") == Symptom::oom_direct);
  CHECK(sym("java.lang.OutOfMemoryError: Metaspace. The metaspace out-of-memory error has "
            "occurred.") == Symptom::oom_metaspace);
  CHECK(sym("java.io.IOException: Insufficient number of network buffers: required 17, but only "
            "0 available.") == Symptom::network_buffers);
  CHECK_FALSE(sym("java.lang.OutOfMemoryError: unable to create native thread"));
  CHECK_FALSE(sym("INFO taskmanager.memory.task.heap.size=402653174b"));
  CHECK_FALSE(sym("Java heap space is fine"));
}

TEST_CASE("milestones") {
  CHECK(classify_line("INFO  Rest endpoint listening at 127.0.0.1:40123").milestone == Milestone::jm_ready);
  // A JVM that could not run at all is the environment's fault, not Flink's answer:
  CHECK(java_launch_failure(
            "Error: Could not find or load main class org.apache.flink.runtime.util.bash.BashJavaUtils\n"
            "Caused by: java.lang.ClassNotFoundException: org.apache.flink.runtime.util.bash.BashJavaUtils\n") ==
        "Error: Could not find or load main class org.apache.flink.runtime.util.bash.BashJavaUtils");
  CHECK(java_launch_failure(
            "Exception in thread \"main\" org.apache.flink.configuration.IllegalConfigurationException: x\n")
            .empty());
  // Flink 1.20.5, JM whose jobmanager.rpc.port was taken (seen on this machine):
  CHECK(classify_line("INFO  org.apache.flink.runtime.entrypoint.ClusterEntrypoint [] - Shutting "
                      "StandaloneApplicationClusterEntryPoint down with application status FAILED. "
                      "Diagnostics java.net.BindException: Could not start actor system on any "
                      "port in port range 45678")
            .milestone == Milestone::rpc_port_taken);
  CHECK(classify_line("Successful registration at resource manager "
                      "pekko.tcp://flink@127.0.0.1:6123/user/rpc/resourcemanager_0 under registration id x.")
            .milestone == Milestone::tm_registered);
  std::string end = "Job heap (c0ffee) switched from state RUNNING to FAILED.";
  CHECK(classify_line(end).milestone == Milestone::job_ended);
  CHECK(job_end_state(end) == "FAILED");
  CHECK(job_end_state("Job heap (c0ffee) switched from state CREATED to RUNNING.").empty());
}

TEST_CASE("IllegalConfigurationException messages are extracted with their causes") {
  std::string out = "Exception in thread \"main\" org.apache.flink.configuration.IllegalConfigurationException: "
                    "TaskManager memory configuration failed: Inconsistently configured x\n"
                    "\tat org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils.processSpecFromConfig\n"
                    "Caused by: org.apache.flink.configuration.IllegalConfigurationException: Inconsistently "
                    "configured x\n";
  CHECK(illegal_config_message(out, Role::taskmanager) ==
        "TaskManager memory configuration failed: Inconsistently configured x");
  CHECK(illegal_config_message(out, Role::jobmanager).empty());  // not the JobManager's derivation
  CHECK(illegal_config_message("no exception", Role::taskmanager).empty());
}

TEST_CASE("a JobManager's IllegalConfigurationException, and where it was made (Flink 2.3.0: no wrapper)") {
  std::string out =
      "Exception in thread \"main\" org.apache.flink.configuration.IllegalConfigurationException: Inconsistently "
      "configured Key: 'jobmanager.memory.jvm-overhead.fraction' , default: 0.1 (fallback keys: []) (1.5) and its "
      "min (192.000mb (201326592 bytes)), max (1024.000mb (1073741824 bytes)) value\n"
      "\tat "
      "org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils.getRangeFraction(ProcessMemoryUtils.java:295)\n"
      "\tat "
      "org.apache.flink.runtime.jobmanager.JobManagerProcessUtils.processSpecFromConfig(JobManagerProcessUtils.java:57)"
      "\n"
      "Caused by: java.lang.IllegalArgumentException: fraction must be in range [0, 1)\n"
      "\tat org.apache.flink.util.Preconditions.checkArgument(Preconditions.java:138)\n";
  CHECK(illegal_config_message(out, Role::jobmanager).starts_with("Inconsistently configured Key: 'jobmanager.memory"));
  CHECK(illegal_config_message(out, Role::taskmanager).empty());
  CHECK(illegal_config_origin(out) == "ProcessMemoryUtils.getRangeFraction");
  CHECK(illegal_config_origin("nothing").empty());
}
