#include <catch2/catch.hpp>

#include <algorithm>

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness/flink/class_data.h"
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

TEST_CASE("a class-data archive is named by what it depends on, not by a run's paths") {
  std::vector<std::string> a{"-Xmx1",
                             "-XX:TieredStopAtLevel=1",
                             "--add-opens=java.base/java.lang=ALL-UNNAMED",
                             "-Dlog.file=/run/1/jm.log",
                             "-classpath",
                             "/lib/a.jar:/lib/b.jar",
                             "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                             "--configDir",
                             "/run/1/conf"};
  std::string name = class_data_archive_name("jdk 17.0.13", a);
  CHECK(name.starts_with("StandaloneSessionClusterEntrypoint-"));
  CHECK(name.ends_with(".jsa"));
  auto changed = [&](std::size_t i, std::string v) {
    auto b = a;
    b[i] = std::move(v);
    return class_data_archive_name("jdk 17.0.13", b);
  };
  CHECK(changed(3, "-Dlog.file=/run/2/jm.log") == name);  // another run, the same archive
  CHECK(changed(8, "/run/2/conf") == name);
  CHECK(changed(0, "-Xmx2") == name);  // a heap size does not change which classes load
  CHECK(changed(1, "-XX:TieredStopAtLevel=4") != name);
  CHECK(changed(2, "--add-opens=java.base/java.io=ALL-UNNAMED") != name);
  CHECK(changed(5, "/lib/a.jar:/lib/c.jar") != name);  // another distribution
  CHECK(changed(6, "org.apache.flink.runtime.taskexecutor.TaskManagerRunner").starts_with("TaskManagerRunner-"));
  CHECK(class_data_archive_name("jdk 17.0.14", a) != name);  // an updated JDK
}

TEST_CASE("class-data archives: one JVM records, the others wait for its archive, then all map it") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / fmt::format("tmfault-class-data-{}", ::getpid());
  fs::remove_all(dir);
  std::vector<std::string> args{"-classpath", "/lib/a.jar", "org.example.Main"};
  auto has = [](const ClassDataArchives::Use& u, std::string_view prefix) {
    return std::any_of(u.flags.begin(), u.flags.end(), [&](const std::string& f) { return f.starts_with(prefix); });
  };
  CHECK(ClassDataArchives({}).use("/usr/bin/java", args).flags.empty());  // no directory: off

  ClassDataArchives archives(dir);
  ClassDataArchives::Use first = archives.use("/usr/bin/java", args);
  REQUIRE(has(first, "-XX:ArchiveClassesAtExit="));
  CHECK(archives.use("/usr/bin/java", args).flags.empty());  // while the first records
  archives.finish(first, false);                               // killed: nothing kept
  CHECK_FALSE(fs::exists(first.archive));

  ClassDataArchives::Use second = archives.use("/usr/bin/java", args);
  REQUIRE(has(second, "-XX:ArchiveClassesAtExit="));
  std::ofstream(second.recording) << "an archive";  // what the JVM writes as it exits
  archives.finish(second, true);
  CHECK(fs::exists(second.archive));
  ClassDataArchives::Use third = archives.use("/usr/bin/java", args);
  CHECK(has(third, "-XX:SharedArchiveFile=" + second.archive.string()));
  CHECK(third.recording.empty());
  CHECK(has(third, "-Xlog:cds=off"));  // its warnings stay out of the logs read for symptoms
  fs::remove_all(dir);
}
