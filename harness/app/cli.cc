#include "harness/app/cli.h"

#include <fmt/format.h>

#include <iostream>

#include "harness/app/command.h"
#include "model/error.h"

namespace tmfault {
namespace {

constexpr const char* kAbout =
    "tmfault: checks Flink's memory troubleshooting guide against a real TaskManager.\n"
    "Each scenario starts a JobManager and a TaskManager under a cgroup memory limit with\n"
    "mis-sized options, observes the documented symptom, then re-runs with every documented\n"
    "remedy and checks that it resolves.\n\n"
    "  tmfault run                      run every scenario in scenarios/\n"
    "  tmfault run scenarios/heap-space.toml   run one section\n"
    "  tmfault run --dry-run            show what would run\n"
    "  tmfault explain scenarios/heap-space.toml   Flink's memory breakdown per variant\n"
    "  tmfault explain -D taskmanager.memory.process.size=1g --format json   ... for any options\n"
    "  tmfault run --junit r.xml --html r.html   also write CI and browser reports\n"
    "  tmfault report out/latest --format html -o r.html   re-render a stored run\n"
    "  tmfault report out/latest --recheck   judge a stored run again with today's checker\n"
    "  tmfault report --merge a/results.json b/results.json -o all.json   join shards\n"
    "  tmfault doc-check --results out/latest   the guide, section by section: tested? true?\n"
    "  tmfault bisect scenarios/heap-space.toml --option taskmanager.memory.process.size \\\n"
    "      --low 1g --high 4g               the smallest total memory that resolves it\n"
    "  tmfault check --conf conf/config.yaml   your config under the standard workloads\n\n"
    "exit codes: 0 all passed, 1 a verdict failed (doc-check: a problem found; bisect: no\n"
    "boundary in the range; explain -D: Flink refuses the options), 2 bad usage or scenario,\n"
    "3 harness or environment error, 130/143 interrupted";

/// Every subcommand, in the order --help lists them.
constexpr CommandFactory kCommands[] = {run_command,       explain_command, report_command,
                                        doc_check_command, bisect_command,  check_command};

/// Runs `c`, turning every error into its message, its hint and its exit code.
int run_guarded(const Command& c) {
  try {
    return c.run();
  } catch (const Error& e) {
    std::cerr << fmt::format("tmfault: {}\n", e.what());
    if (!e.hint().empty()) std::cerr << fmt::format("hint: {}\n", e.hint());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << fmt::format("tmfault: {}\n", e.what());
    return static_cast<int>(ExitCode::environment);
  }
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{kAbout};
  app.require_subcommand(1);
  std::vector<Command> commands;
  for (CommandFactory make : kCommands) commands.push_back(make(app));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : static_cast<int>(ExitCode::usage);
  }
  for (const Command& c : commands)
    if (c.parser->parsed()) return run_guarded(c);
  return static_cast<int>(ExitCode::usage);
}

}  // namespace tmfault
