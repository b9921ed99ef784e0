// `tmfault doc-check`: the guide, section by section, against the scenarios (and stored runs).
#include <iostream>

#include "harness/app/command.h"
#include "harness/app/options.h"
#include "harness/app/run_store.h"
#include "harness/app/scenario_files.h"
#include "harness/flink/files.h"
#include "harness/stages/doc.h"
#include "reports/reports.h"

namespace tmfault {
namespace {

struct DocCheckArgs {
  std::vector<std::filesystem::path> paths;
  std::filesystem::path doc, results;
  FlinkArgs flink;  ///< only --project-dir
};

int doc_check(DocCheckArgs& a) {
  std::filesystem::path project = project_dir(a.flink);
  if (a.doc.empty()) a.doc = project / "docs/mem_trouble.md";
  if (a.paths.empty()) a.paths.push_back(project / "scenarios");
  LoadResult loaded = load_scenarios_or_throw(a.paths);
  std::optional<SuiteResult> results;
  if (!a.results.empty()) results = load_results(a.results);
  DocCheck dc = check_doc(parse_doc(read_text(a.doc)), a.doc.filename().string(), loaded.scenarios,
                          results ? &*results : nullptr);
  auto problems = doc_problems(dc);
  std::cout << reports::doc_check_text(dc, problems) << std::flush;
  return static_cast<int>(problems.empty() ? ExitCode::ok : ExitCode::failed);
}

}  // namespace

Command doc_check_command(CLI::App& app) {
  auto a = std::make_shared<DocCheckArgs>();
  CLI::App* dc = app.add_subcommand(
      "doc-check", "which sections and advice of the guide the scenarios test, whether their quotes are "
                   "still the guide's words, and (with --results) what the runs concluded; runs nothing");
  dc->add_option("paths", a->paths, "scenario files or directories (default: the project's scenarios/)");
  dc->add_option("--doc", a->doc, "the guide, markdown (default: the project's docs/mem_trouble.md)");
  dc->add_option("--results", a->results, "a run directory (out/latest) or its results.json");
  dc->add_option("--project-dir", a->flink.project_dir, "the tmfault checkout (default: where it was built)");
  return {dc, [a] { return doc_check(*a); }};
}

}  // namespace tmfault
