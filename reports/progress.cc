#include "reports/progress.h"

#include <fmt/format.h>

#include <algorithm>

#include "reports/cells.h"
#include "reports/escape.h"

namespace tmfault::reports {
namespace {

std::string clock(Millis m) {
  long long s = m.count() / 1000;
  return s >= 60 ? fmt::format("{}m{:02}s", s / 60, s % 60) : fmt::format("{}s", s);
}

std::string one(const ActiveRun& a) {
  std::string out = fmt::format("{} {}", printable_text(a.id), seconds(a.elapsed));
  if (a.usage_bytes)
    out += a.limit_bytes ? fmt::format(" {}/{}", mib(*a.usage_bytes), mib(*a.limit_bytes))
                         : fmt::format(" {}", mib(*a.usage_bytes));
  return out;
}

bool is_lead(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

/// The bytes of the first `n` code points of `s`.
std::string first_columns(const std::string& s, std::size_t n) {
  std::size_t cols = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (is_lead(s[i]) && cols++ == n) return s.substr(0, i);
  return s;
}

/// `s` cut to `width` code points, "..." marking a cut.
std::string cut(const std::string& s, std::size_t width) {
  std::size_t cols = std::count_if(s.begin(), s.end(), is_lead);
  if (cols <= width) return s;
  return width < 3 ? first_columns(s, width) : first_columns(s, width - 3) + "...";
}

}  // namespace

std::string progress_line(const std::vector<ActiveRun>& active, std::size_t done, std::size_t total, Millis elapsed,
                          std::size_t width) {
  std::string out = fmt::format("[{}/{} done, {}]", done, total, clock(elapsed));
  for (std::size_t i = 0; i < active.size(); ++i) out += (i ? " | " : " ") + one(active[i]);
  return cut(out, width);
}

}  // namespace tmfault::reports
