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
#include "reports/versions.h"

namespace tmfault {
namespace {

struct ReportArgs {
  std::vector<std::filesystem::path> inputs;
  std::string format;
  std::filesystem::path output;
  bool merge = false, recheck = false, versions = false, no_color = false;
};

/// `--versions`: the runs side by side, one column each, in the order given.
std::string versions_report(const ReportArgs& a, bool color) {
  std::string name = a.format.empty() ? "text" : a.format;
  if (name != "text" && name != "html" && name != "json")
    throw UsageError(fmt::format("--versions has no format {} (want text, html or json)", quote(name)));
  if (a.inputs.size() < 2) throw UsageError("--versions takes two or more runs, one per Flink version");
  if (a.merge || a.recheck) throw UsageError("--versions cannot be combined with --merge or --recheck");
  std::vector<SuiteResult> suites;
  for (const auto& in : a.inputs) suites.push_back(load_results(in));
  if (name == "html") return reports::versions_html(suites);
  if (name == "json") return reports::versions_json(suites);
  return reports::versions_text(suites, color);
}

/// Writes `text` to -o FILE, else stdout.
void emit(const ReportArgs& a, const std::string& text) {
  if (a.output.empty()) std::cout << text << std::flush;
  else write_text(a.output, text);
}

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
  bool color = a.output.empty() && use_color(a.no_color);
  if (a.versions) {
    emit(a, versions_report(a, color));
    return static_cast<int>(ExitCode::ok);
  }
  if (!a.merge && a.inputs.size() != 1)
    throw UsageError("report takes one run directory or results.json (use --merge to combine shards, "
                     "--versions to compare Flink versions)");
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
  emit(a, reports::render(suite, *format, color));
  // Re-judged, the verdicts are the answer, as after a run.
  return a.recheck ? exit_code_for(suite, 0) : static_cast<int>(ExitCode::ok);
}

}  // namespace

Command report_command(CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* rep = app.add_subcommand(
      "report", "render a stored run again, judge it again, or set runs of several Flink versions side by side");
  rep->add_option("inputs", a->inputs,
                  "a run directory (out/<timestamp>, out/latest) or its results.json; several with --merge "
                  "or --versions")
      ->required();
  rep->add_option("-f,--format", a->format,
                  "text, json, junit or html (default: text; json with --merge; --versions: text, html or json)");
  rep->add_option("-o,--output", a->output, "write to FILE (default: stdout)");
  rep->add_flag("--merge", a->merge, "combine several runs (shards) of one Flink version into one");
  rep->add_flag("--recheck", a->recheck,
                "judge the stored run again with this tmfault's detectors and checker (symptom lines "
                "re-read from the stored logs); lists the verdicts that changed; exits like `run`");
  rep->add_flag("--versions", a->versions,
                "several runs side by side, one column each in the order given (one per Flink version): per "
                "claim of the guide its verdict and observed symptom on each version; then every claim whose "
                "verdict or symptom differs, with Flink's memory breakdown on each version");
  rep->add_flag("--no-color", a->no_color, "plain text (also: NO_COLOR=1, or stdout not a terminal)");
  rep->footer(
      "Examples:\n"
      "  tmfault report out/latest -f html -o report.html\n"
      "      a stored run again, as HTML\n"
      "  tmfault report --merge shard-1/results.json shard-2/results.json -o all.json\n"
      "      the shards of one Flink version as one run\n"
      "  tmfault report --versions out/n/results-1.20.5.json out/n/results-2.3.0.json -f html -o versions.html\n"
      "      the same suite on two Flink versions side by side (ci/nightly writes versions.txt, .html\n"
      "      and .json for every line in ci/flink-lines)");
  return {rep, [a] { return report(*a); }};
}

}  // namespace tmfault
