#include "reports/escape.h"

#include <cstdint>

namespace tmfault::reports {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

/// One decoded step: `len` bytes consumed; `ok` false means they form an invalid (maximal)
/// subsequence to replace by a single U+FFFD.
struct Step {
  std::size_t len = 1;
  bool ok = false;
  char32_t cp = 0;
};

/// The allowed range of the second byte after lead `b` (Unicode Table 3-7), and the length.
bool lead_info(unsigned char b, int& len, unsigned char& lo, unsigned char& hi) {
  lo = 0x80, hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) return len = 2, true;
  if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
    return true;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
    return true;
  }
  return false;
}

Step decode(std::string_view s, std::size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return {1, true, b};
  int len = 0;
  unsigned char lo = 0, hi = 0;
  if (!lead_info(b, len, lo, hi)) return {1, false, 0};
  char32_t cp = b & (0xFF >> (len + 1));
  for (int k = 1; k < len; ++k) {
    if (i + k >= s.size()) return {static_cast<std::size_t>(k), false, 0};
    auto c = static_cast<unsigned char>(s[i + k]);
    if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) return {static_cast<std::size_t>(k), false, 0};
    cp = (cp << 6) | (c & 0x3F);
  }
  return {static_cast<std::size_t>(len), true, cp};
}

bool forbidden(char32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r') return false;
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF;
}

/// Calls `emit(bytes, ok, cp)` for every step of `s`.
template <class F>
void each_step(std::string_view s, F&& emit) {
  for (std::size_t i = 0; i < s.size();) {
    Step st = decode(s, i);
    emit(s.substr(i, st.len), st.ok, st.cp);
    i += st.len;
  }
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  bool ok = true;
  each_step(s, [&](std::string_view, bool valid, char32_t) { ok &= valid; });
  return ok;
}

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  each_step(s, [&](std::string_view bytes, bool ok, char32_t) { out += ok ? bytes : kReplacement; });
  return out;
}

std::string printable_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  each_step(s,
            [&](std::string_view bytes, bool ok, char32_t cp) { out += ok && !forbidden(cp) ? bytes : kReplacement; });
  return out;
}

std::string xml_text(std::string_view s) {
  std::string out;
  for (char c : printable_text(s)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string xml_attr(std::string_view s) {
  std::string out;
  for (char c : xml_text(s)) {
    switch (c) {
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace tmfault::reports
