#pragma once
// The Flink distribution under test and the files tmfault ships beside it.
#include <filesystem>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/error.h"

namespace tmfault {

struct FlinkDist {
  std::string version;                  ///< e.g. "1.20.5"
  std::filesystem::path lib;            ///< Flink's lib/ (jars)
  std::filesystem::path java;           ///< the java executable
  std::vector<std::string> java_opts_all;  ///< env.java.opts.all of Flink's shipped config (JDK 17)
  std::filesystem::path log4j_config;   ///< log4j-console.properties to copy into each conf dir
  std::filesystem::path log4j_bash_utils_config;  ///< the log4j2.properties of bin/bash-java-utils.jar
  std::filesystem::path workloads_jar;  ///< tmfault-workloads.jar
  std::vector<std::filesystem::path> classpath;  ///< lib jars in bin/config.sh order
  /// What config.sh runs BashJavaUtils with: bin/bash-java-utils.jar + the flink-dist jar of a
  /// real distribution; `classpath` for ci/setup's assembled lib/ (which has flink-runtime).
  std::vector<std::filesystem::path> bash_java_utils_classpath;
  std::set<std::string> option_keys;    ///< every option key of this version (empty: unknown)
  std::filesystem::path derive_all_source;  ///< ci/flink-dist/tools/DeriveAll.java
};

struct DistOptions {
  std::filesystem::path project_dir;    ///< the tmfault checkout (ci/, workloads/)
  std::optional<std::string> version;   ///< default: ci/flink-version
  std::optional<std::filesystem::path> flink_home;  ///< a user's unpacked distribution
};

/// Finds and checks everything; throws EnvironmentError naming what is missing and how to
/// set it up (ci/setup).
FlinkDist locate_dist(const DistOptions& o);

/// Default project dir: $TMFAULT_PROJECT_DIR, else the source tree tmfault was built from.
std::filesystem::path default_project_dir();

}  // namespace tmfault
