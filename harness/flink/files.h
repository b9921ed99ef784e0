#pragma once
// Whole-file reads and writes with errors in house style. The one copy for every layer above
// the stages (which never touch files).
#include <filesystem>
#include <string>

namespace tmfault {

/// The whole file. Throws UsageError `cannot read '<path>': <reason>` (files users name).
std::string read_text(const std::filesystem::path& p);

/// Replaces the file with `text` (its directory is created). Throws std::runtime_error
/// `cannot write '<path>': <reason>` when the text is not all on disk (disk full).
void write_text(const std::filesystem::path& p, const std::string& text);

}  // namespace tmfault
