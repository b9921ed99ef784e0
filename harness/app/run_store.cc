#include "harness/app/run_store.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "harness/flink/files.h"
#include "harness/stages/diagnostic.h"
#include "model/error.h"
#include "reports/reports.h"

namespace tmfault {
namespace fs = std::filesystem;
namespace {

constexpr const char* kOutHint = "pass --out DIR with a directory you can write";

std::string utc_stamp(const char* format) {
  auto now = std::chrono::system_clock::now();
  return fmt::format(fmt::runtime(format), fmt::gmtime(std::chrono::system_clock::to_time_t(now)));
}

/// A fresh directory <root>/<timestamp>[-n] (never reuses one).
fs::path make_run_dir(const fs::path& root) {
  std::string stamp = utc_stamp("{:%Y%m%dT%H%M%SZ}");
  ensure_output_root(root);
  std::error_code ec;
  for (int n = 0;; ++n) {
    fs::path p = root / (n == 0 ? stamp : fmt::format("{}-{}", stamp, n));
    if (fs::create_directory(p, ec)) return p;
    if (ec) throw EnvironmentError(fmt::format("cannot create {}: {}", quote(p.string()), ec.message()), kOutHint);
  }
}

/// `latest` -> run_dir, switched atomically.
void point_latest(const fs::path& root, const fs::path& run_dir) {
  fs::path link = root / "latest", tmp = root / ".latest.tmp";
  std::error_code ec;
  fs::remove(tmp, ec);
  fs::create_directory_symlink(run_dir.filename(), tmp, ec);
  if (!ec) fs::rename(tmp, link, ec);
}

}  // namespace

RunStore::RunStore(const fs::path& out_root, std::string flink_version, HostFacts host)
    : root_(fs::absolute(out_root)), run_dir_(make_run_dir(root_)) {
  suite_.host = std::move(host);
  suite_.started_at = utc_stamp("{:%Y-%m-%dT%H:%M:%SZ}");
  suite_.flink_version = std::move(flink_version);
  suite_.tmfault_version = TMFAULT_VERSION;
}

SuiteResult RunStore::finish(bool interrupted) {
  suite_.interrupted = interrupted;
  suite_.wall = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start_);
  try {
    write_text(run_dir_ / "results.json", reports::suite_json(suite_));
  } catch (const std::exception& e) {
    throw EnvironmentError(e.what(), fmt::format("free space where --out points, or pass --out DIR elsewhere; "
                                                 "earlier runs in {} were not touched",
                                                 quote(root_.string())));
  }
  point_latest(root_, run_dir_);
  return std::move(suite_);
}

SuiteResult load_results(const fs::path& input) {
  fs::path file = fs::is_directory(input) ? input / "results.json" : input;
  if (!fs::exists(file))
    throw UsageError(fmt::format("no results in {} (want a run directory or its results.json)", quote(input.string())));
  try {
    return reports::suite_from_json(read_text(file));
  } catch (const reports::ReadError& e) {
    throw UsageError(fmt::format("{}: {}", quote(file.string()), e.what()));
  }
}

void ensure_output_root(const fs::path& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec)
    throw EnvironmentError(fmt::format("cannot create the output directory {}: {}", quote(root.string()), ec.message()),
                           kOutHint);
}

}  // namespace tmfault
