#pragma once
// Memory sizes and durations written the way Flink writes them ("512m", "1g", "64 mb", "90s").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/model.h"

namespace tmfault {

/// Result of parsing: either a value or a one-line reason (lower-case, the input in quote()).
template <class T>
struct Parsed {
  std::optional<T> value;
  std::string error;
};

/// Parses like Flink's MemorySize.parse: leading decimal digits, optional unit
/// (b|bytes, k|kb|kibibytes, m|mb|mebibytes, g|gb|gibibytes, t|tb|tebibytes; binary
/// multiples; case-insensitive; blanks allowed between). No sign, no fraction, no exponent.
Parsed<std::uint64_t> parse_size(std::string_view text);

/// Parses a duration: digits + unit (ms, s, min, h); e.g. "90s", "1500ms", "2min".
Parsed<Millis> parse_duration(std::string_view text);

/// A size as Flink writes it, in the largest exact unit: "1344m", "1g", "512k", "100b"
/// (parse_size reads it back to the same bytes).
std::string flink_size(std::uint64_t bytes);

/// Human-readable bytes for reports: "1.00 GiB", "512 MiB", "300 B".
std::string format_bytes(std::uint64_t bytes);

}  // namespace tmfault
