#pragma once
// Class-data-sharing archives (AppCDS, JDK 13+ dynamic archives) for the JVMs that are the
// harness's own: a lane's session JobManager and the TaskManager that runs a JobManager subject's
// job. Never for a subject: the process under test starts exactly as Flink starts it.
//
// An archive holds the classes one JVM of a kind loaded, parsed and verified, mapped straight
// into the next JVM of that kind: such a JobManager is up with about 40% less CPU. The first JVM
// of a kind to ask records one (-XX:ArchiveClassesAtExit) and must end with a normal exit
// (SIGTERM, not SIGKILL) to write it; later JVMs map it (-XX:SharedArchiveFile). An archive is
// keyed by everything it depends on (the java build, the classpath, the main class, the JVM
// flags), so a changed JDK or distribution records a new one; the JVM itself also rejects an
// archive that does not fit and then simply starts without one.
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cgroup/os.h"
#include "cgroup/process.h"

namespace tmfault {

/// The file name (without directory) of the archive for a JVM started as `java args...`, from
/// `jvm_build` (what identifies the java build: libjvm's size and time) and the arguments that
/// matter: -classpath and the main class after it, every -XX: and --add- flag. Pure.
std::string class_data_archive_name(std::string_view jvm_build, const std::vector<std::string>& args);

class ClassDataArchives {
 public:
  /// Archives are kept in `dir` (made when first needed; a relative one is made absolute, as the
  /// JVMs run elsewhere); an empty `dir` turns them off.
  explicit ClassDataArchives(const std::filesystem::path& dir);

  struct Use {
    std::vector<std::string> flags;      ///< for the JVM's command line, before the main class
    std::filesystem::path recording;     ///< where this JVM writes an archive at exit ("" if not)
    std::filesystem::path archive;       ///< where a recording goes when it is complete
    std::optional<os::FileLock> claim;   ///< held while this JVM records: no other one records
  };

  /// For one JVM started as `java args...`: the archive when there is one; else a recording when
  /// no other JVM records this kind; else nothing (it starts as it would without archives).
  Use use(const std::filesystem::path& java, const std::vector<std::string>& args);
  /// use(), with its flags put at the front of `args`.
  Use use_in(const std::filesystem::path& java, std::vector<std::string>& args);
  /// Once a JVM that recorded is gone: keeps its archive for the next when it `exited` normally
  /// (a killed one may have left half an archive), and lets the next JVM record when not.
  /// Nothing for a JVM that did not record.
  void finish(Use& u, bool exited);
  /// Before `jvm` (nullptr: it never started) is killed: one that records is ended the one way
  /// that writes its archive (SIGTERM, then a normal exit within a few seconds) and the archive
  /// kept; when `interrupted`, it is not waited for and its claim is released at once. Nothing
  /// for a JVM that does not record. Leaves `u` empty.
  void end_recording(Use& u, cgroup::Process* jvm, bool interrupted);

 private:
  std::filesystem::path dir_;
  std::mutex mu_;
};

}  // namespace tmfault
