#include <catch2/catch.hpp>

#include "harness/stages/memory_model.h"

using namespace tmfault;

// The real output of Flink's BashJavaUtils for taskmanager.memory.process.size: 1728m, 4 slots.
static const char* kDefaultOutput =
    "INFO  [] - Loading configuration property: taskmanager.memory.process.size, 1728m\n"
    "BASH_JAVA_UTILS_EXEC_RESULT:-Xmx536870902 -Xms536870902 -XX:MaxDirectMemorySize=268435458 "
    "-XX:MaxMetaspaceSize=268435456\n"
    "BASH_JAVA_UTILS_EXEC_RESULT:-D taskmanager.memory.network.min=134217730b -D "
    "taskmanager.cpu.cores=4.0 -D taskmanager.memory.task.off-heap.size=0b -D "
    "taskmanager.memory.jvm-metaspace.size=268435456b -D external-resources=none -D "
    "taskmanager.memory.jvm-overhead.min=201326592b -D "
    "taskmanager.memory.framework.off-heap.size=134217728b -D "
    "taskmanager.memory.network.max=134217730b -D "
    "taskmanager.memory.framework.heap.size=134217728b -D "
    "taskmanager.memory.managed.size=536870920b -D taskmanager.memory.task.heap.size=402653174b "
    "-D taskmanager.numberOfTaskSlots=4 -D taskmanager.memory.jvm-overhead.max=201326592b\n";

TEST_CASE("BashJavaUtils output gives every component and the JVM flags") {
  std::string error;
  auto m = parse_bash_java_utils(kDefaultOutput, Role::taskmanager, error);
  REQUIRE(m);
  CHECK(m->task_heap == 402653174);
  CHECK(m->managed == 536870920);
  CHECK(m->network == 134217730);
  CHECK(m->jvm_overhead == 201326592);
  CHECK(m->jvm_heap() == 536870902);
  CHECK(m->jvm_direct() == 268435458);
  CHECK(m->total_process() == 1728ULL << 20);
  CHECK(m->jvm_args.size() == 4);
  CHECK(m->jvm_args[0] == "-Xmx536870902");
  CHECK(m->dynamic_args.size() == 26);
  CHECK(describe_memory(*m).find("total process") != std::string::npos);
}

TEST_CASE("BashJavaUtils output without two result lines is rejected like config.sh does") {
  std::string error;
  CHECK_FALSE(parse_bash_java_utils("Exception in thread main\n", Role::taskmanager, error));
  CHECK(error == "expected 2 'BASH_JAVA_UTILS_EXEC_RESULT:' lines from BashJavaUtils, got 0");
  CHECK_FALSE(parse_bash_java_utils("BASH_JAVA_UTILS_EXEC_RESULT:-Xmx1\nBASH_JAVA_UTILS_EXEC_RESULT:-D a=1b\n",
                                    Role::taskmanager, error));
  CHECK(error.find("no usable") != std::string::npos);
}
