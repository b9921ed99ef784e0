#include "harness/stages/diagnostic.h"

#include <algorithm>
#include <fmt/format.h>

namespace tmfault {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

/// Length of the well-formed UTF-8 sequence `s` starts with (Unicode Table 3-7), 0 if none.
/// (reports/escape.h has a decoder too, but the fuzz targets build this file without it.)
std::size_t utf8_length(std::string_view s) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  std::size_t len = b(0) >= 0xF0 ? 4 : b(0) >= 0xE0 ? 3 : 2;
  if (b(0) < 0xC2 || b(0) > 0xF4 || s.size() < len) return 0;
  unsigned char lo = b(0) == 0xE0 ? 0xA0 : b(0) == 0xF0 ? 0x90 : 0x80;
  unsigned char hi = b(0) == 0xED ? 0x9F : b(0) == 0xF4 ? 0x8F : 0xBF;
  if (b(1) < lo || b(1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k)
    if (b(k) < 0x80 || b(k) > 0xBF) return 0;
  return len;
}

/// Appends the non-ASCII character `s` starts with and returns its length: printable UTF-8 as
/// is, a C1 control (U+0080-U+009F) as \u00NN, a byte that starts no UTF-8 sequence as \xNN.
std::size_t append_non_ascii(std::string& out, std::string_view s) {
  std::size_t len = utf8_length(s);
  if (len == 0) out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[0]));
  else if (static_cast<unsigned char>(s[0]) == 0xC2 && static_cast<unsigned char>(s[1]) <= 0x9F)
    out += fmt::format("\\u{:04x}", static_cast<unsigned char>(s[1]));
  else out += s.substr(0, len);
  return std::max<std::size_t>(len, 1);
}

std::string escape(std::string_view text, bool double_backslash) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      i += append_non_ascii(out, text.substr(i));
      continue;
    }
    ++i;
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c < 0x20 || c == 0x7F) out += fmt::format("\\x{:02x}", c);
    else if (c == '\\' && double_backslash) out += "\\\\";
    else out += static_cast<char>(c);
  }
  return out;
}

}  // namespace

std::string one_line(std::string_view text) { return escape(text, false); }

std::string quote(std::string_view text) { return "'" + escape(text, true) + "'"; }

std::string format_diagnostic(const Diagnostic& d) {
  std::string where = one_line(d.pos.file.string());
  if (d.pos.line > 0) where += fmt::format(":{}:{}", d.pos.line, std::max(d.pos.column, 1));
  return fmt::format("{}: {}: {}", where, d.severity == Severity::error ? "error" : "warning", one_line(d.message));
}

bool has_errors(const std::vector<Diagnostic>& ds) {
  return std::any_of(ds.begin(), ds.end(), [](const Diagnostic& d) { return d.severity == Severity::error; });
}

std::optional<std::string> closest_match(std::string_view word, std::span<const std::string_view> candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (std::string_view c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_distance) best_distance = d, best = std::string(c);
  }
  return best;
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
  auto m = closest_match(word, candidates);
  return m ? fmt::format("; did you mean {}?", quote(*m)) : std::string();
}

}  // namespace tmfault
