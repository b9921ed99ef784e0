#include <catch2/catch.hpp>

#include <algorithm>

#include "harness/flink/launch.h"

using namespace tmfault;

TEST_CASE("config.yaml quotes what YAML would misread") {
  std::string y = config_yaml({{"a", "1g"}, {"b", "-XX:+Foo -Dx=y"}, {"c", "it's"}, {"d", ""}});
  CHECK(y.find("a: 1g\n") != std::string::npos);
  CHECK(y.find("b: '-XX:+Foo -Dx=y'\n") != std::string::npos);
  CHECK(y.find("c: 'it''s'\n") != std::string::npos);
  CHECK(y.find("d: ''\n") != std::string::npos);
}

TEST_CASE("the TaskManager argv follows taskmanager.sh and flink-console.sh") {
  FlinkDist d;
  d.java_opts_all = {"--add-opens=java.base/java.lang=ALL-UNNAMED"};
  d.classpath = {"/lib/a.jar", "/lib/b.jar"};
  MemoryBreakdown m;
  m.jvm_args = {"-Xmx1", "-Xms1"};
  m.dynamic_args = {"-D", "taskmanager.memory.task.heap.size=1b"};
  auto a = taskmanager_args(d, m, {{"env.java.opts.taskmanager", "-XX:+UseSerialGC"}}, "/c", "/l/tm.log");
  auto at = [&](std::string_view s) { return std::find(a.begin(), a.end(), s) - a.begin(); };
  CHECK(a[0] == "-Xmx1");
  CHECK(at("-XX:+IgnoreUnrecognizedVMOptions") < at("--add-opens=java.base/java.lang=ALL-UNNAMED"));
  CHECK(at("-XX:+UseSerialGC") < at("-classpath"));
  CHECK(a[at("-classpath") + 1] == "/lib/a.jar:/lib/b.jar");
  CHECK(at("org.apache.flink.runtime.taskexecutor.TaskManagerRunner") < at("--configDir"));
  CHECK(a.back() == "taskmanager.memory.task.heap.size=1b");
  CHECK(at("-Dlog.file=/l/tm.log") < at("-classpath"));
}

TEST_CASE("cluster options keep everything on loopback and never restart") {
  auto o = cluster_options({6123}, "/run", Millis(90'000));
  auto get = [&](std::string_view k) {
    for (auto& [key, v] : o)
      if (key == k) return v;
    return std::string();
  };
  CHECK(get("jobmanager.rpc.address") == "127.0.0.1");
  CHECK(get("jobmanager.rpc.port") == "6123");
  CHECK(get("rest.bind-address") == "127.0.0.1");
  CHECK(get("taskmanager.bind-host") == "127.0.0.1");
  CHECK(get("restart-strategy.type") == "none");
  CHECK(get("io.tmp.dirs") == "/run/tmp");
}

TEST_CASE("only the JVMs not under test get quick-start flags") {
  FlinkDist d;
  d.classpath = {"/lib/a.jar"};
  MemoryBreakdown m;
  m.jvm_args = {"-Xmx1"};
  auto tm = taskmanager_args(d, m, {}, "/c", "/l");
  CHECK(std::find(tm.begin(), tm.end(), "-XX:TieredStopAtLevel=1") == tm.end());
  auto bju = bash_java_utils_args(d, "GET_TM_RESOURCE_PARAMS", "/c");
  CHECK(bju[0] == "-XX:TieredStopAtLevel=1");
  VariantPlan p;
  p.workload_class = "org.tmfault.workloads.Heap";
  auto jm = jobmanager_args(d, p, "/c", "/l");
  CHECK(std::find(jm.begin(), jm.end(), "-XX:TieredStopAtLevel=1") != jm.end());
}
