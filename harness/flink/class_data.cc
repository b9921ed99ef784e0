#include "harness/flink/class_data.h"

#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <cstdint>

#include "cgroup/os.h"
#include "harness/stages/exit_status.h"

namespace tmfault {
namespace fs = std::filesystem;
namespace {

/// A JobManager shuts down and writes its archive in 2 to 3 s on this kind of machine.
constexpr std::chrono::milliseconds kRecordingExit{15'000};

std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

/// libjvm's size and modification time: changes with every update of the JDK package.
std::string jvm_build(const fs::path& java) {
  std::error_code ec;
  fs::path real = fs::canonical(java, ec);
  if (ec) return java.string();
  fs::path lib = real.parent_path().parent_path() / "lib" / "server" / "libjvm.so";
  auto size = fs::file_size(lib, ec);
  if (ec) return real.string();
  auto time = fs::last_write_time(lib, ec).time_since_epoch().count();
  return fmt::format("{} {} {}", real.string(), size, time);
}

}  // namespace

std::string class_data_archive_name(std::string_view jvm_build, const std::vector<std::string>& args) {
  std::uint64_t h = fnv1a(jvm_build);
  std::string main;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-classpath" && i + 2 < args.size()) {
      h = fnv1a(args[i + 1], fnv1a("\n-classpath\n", h));
      main = args[i + 2];
      h = fnv1a(main, fnv1a("\nmain\n", h));
      break;
    }
    if (a.starts_with("-XX:") || a.starts_with("--add-")) h = fnv1a(a, fnv1a("\n", h));
  }
  std::string stem = main.substr(main.rfind('.') + 1);
  return fmt::format("{}-{:016x}.jsa", stem.empty() ? "jvm" : stem, h);
}

ClassDataArchives::ClassDataArchives(const fs::path& dir) : dir_(dir.empty() ? dir : fs::absolute(dir)) {}

ClassDataArchives::Use ClassDataArchives::use(const fs::path& java, const std::vector<std::string>& args) {
  Use u;
  if (dir_.empty()) return u;
  std::lock_guard lock(mu_);
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return u;
  u.archive = dir_ / class_data_archive_name(jvm_build(java), args);
  // Its own warnings (classes it skips, an archive that does not fit) would land in the logs
  // the harness reads for symptoms.
  u.flags = {"-Xlog:cds=off", "-Xlog:cds+dynamic=off"};
  if (fs::exists(u.archive, ec)) {
    u.flags.push_back("-XX:SharedArchiveFile=" + u.archive.string());
    return u;
  }
  // The locks live beside the archives, so that the archive directory holds archives only.
  fs::path locks = dir_.string() + "-locks";
  fs::create_directories(locks, ec);
  u.claim = os::FileLock::try_take(locks / u.archive.filename().replace_extension(".lock"));
  if (!u.claim) return {};  // another JVM records this kind right now
  u.recording = fs::path(u.archive).replace_extension(fmt::format(".{}.part", os::process_id()));
  u.flags.push_back("-XX:ArchiveClassesAtExit=" + u.recording.string());
  return u;
}

ClassDataArchives::Use ClassDataArchives::use_in(const fs::path& java, std::vector<std::string>& args) {
  Use u = use(java, args);
  args.insert(args.begin(), u.flags.begin(), u.flags.end());
  return u;
}

void ClassDataArchives::finish(Use& u, bool exited) {
  if (u.recording.empty()) return;
  std::lock_guard lock(mu_);
  std::error_code ec;
  if (exited && fs::file_size(u.recording, ec) > 0 && !ec) fs::rename(u.recording, u.archive, ec);
  fs::remove(u.recording, ec);
  u.claim.reset();  // the lock file stays: removing it would let two JVMs lock two files of one name
}

void ClassDataArchives::end_recording(Use& u, cgroup::Process* jvm, bool interrupted) {
  std::optional<int> status;
  if (!u.recording.empty() && jvm && !interrupted) {
    status = jvm->poll();
    if (!status) {
      jvm->signal(SIGTERM);
      status = jvm->wait_for(kRecordingExit);
    }
  }
  finish(u, status && !decode_wait_status(*status).signaled);
  u = {};
}

}  // namespace tmfault
