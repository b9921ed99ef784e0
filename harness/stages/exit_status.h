#pragma once
// Raw wait status -> ExitStatus -> what it means for a JVM running Flink. Pure.
#include <string>

#include "model/model.h"

namespace tmfault {

ExitStatus decode_wait_status(int raw);

/// "exited 0", "killed by SIGKILL (137)", plus what that code means for a Flink JVM
/// ("jvm-exit-on-oom halt", "ExitOnOutOfMemoryError", ...).
std::string describe_exit(const ExitStatus& s);

}  // namespace tmfault
