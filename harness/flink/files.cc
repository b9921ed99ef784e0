#include "harness/flink/files.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "harness/stages/diagnostic.h"
#include "model/error.h"

namespace tmfault {
namespace fs = std::filesystem;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  if (in) s << in.rdbuf();
  if (!in || in.bad()) throw UsageError(fmt::format("cannot read {}: {}", quote(p.string()), std::strerror(errno)));
  return s.str();
}

void write_text(const fs::path& p, const std::string& text) {
  std::error_code ec;
  if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush())
    throw std::runtime_error(fmt::format("cannot write {}: {}", quote(p.string()), std::strerror(errno)));
}

}  // namespace tmfault
