#pragma once
// Splits a byte stream into lines for LineSink delivery. Pure; used by the Process reader thread.
#include <cstddef>
#include <string>
#include <string_view>

namespace tmfault::cgroup {

/// Longest piece delivered at once: a longer line arrives as consecutive pieces of this size
/// (then the rest), so one runaway line cannot grow memory without bound.
inline constexpr std::size_t max_line_bytes = std::size_t{1} << 20;

/// Accumulates chunks and emits complete lines (without '\n') as soon as they are complete.
class LineBuffer {
 public:
  explicit LineBuffer(std::size_t max_line = max_line_bytes) : max_line_(max_line) {}

  /// Appends `chunk` and calls emit(std::string_view) for every line it completes.
  template <class Emit>
  void feed(std::string_view chunk, Emit&& emit) {
    pending_.append(chunk);
    std::size_t start = 0;
    for (;;) {
      const auto nl = pending_.find('\n', start);
      if (nl != std::string::npos && nl - start <= max_line_) {
        emit(std::string_view(pending_).substr(start, nl - start));
        start = nl + 1;
      } else if (pending_.size() - start > max_line_) {
        emit(std::string_view(pending_).substr(start, max_line_));
        start += max_line_;
      } else {
        break;
      }
    }
    pending_.erase(0, start);
  }

  /// At EOF: emits a final unterminated line, if any.
  template <class Emit>
  void finish(Emit&& emit) {
    if (!pending_.empty()) emit(std::string_view(pending_));
    pending_.clear();
  }

 private:
  std::size_t max_line_;
  std::string pending_;
};

}  // namespace tmfault::cgroup
