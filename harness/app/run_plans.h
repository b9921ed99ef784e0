#pragma once
// What `run` and `check` share: run planned variants for real (or print them), report, and
// return the exit code.
#include <string>
#include <vector>

#include "harness/app/options.h"
#include "harness/stages/scenario.h"
#include "model/model.h"

namespace tmfault {

struct SuiteArgs {
  FlinkArgs flink;
  StorageArgs storage;
  ReportFileArgs files;
  int jobs = 0;
  bool dry_run = false;
  std::string shard;  ///< "K/N" or ""
  double timeout_scale = 1.0;  ///< every scenario timeout times this (a slow host: the v2 guest)
};

/// --timeout-scale: for hosts much slower than the ones the scenarios' timeouts were set on.
void add_timeout_scale_option(CLI::App* app, SuiteArgs& a);

/// Every scenario's variants, narrowed by `only` ("heap-space" or "heap-space/faulty") and
/// `shard` ("K/N" or ""). Throws UsageError when `only` matches nothing or the shard is bad.
std::vector<VariantPlan> select_plans(const LoadResult& loaded, const std::vector<std::string>& only,
                                      const std::string& shard);

/// Runs `plans` of `loaded`'s scenarios, or prints them (--dry-run); prints the summary, writes
/// the report files; returns the exit code: 0, 1 (a verdict failed), 3 (an error), 128+signal.
int run_plans(const LoadResult& loaded, std::vector<VariantPlan> plans, const SuiteArgs& a);

/// The exit code of a finished suite.
int exit_code_for(const SuiteResult& s, int signo);

}  // namespace tmfault
