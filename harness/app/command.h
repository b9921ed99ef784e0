#pragma once
// The command table: each subcommand is one file (cmd_*.cc) that declares its flags on the
// parser and says how to run. cli.cc only parses, dispatches and turns errors into exit codes.
#include <CLI/CLI.hpp>

#include <functional>

namespace tmfault {

struct Command {
  CLI::App* parser = nullptr;
  std::function<int()> run;  ///< the exit code (model/error.h ExitCode, or 128+signal)
};

/// Declares a subcommand's flags on `app`; the returned run() reads them once parsed.
using CommandFactory = Command (*)(CLI::App& app);

Command run_command(CLI::App& app);
Command explain_command(CLI::App& app);
Command report_command(CLI::App& app);
Command doc_check_command(CLI::App& app);
Command bisect_command(CLI::App& app);
Command check_command(CLI::App& app);

}  // namespace tmfault
