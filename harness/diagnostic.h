#pragma once
// Problems found in user input, printed compiler-style: `file:line:col: error: message`.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"

namespace tmfault {

enum class Severity { error, warning };

struct Diagnostic {
  SourcePos pos;
  Severity severity = Severity::error;
  std::string message;  ///< lower-case start, no trailing period, values in quotes
};

/// `scenarios/heap.toml:12:5: error: unknown key 'memroy' in [taskmanager]`
std::string format_diagnostic(const Diagnostic& d);

bool has_errors(const std::vector<Diagnostic>& ds);

/// The candidate closest to `word` by edit distance, if close enough to be a likely typo.
std::optional<std::string> closest_match(std::string_view word,
                                         std::span<const std::string_view> candidates);

/// " (did you mean 'x'?)" or "" — for appending to a message.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace tmfault
