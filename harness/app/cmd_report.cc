// `tmfault report`: a stored run rendered again (or re-judged), without running anything.
#include <fmt/format.h>

#include <iostream>

#include "harness/app/command.h"
#include "harness/app/options.h"
#include "harness/app/recheck.h"
#include "harness/app/run_plans.h"
#include "harness/app/run_store.h"
#include "harness/flink/files.h"
#include "harness/stages/diagnostic.h"
#include "reports/reports.h"
#include "reports/suite_ops.h"

namespace tmfault {
namespace {

struct ReportArgs {
  std::vector<std::filesystem::path> inputs;
  std::string format;
  std::filesystem::path output;
  bool merge = false, recheck = false, no_color = false;
};

/// The stored run judged again; its changes on stderr.
SuiteResult rechecked(const std::filesystem::path& input) {
  std::filesystem::path dir = std::filesystem::is_directory(input) ? input : input.parent_path();
  Recheck r = recheck(load_results(input), dir);
  for (const auto& n : r.notes) std::cerr << "recheck: " << n << "\n";
  std::cerr << fmt::format("recheck: {} variant(s) judged again, {} verdict(s) changed\n", r.suite.records.size(),
                           r.changes.size());
  for (const auto& c : r.changes) std::cerr << "  " << c << "\n";
  return std::move(r.suite);
}

int report(const ReportArgs& a) {
  if (!a.merge && a.inputs.size() != 1)
    throw UsageError("report takes one run directory or results.json (use --merge to combine several)");
  if (a.merge && a.recheck) throw UsageError("--recheck takes one run; re-check each shard, then merge");
  std::string name = a.format.empty() ? (a.merge ? "json" : "text") : a.format;
  auto format = reports::format_from_name(name);
  if (!format) throw UsageError(fmt::format("unknown format {} (want text, json, junit or html)", quote(name)));
  SuiteResult suite;
  if (a.merge) {
    std::vector<SuiteResult> parts;
    std::vector<std::string> names;
    for (const auto& in : a.inputs) parts.push_back(load_results(in)), names.push_back(in.string());
    suite = reports::merge_suites(parts, names);
  } else {
    suite = a.recheck ? rechecked(a.inputs.front()) : load_results(a.inputs.front());
  }
  bool color = a.output.empty() && use_color(a.no_color);
  std::string text = reports::render(suite, *format, color);
  if (a.output.empty()) std::cout << text << std::flush;
  else write_text(a.output, text);
  // Re-judged, the verdicts are the answer, as after a run.
  return a.recheck ? exit_code_for(suite, 0) : static_cast<int>(ExitCode::ok);
}

}  // namespace

Command report_command(CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* rep = app.add_subcommand("report", "render a stored run again, or judge it again, without running anything");
  rep->add_option("inputs", a->inputs, "a run directory (out/<timestamp>) or its results.json")->required();
  rep->add_option("-f,--format", a->format, "text, json, junit or html (default: text; json with --merge)");
  rep->add_option("-o,--output", a->output, "write to FILE (default: stdout)");
  rep->add_flag("--merge", a->merge, "combine several runs (shards) of one Flink version into one");
  rep->add_flag("--recheck", a->recheck,
                "judge the stored run again with this tmfault's detectors and checker (symptom lines "
                "re-read from the stored logs); lists the verdicts that changed; exits like `run`");
  rep->add_flag("--no-color", a->no_color, "plain text (also: NO_COLOR=1, or stdout not a terminal)");
  return {rep, [a] { return report(*a); }};
}

}  // namespace tmfault
