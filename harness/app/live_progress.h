#pragma once
// How `run` shows a suite while it runs: on a terminal, one status line redrawn in place
// (running variants, elapsed, memory vs limit); elsewhere (CI, a pipe) plain lines.
#include <memory>

#include "harness/app/session.h"

namespace tmfault {

class Progress {
 public:
  virtual ~Progress() = default;
  /// Hooks this display into `so` (on_start, on_sample, on_done).
  virtual void attach(SessionOptions& so) = 0;
  /// Clears the status line, if any; call before printing the summary.
  virtual void finish() = 0;
};

/// The live display when stdout is a terminal (not TERM=dumb), plain lines otherwise.
std::unique_ptr<Progress> make_progress(std::size_t total, bool color);

}  // namespace tmfault
