#include "harness/flink/dist.h"

#include "cgroup/os.h"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace tmfault {
namespace fs = std::filesystem;
namespace {

std::string read_trimmed(const fs::path& p) {
  std::ifstream in(p);
  std::string s((std::istreambuf_iterator<char>(in)), {});
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

void require(const fs::path& p, std::string_view what, std::string hint) {
  std::error_code ec;
  if (!fs::exists(p, ec))
    throw EnvironmentError(fmt::format("{} not found at '{}'", what, p.string()), std::move(hint));
}

fs::path find_java() {
  if (const char* home = std::getenv("JAVA_HOME"); home && *home) {
    fs::path j = fs::path(home) / "bin" / "java";
    if (fs::exists(j)) return j;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string d; std::getline(dirs, d, ':');) {
    fs::path j = fs::path(d) / "java";
    if (!d.empty() && os::is_executable(j)) return fs::canonical(j);
  }
  throw EnvironmentError("java not found in JAVA_HOME or PATH", "install OpenJDK 17 (ci/setup does) or set JAVA_HOME");
}

/// One option per line; '#' comments and blank lines ignored.
std::vector<std::string> read_lines(const fs::path& p) {
  std::vector<std::string> out;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) {
    auto b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;
    out.push_back(line.substr(b, line.find_last_not_of(" \t\r") - b + 1));
  }
  return out;
}

/// bin/config.sh: every jar in lib/ except flink-dist, sorted, then flink-dist last.
std::vector<fs::path> lib_classpath(const fs::path& lib) {
  std::vector<fs::path> jars, dist;
  for (const auto& e : fs::directory_iterator(lib)) {
    if (e.path().extension() != ".jar") continue;
    (e.path().filename().string().starts_with("flink-dist") ? dist : jars).push_back(e.path());
  }
  std::sort(jars.begin(), jars.end());
  jars.insert(jars.end(), dist.begin(), dist.end());
  return jars;
}

/// A distribution's version, from its lib/flink-dist-<version>.jar ("" when there is none).
std::string version_of_home(const fs::path& home) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(home / "lib", ec)) {
    std::string name = e.path().filename().string();
    if (name.starts_with("flink-dist-") && name.ends_with(".jar")) return name.substr(11, name.size() - 11 - 4);
  }
  return {};
}

fs::path cache_root() {
  if (const char* c = std::getenv("TMFAULT_CACHE"); c && *c) return c;
  const char* home = std::getenv("HOME");
  return fs::path(home ? home : "/root") / ".cache" / "tmfault";
}

}  // namespace

fs::path default_project_dir() {
  if (const char* p = std::getenv("TMFAULT_PROJECT_DIR"); p && *p) return p;
  return TMFAULT_SOURCE_DIR;
}

FlinkDist locate_dist(const DistOptions& o) {
  const std::string setup_hint = "run ci/setup (it assembles Flink and builds the workloads)";
  FlinkDist d;
  fs::path flink_dist_dir = o.project_dir / "ci" / "flink-dist";
  require(o.project_dir / "ci" / "flink-version", "the tmfault project (ci/flink-version)",
          "pass --project-dir or set TMFAULT_PROJECT_DIR to the tmfault checkout");
  d.version = o.version.value_or(o.flink_home ? version_of_home(*o.flink_home) : "");
  if (d.version.empty()) d.version = read_trimmed(o.project_dir / "ci" / "flink-version");
  fs::path home = o.flink_home.value_or(cache_root() / ("flink-" + d.version));
  d.lib = home / "lib";
  require(d.lib, fmt::format("Flink {} lib/", d.version),
          o.flink_home ? "--flink-home must be an unpacked Flink distribution"
                       : setup_hint + fmt::format(" (ci/setup --flink-version {})", d.version));
  d.classpath = lib_classpath(d.lib);
  for (auto& k : read_lines(home / "option-keys.txt")) d.option_keys.insert(std::move(k));
  if (d.classpath.empty()) throw EnvironmentError(fmt::format("no jars in '{}'", d.lib.string()), setup_hint);
  d.bash_java_utils_classpath = d.classpath;
  if (fs::path bju = home / "bin" / "bash-java-utils.jar"; fs::exists(bju)) {
    d.bash_java_utils_classpath = {bju};
    for (const fs::path& j : d.classpath)
      if (j.filename().string().starts_with("flink-dist")) d.bash_java_utils_classpath.push_back(j);
  }
  d.java = find_java();
  std::string minor = d.version.substr(0, d.version.find('.', d.version.find('.') + 1));
  fs::path opts = flink_dist_dir / "java17-opts" / (minor + ".txt");
  require(opts, fmt::format("the JDK 17 options of Flink {}'s shipped config", minor),
          "add that version's env.java.opts.all to ci/flink-dist/java17-opts/");
  d.java_opts_all = read_lines(opts);
  d.log4j_config = flink_dist_dir / "conf" / "log4j-console.properties";
  require(d.log4j_config, "log4j-console.properties", setup_hint);
  d.log4j_bash_utils_config = flink_dist_dir / "conf" / "log4j-bash-utils.properties";
  d.derive_all_source = flink_dist_dir / "tools" / "DeriveAll.java";
  require(d.derive_all_source, "DeriveAll.java", "the tmfault checkout is incomplete: pass --project-dir");
  require(d.log4j_bash_utils_config, "log4j-bash-utils.properties", setup_hint);
  // ci/setup builds one per version beside lib/; a user's distribution gets the project's own.
  d.workloads_jar = o.flink_home ? o.project_dir / "workloads" / "target" / "tmfault-workloads.jar"
                                 : home / "tmfault-workloads.jar";
  require(d.workloads_jar, "the workloads jar", setup_hint);
  return d;
}

}  // namespace tmfault
