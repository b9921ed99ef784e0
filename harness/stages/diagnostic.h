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
  std::string message;  ///< lower-case start, no trailing period, values in quote()
};

/// `scenarios/heap.toml:12:5: error: unknown key 'memroy' in [taskmanager]`, always one line
/// (the file name and message go through one_line as a last guard).
std::string format_diagnostic(const Diagnostic& d);

/// `text` on one line and inert in a terminal: newline, tab and CR as \n \t \r, other
/// control characters (C0, DEL) and bytes that are not UTF-8 as \xNN, C1 controls (which a
/// terminal may read as escape sequences) as \u0080-\u009f. Printable UTF-8 is kept.
std::string one_line(std::string_view text);

/// How every message quotes a user value, id, name or key: one_line in single quotes, with `\`
/// doubled so that each backslash shown starts an escape ("12\nparsecs" -> '12\nparsecs').
std::string quote(std::string_view text);

bool has_errors(const std::vector<Diagnostic>& ds);

/// The candidate closest to `word` by edit distance, if close enough to be a likely typo.
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string_view> candidates);

/// " (did you mean 'x'?)" or "" — for appending to a message.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace tmfault
