#include "harness/cli.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <condition_variable>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "cgroup/cgroup.h"
#include "cgroup/signals.h"
#include "harness/diagnostic.h"
#include "harness/bisect.h"
#include "harness/size.h"
#include "harness/user_conf.h"
#include "harness/dist.h"
#include "harness/doc.h"
#include "harness/explain.h"
#include "harness/plan.h"
#include "harness/scenario.h"
#include "harness/session.h"
#include "reports/cells.h"
#include "reports/progress.h"
#include "reports/reports.h"
#include "reports/suite_ops.h"

namespace tmfault {
namespace fs = std::filesystem;
namespace {

constexpr int kExitFail = 1, kExitUsage = 2, kExitEnvironment = 3;

/// Bad input to a command (a malformed results file, a bad --shard): exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RunArgs {
  std::vector<fs::path> paths;
  std::vector<std::string> only;
  bool dry_run = false;
  int jobs = 0;
  fs::path out = "out";
  std::string flink_version;
  fs::path flink_home, project_dir, cgroup_parent;
  bool no_color = false;
  fs::path json, junit, html;
  std::string shard;
};

struct CheckArgs {
  fs::path conf;
  std::vector<std::string> workloads;
  RunArgs run;  ///< -j, --out, --dry-run, reports, Flink and cgroup options
};

struct BisectArgs {
  fs::path scenario;
  std::string option, low, high, step = "16m", remedy;
  RunArgs run;  ///< --out, --flink-version, --flink-home, --project-dir, --cgroup-parent
};

struct DocCheckArgs {
  std::vector<fs::path> paths;
  fs::path doc, results, project_dir;
};

struct ReportArgs {
  std::vector<fs::path> inputs;
  std::string format;
  fs::path output;
  bool merge = false;
  bool no_color = false;
};

/// NO_COLOR counts when set and not empty (no-color.org).
bool no_color_env() {
  const char* v = std::getenv("NO_COLOR");
  return v && *v;
}

bool use_color(bool no_color_flag) {
  return !no_color_flag && ::isatty(STDOUT_FILENO) && !no_color_env();
}

/// A live status line needs a terminal that understands carriage return and erase-line.
bool live_terminal() {
  const char* term = std::getenv("TERM");
  return ::isatty(STDOUT_FILENO) && !(term && std::string_view(term) == "dumb");
}

std::size_t terminal_width() {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col - 1;
  return 99;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw UsageError(fmt::format("cannot read '{}': {}", p.string(), std::strerror(errno)));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& text) {
  std::error_code ec;
  if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush())
    throw std::runtime_error(fmt::format("cannot write '{}': {}", p.string(), std::strerror(errno)));
}

/// A run directory or a results.json, read back into a suite.
SuiteResult load_results(const fs::path& input) {
  fs::path file = fs::is_directory(input) ? input / "results.json" : input;
  if (!fs::exists(file))
    throw UsageError(fmt::format("no results in '{}' (want a run directory or its results.json)", input.string()));
  try {
    return reports::suite_from_json(read_file(file));
  } catch (const reports::ReadError& e) {
    throw UsageError(fmt::format("'{}': {}", file.string(), e.what()));
  }
}

/// --only "heap-space" or "heap-space/faulty".
bool selected(const VariantPlan& p, const std::vector<std::string>& only) {
  if (only.empty()) return true;
  for (const auto& o : only)
    if (o == p.scenario_id || o == p.scenario_id + "/" + p.variant) return true;
  return false;
}

int default_jobs() {
  unsigned n = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(n, 1u, 4u));
}

int exit_code_for(const SuiteResult& s, int signo) {
  if (s.interrupted) return 128 + (signo ? signo : SIGINT);
  bool fail = false, error = false;
  for (const auto& r : s.records) {
    fail |= r.verdict.outcome == Outcome::fail;
    error |= r.verdict.outcome == Outcome::error;
  }
  return fail ? kExitFail : error ? kExitEnvironment : 0;
}

/// Which variants run now, redrawn in place twice a second while stdout is a terminal.
class LiveProgress {
 public:
  explicit LiveProgress(std::size_t total) : total_(total), start_(Clock::now()) {
    ticker_ = std::thread([this] { tick(); });
  }
  ~LiveProgress() {
    {
      std::lock_guard l(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    ticker_.join();
    std::lock_guard l(mu_);
    std::cout << "\r\033[K" << std::flush;
  }
  void started(const VariantPlan& p) {
    std::lock_guard l(mu_);
    active_.push_back({p.scenario_id + "/" + p.variant, Clock::now(), std::nullopt, std::nullopt});
    redraw();
  }
  /// The TM cgroup's usage, as the runner samples it (no redraw: the ticker shows it).
  void sampled(const VariantPlan& p, const MemorySample& s, std::optional<std::uint64_t> limit) {
    std::lock_guard l(mu_);
    std::string id = p.scenario_id + "/" + p.variant;
    for (auto& a : active_)
      if (a.id == id) a.usage_bytes = s.usage_bytes, a.limit_bytes = limit;
  }
  void done(const RunRecord& r, const std::string& line) {
    std::lock_guard l(mu_);
    std::string id = r.plan.scenario_id + "/" + r.plan.variant;
    std::erase_if(active_, [&](const auto& a) { return a.id == id; });
    ++done_;
    std::cout << "\r\033[K" << line << "\n";
    redraw();
  }

 private:
  using Clock = std::chrono::steady_clock;
  static Millis since(Clock::time_point t) { return std::chrono::duration_cast<Millis>(Clock::now() - t); }

  void redraw() {
    std::vector<reports::ActiveRun> now;
    for (const auto& a : active_) now.push_back({a.id, since(a.started), a.usage_bytes, a.limit_bytes});
    std::cout << "\r\033[K" << reports::progress_line(now, done_, total_, since(start_), terminal_width())
              << std::flush;
  }
  void tick() {
    std::unique_lock l(mu_);
    while (!wake_.wait_for(l, std::chrono::milliseconds(500), [this] { return stopping_; })) redraw();
  }

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::size_t total_, done_ = 0;
  Clock::time_point start_;
  struct Active {
    std::string id;
    Clock::time_point started;
    std::optional<std::uint64_t> usage_bytes, limit_bytes;
  };
  std::vector<Active> active_;
  std::thread ticker_;
};

/// The plans to run: every scenario's variants, narrowed by --only and --shard.
std::vector<VariantPlan> select_plans(const LoadResult& loaded, const RunArgs& a) {
  std::vector<VariantPlan> plans;
  for (const auto& sc : loaded.scenarios)
    for (auto& p : plan_scenario(sc))
      if (selected(p, a.only)) plans.push_back(std::move(p));
  if (plans.empty())
    throw UsageError(fmt::format("--only {} matches no variant", fmt::join(a.only, ", ")));
  if (a.shard.empty()) return plans;
  std::string error;
  auto shard = reports::parse_shard(a.shard, error);
  if (!shard) throw UsageError(error);
  return reports::select_shard(plans, *shard);
}

/// --json/--junit/--html: rendered from the stored results.json, as `tmfault report` does.
void write_reports(const RunArgs& a, const fs::path& run_dir) {
  if (a.json.empty() && a.junit.empty() && a.html.empty()) return;
  std::string stored = read_file(run_dir / "results.json");
  SuiteResult suite = reports::suite_from_json(stored);
  if (!a.json.empty()) write_file(a.json, stored);
  if (!a.junit.empty()) write_file(a.junit, reports::render(suite, reports::Format::junit));
  if (!a.html.empty()) write_file(a.html, reports::render(suite, reports::Format::html));
}

/// Flink ignores keys it does not know; a misspelt one would silently test the default.
void warn_unknown_keys(const LoadResult& loaded, const FlinkDist& dist) {
  for (const auto& sc : loaded.scenarios)
    for (const auto& d : check_option_keys(sc, dist.option_keys, dist.version))
      std::cerr << format_diagnostic(d) << "\n";
}

/// Where Flink is, from --project-dir, --flink-version and --flink-home.
DistOptions dist_options(const RunArgs& a) {
  DistOptions d;
  d.project_dir = a.project_dir.empty() ? default_project_dir() : a.project_dir;
  if (!a.flink_version.empty()) d.version = a.flink_version;
  if (!a.flink_home.empty()) d.flink_home = a.flink_home;
  return d;
}

/// The cgroups to create runs beneath (--cgroup-parent, else our own), stale ones swept first.
cgroup::Hierarchy open_cgroups(const RunArgs& a) {
  cgroup::Hierarchy h = cgroup::discover(a.cgroup_parent.empty() ? std::nullopt
                                                                 : std::optional<fs::path>(a.cgroup_parent));
  if (int swept = cgroup::sweep_stale(h))
    std::cerr << fmt::format("tmfault: removed {} stale cgroup(s) of earlier runs\n", swept);
  return h;
}

/// Runs `plans` of `loaded`'s scenarios, or prints them (--dry-run); reports; the exit code.
int run_plans(const LoadResult& loaded, const std::vector<VariantPlan>& plans, const RunArgs& a) {
  std::map<std::string, fs::path> sources;
  for (const auto& sc : loaded.scenarios) sources[sc.id] = sc.file;
  std::optional<FlinkDist> found;
  try {
    found = locate_dist(dist_options(a));
  } catch (const EnvironmentError& e) {
    if (!a.dry_run) throw;
    std::cerr << fmt::format("tmfault: option keys not checked: {}\n", e.what());
  }
  if (found) warn_unknown_keys(loaded, *found);
  if (a.dry_run) {
    for (const auto& p : plans) std::cout << describe_plan(p) << "\n";
    return 0;
  }
  if (plans.empty()) {
    std::cout << fmt::format("tmfault: shard {} has no variants: nothing to run\n", a.shard);
    return 0;
  }
  const FlinkDist& dist = *found;
  cgroup::StopOnSignal signals;
  cgroup::Hierarchy h = open_cgroups(a);

  bool color = use_color(a.no_color);
  SessionOptions so;
  so.out_root = a.out;
  so.jobs = a.jobs > 0 ? a.jobs : default_jobs();
  so.stop = &signals.stop_flag();
  std::cout << fmt::format("tmfault: {} variant(s) of {} scenario(s), Flink {}, {} at a time{}\n",
                           plans.size(), loaded.scenarios.size(), dist.version, so.jobs,
                           a.shard.empty() ? "" : ", shard " + a.shard);
  std::optional<LiveProgress> live;
  if (live_terminal()) {
    live.emplace(plans.size());
    so.on_start = [&](const VariantPlan& p) { live->started(p); };
    so.on_sample = [&](const VariantPlan& p, const MemorySample& s, std::optional<std::uint64_t> limit) {
      live->sampled(p, s, limit);
    };
    so.on_done = [&](const RunRecord& r) { live->done(r, reports::variant_line(r, color)); };
  } else {
    so.on_start = [&](const VariantPlan& p) {
      std::cout << fmt::format("  ..   {}/{}\n", p.scenario_id, p.variant) << std::flush;
    };
    so.on_done = [&](const RunRecord& r) { std::cout << reports::variant_line(r, color) << "\n" << std::flush; };
  }
  fs::path run_dir;
  SuiteResult suite = run_session(plans, sources, dist, h, so, run_dir);
  live.reset();
  std::cout << reports::terminal_summary(suite, color);
  std::cout << fmt::format("results: {}\n", (run_dir / "results.json").string());
  write_reports(a, run_dir);
  return exit_code_for(suite, signals.signal_received());
}

int cmd_run(RunArgs a) {
  if (a.paths.empty()) a.paths.push_back((a.project_dir.empty() ? default_project_dir() : a.project_dir) / "scenarios");
  LoadResult loaded = load_scenarios(a.paths);
  for (const auto& d : loaded.diagnostics) std::cerr << format_diagnostic(d) << "\n";
  if (has_errors(loaded.diagnostics)) {
    std::cerr << "tmfault: scenario errors: nothing was run\n";
    return kExitUsage;
  }
  return run_plans(loaded, select_plans(loaded, a), a);
}

int cmd_check(const CheckArgs& c) {
  UserConf conf = parse_user_conf(read_file(c.conf), c.conf);
  if (conf.memory.empty())
    throw UsageError(fmt::format("{} sets no TaskManager memory option (taskmanager.memory.*): nothing to check",
                                 c.conf.string()));
  std::cout << fmt::format("tmfault: {}: {} memory option(s) used, {} other key(s) left out (ports, HA, paths "
                           "are the harness's)\n",
                           c.conf.string(), conf.memory.size(), conf.ignored.size());
  LoadResult loaded;
  try {
    loaded.scenarios = conf_check_scenarios(conf, c.workloads);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  std::vector<VariantPlan> plans;
  for (const Scenario& sc : loaded.scenarios) {
    VariantPlan p = plan_scenario(sc).front();
    p.kind = VariantKind::remedy;  // judged like a remedy: confirmed when the run is healthy
    p.variant = "your-config";
    p.name = "your config";
    plans.push_back(std::move(p));
  }
  return run_plans(loaded, plans, c.run);
}

int cmd_report(const ReportArgs& a) {
  if (!a.merge && a.inputs.size() != 1)
    throw UsageError("report takes one run directory or results.json (use --merge to combine several)");
  std::string name = a.format.empty() ? (a.merge ? "json" : "text") : a.format;
  auto format = reports::format_from_name(name);
  if (!format) throw UsageError(fmt::format("unknown format {} (want text, json, junit or html)", quote(name)));
  SuiteResult suite;
  if (a.merge) {
    std::vector<SuiteResult> parts;
    std::vector<std::string> names;
    for (const fs::path& in : a.inputs) parts.push_back(load_results(in)), names.push_back(in.string());
    suite = reports::merge_suites(parts, names);
  } else {
    suite = load_results(a.inputs.front());
  }
  bool color = a.output.empty() && use_color(a.no_color);
  std::string text = reports::render(suite, *format, color);
  if (a.output.empty()) std::cout << text << std::flush;
  else write_file(a.output, text);
  return 0;
}

/// `-D key=value` options as a one-variant plan.
VariantPlan plan_from_definitions(const std::vector<std::string>& defs) {
  VariantPlan p;
  p.scenario_id = "options";
  p.variant = "given";
  p.name = "-D options";
  for (const auto& d : defs) {
    std::size_t eq = d.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError(fmt::format("-D {} is not key=value, e.g. -D taskmanager.memory.process.size=1g", quote(d)));
    p.tm_options.emplace_back(d.substr(0, eq), d.substr(eq + 1));
  }
  return p;
}

int cmd_explain(RunArgs a, const std::vector<std::string>& defs) {
  DistOptions dopts = dist_options(a);
  std::vector<VariantPlan> plans;
  if (!defs.empty()) {
    plans.push_back(plan_from_definitions(defs));
  } else {
    if (a.paths.empty()) a.paths.push_back(dopts.project_dir / "scenarios");
    LoadResult loaded = load_scenarios(a.paths);
    for (const auto& d : loaded.diagnostics) std::cerr << format_diagnostic(d) << "\n";
    if (has_errors(loaded.diagnostics)) return kExitUsage;
    plans = select_plans(loaded, a);
  }
  FlinkDist dist = locate_dist(dopts);
  cgroup::StopOnSignal signals;
  auto explained = explain_plans(plans, dist, a.jobs > 0 ? a.jobs : default_jobs(), &signals.stop_flag());
  std::cout << fmt::format("Flink {}'s memory model (BashJavaUtils), per variant:\n\n", dist.version)
            << reports::explain_text(explained) << std::flush;
  return signals.signal_received() ? 128 + signals.signal_received() : 0;
}

std::uint64_t size_arg(std::string_view flag, const std::string& text) {
  auto v = parse_size(text);
  if (!v.value) throw UsageError(fmt::format("{}: {}", flag, v.error));
  return *v.value;
}

/// The run a bisection starts from: the faulty run, or the remedy named `remedy`.
VariantPlan bisect_base(const Scenario& sc, const std::string& remedy) {
  auto plans = plan_scenario(sc);
  if (remedy.empty()) return plans.front();
  for (const VariantPlan& p : plans)
    if (p.kind == VariantKind::remedy && (p.name == remedy || p.variant == remedy)) return p;
  std::vector<std::string> names;
  for (const VariantPlan& p : plans)
    if (p.kind == VariantKind::remedy) names.push_back(quote(p.variant));
  throw UsageError(fmt::format("scenario {} has no remedy {} (remedies: {})", sc.id, quote(remedy),
                               fmt::join(names, ", ")));
}

/// `base` with `key` set to `value`, expected healthy.
VariantPlan bisect_probe(const VariantPlan& base, const std::string& key, const std::string& value) {
  VariantPlan p = base;
  p.kind = VariantKind::remedy;
  p.variant = "bisect-" + value;
  p.name = fmt::format("{} = {}", key, value);
  p.expect = Symptom::healthy;
  p.expect_mentions.clear();  // the faulty run's: a healthy run has no message to check
  p.why.clear();
  std::erase_if(p.tm_options, [&](const auto& kv) { return kv.first == key; });
  p.tm_options.emplace_back(key, value);
  std::erase_if(p.changed, [&](const auto& kv) { return kv.first == key; });
  p.changed.emplace_back(key, value);
  return p;
}

int cmd_bisect(BisectArgs a) {
  std::uint64_t low = size_arg("--low", a.low), high = size_arg("--high", a.high), step = size_arg("--step", a.step);
  if (low >= high) throw UsageError(fmt::format("--low {} must be below --high {}", a.low, a.high));
  if (step == 0) throw UsageError("--step must be at least 1b");
  LoadResult loaded = load_scenarios({a.scenario});
  for (const auto& d : loaded.diagnostics) std::cerr << format_diagnostic(d) << "\n";
  if (has_errors(loaded.diagnostics)) return kExitUsage;
  if (loaded.scenarios.size() != 1)
    throw UsageError(fmt::format("bisect takes one scenario file, {} holds {}", a.scenario.string(),
                                 loaded.scenarios.size()));
  const Scenario& sc = loaded.scenarios.front();
  VariantPlan base = bisect_base(sc, a.remedy);
  FlinkDist dist = locate_dist(dist_options(a.run));
  if (!dist.option_keys.empty() && !dist.option_keys.count(a.option))
    throw UsageError(fmt::format("--option {} is not an option of Flink {}", quote(a.option), dist.version));
  cgroup::StopOnSignal signals;
  cgroup::Hierarchy h = open_cgroups(a.run);

  Bisection b(low, high, step);
  std::uint64_t probing = 0;  // the value of the run in flight
  std::string error;
  NextPlan next = [&](const std::vector<RunRecord>& done) -> std::optional<VariantPlan> {
    if (!done.empty()) {
      const RunRecord& r = done.back();
      if (r.verdict.outcome == Outcome::error) {
        error = fmt::format("{}: {}", r.plan.name, r.verdict.reason);
        return std::nullopt;
      }
      b.record(probing, r.verdict.outcome == Outcome::pass);
    }
    auto v = b.next();
    if (!v) return std::nullopt;
    probing = *v;
    return bisect_probe(base, a.option, flink_size(*v));
  };
  std::cout << fmt::format("tmfault: bisecting {} over [{}, {}] in steps of {} on {} ({}), Flink {}\n",
                           a.option, flink_size(low), flink_size(high), flink_size(step), reports::variant_id(base),
                           base.name, dist.version);
  SessionOptions so;
  so.out_root = a.run.out;
  so.stop = &signals.stop_flag();
  so.on_done = [](const RunRecord& r) {
    std::cout << fmt::format("  {:<44} {:<17} {:>6}\n", r.plan.name,
                             r.verdict.outcome == Outcome::pass ? std::string("healthy")
                             : r.verdict.observed_known        ? std::string(symptom_name(r.verdict.observed))
                                                               : std::string("?"),
                             reports::seconds(r.observation.timings.total))
              << std::flush;
  };
  fs::path run_dir;
  SuiteResult suite = run_adaptive(next, sc.file, dist, h, so, run_dir);
  std::cout << fmt::format("runs: {}\n", run_dir.string());
  if (signals.signal_received()) return 128 + signals.signal_received();
  if (!error.empty()) {
    std::cerr << fmt::format("tmfault: bisect stopped, a run could not be judged: {}\n", error);
    return kExitEnvironment;
  }
  switch (b.state()) {
    case Bisection::State::found: {
      std::cout << fmt::format("smallest {} that resolves it: {} ({} does not); {} runs in {}\n", a.option,
                               flink_size(b.lowest_healthy()), flink_size(b.highest_unhealthy()),
                               suite.records.size(), reports::seconds(suite.wall));
      for (std::uint64_t v : {b.highest_unhealthy(), b.lowest_healthy()})
        for (const RunRecord& r : suite.records)
          if (r.plan.variant == "bisect-" + flink_size(v))
            std::cout << fmt::format("  at {:>7}: {}\n", flink_size(v), reports::breakdown_row(r.observation));
      return 0;
    }
    case Bisection::State::not_resolved_at_high:
      std::cout << fmt::format("{} = {} does not resolve it: nothing to bisect (try a larger --high)\n",
                               a.option, flink_size(high));
      return kExitFail;
    case Bisection::State::healthy_at_low:
      std::cout << fmt::format("{} = {} already resolves it: nothing to bisect (try a smaller --low)\n",
                               a.option, flink_size(low));
      return kExitFail;
    case Bisection::State::searching: break;
  }
  return kExitEnvironment;
}

/// Where Flink comes from: one spelling for every subcommand that needs it.
void add_flink_options(CLI::App* app, RunArgs& a) {
  app->add_option("--flink-version", a.flink_version, "Flink version set up by ci/setup (default: ci/flink-version)");
  app->add_option("--flink-home", a.flink_home, "use this unpacked Flink distribution instead");
  app->add_option("--project-dir", a.project_dir, "the tmfault checkout (default: where it was built)");
}

/// Where runs go and what they leave behind: out/, cgroups, report files.
void add_storage_options(CLI::App* app, RunArgs& a, bool reports) {
  app->add_option("--out", a.out, "where runs are stored (default: out/)");
  app->add_option("--cgroup-parent", a.cgroup_parent, "create cgroups beneath this one (default: our own)");
  if (!reports) return;
  app->add_flag("--no-color", a.no_color, "plain output (also: NO_COLOR=1, or stdout not a terminal)");
  app->add_option("--json", a.json, "also copy results.json to FILE");
  app->add_option("--junit", a.junit, "also write JUnit XML to FILE (for CI test reporters)");
  app->add_option("--html", a.html, "also write the HTML report to FILE");
}

void add_check(CLI::App& app, CheckArgs& a) {
  CLI::App* ch = app.add_subcommand(
      "check", "a regression gate for your own Flink config: run the standard workloads under its "
               "TaskManager memory options; each must come out healthy");
  ch->add_option("--conf", a.conf, "your config.yaml (or flink-conf.yaml); only the TaskManager's memory "
                                   "options are used")
      ->required();
  ch->add_option("--workload", a.workloads,
                 "NAME or NAME:key=value,... (repeatable; default: heap, direct, metaspace, network, "
                 "rocksdb with the arguments in workloads/README.md), e.g. heap:retain=600m")
      ->allow_extra_args(false);
  ch->add_flag("--dry-run", a.run.dry_run, "print the resolved plans and run nothing");
  ch->add_option("-j,--jobs", a.run.jobs, "runs at once (default: cores, at most 4)")->check(CLI::Range(1, 64));
  add_storage_options(ch, a.run, true);
  add_flink_options(ch, a.run);
}

void add_bisect(CLI::App& app, BisectArgs& a) {
  CLI::App* bi = app.add_subcommand(
      "bisect", "find, by real runs, the smallest value of one size option that resolves a scenario's "
                "symptom (e.g. how much total memory the heap-space job needs)");
  bi->add_option("scenario", a.scenario, "one scenario file")->required();
  bi->add_option("--option", a.option, "the Flink size option to vary, e.g. taskmanager.memory.process.size")
      ->required();
  bi->add_option("--low", a.low, "a value that still shows the symptom, e.g. 1g")->required();
  bi->add_option("--high", a.high, "a value that resolves it, e.g. 4g")->required();
  bi->add_option("--step", a.step, "stop when healthy and unhealthy are this close (default: 16m)");
  bi->add_option("--remedy", a.remedy, "start from this remedy's options instead of the faulty run's");
  add_storage_options(bi, a.run, false);
  add_flink_options(bi, a.run);
}

int cmd_doc_check(DocCheckArgs a) {
  fs::path project = a.project_dir.empty() ? default_project_dir() : a.project_dir;
  if (a.doc.empty()) a.doc = project / "docs/mem_trouble.md";
  if (a.paths.empty()) a.paths.push_back(project / "scenarios");
  LoadResult loaded = load_scenarios(a.paths);
  for (const auto& d : loaded.diagnostics) std::cerr << format_diagnostic(d) << "\n";
  if (has_errors(loaded.diagnostics)) return kExitUsage;
  std::optional<SuiteResult> results;
  if (!a.results.empty()) results = load_results(a.results);
  DocCheck dc = check_doc(parse_doc(read_file(a.doc)), a.doc.filename().string(), loaded.scenarios,
                          results ? &*results : nullptr);
  auto problems = doc_problems(dc);
  std::cout << reports::doc_check_text(dc, problems) << std::flush;
  return problems.empty() ? 0 : kExitFail;
}

void add_doc_check(CLI::App& app, DocCheckArgs& a) {
  CLI::App* dc = app.add_subcommand(
      "doc-check", "which sections and advice of the guide the scenarios test, whether their quotes are "
                   "still the guide's words, and (with --results) what the runs concluded; runs nothing");
  dc->add_option("paths", a.paths, "scenario files or directories (default: the project's scenarios/)");
  dc->add_option("--doc", a.doc, "the guide, markdown (default: the project's docs/mem_trouble.md)");
  dc->add_option("--results", a.results, "a run directory (out/latest) or its results.json");
  dc->add_option("--project-dir", a.project_dir, "the tmfault checkout (default: where it was built)");
}

void add_explain(CLI::App& app, RunArgs& a, std::vector<std::string>& defs) {
  CLI::App* ex = app.add_subcommand(
      "explain", "show the memory breakdown Flink derives for each variant (and what a remedy changes), "
                 "without running anything");
  ex->add_option("paths", a.paths, "scenario files or directories (default: the project's scenarios/)");
  ex->add_option("--only", a.only, "only SCENARIO or SCENARIO/VARIANT (repeatable)")->allow_extra_args(false);
  ex->add_option("-D", defs, "explain these Flink options instead (repeatable): -D taskmanager.memory.process.size=1g")->allow_extra_args(false);
  add_flink_options(ex, a);
  ex->add_option("-j,--jobs", a.jobs, "derivations at once (default: cores, at most 4)")->check(CLI::Range(1, 64));
}

void add_run(CLI::App& app, RunArgs& a) {
  CLI::App* run = app.add_subcommand("run", "run scenarios against a real Flink TaskManager");
  run->add_option("paths", a.paths, "scenario files or directories (default: the project's scenarios/)");
  run->add_option("--only", a.only, "run only SCENARIO or SCENARIO/VARIANT (repeatable)")->allow_extra_args(false);
  run->add_flag("--dry-run", a.dry_run, "print the resolved plan of every variant and run nothing");
  run->add_option("-j,--jobs", a.jobs, "variants to run at once (default: cores, at most 4)")
      ->check(CLI::Range(1, 64));
  add_storage_options(run, a, true);
  add_flink_options(run, a);
  run->add_option("--shard", a.shard, "run only shard K of N (K/N) of the variants sorted by scenario and variant");
}

void add_report(CLI::App& app, ReportArgs& a) {
  CLI::App* rep = app.add_subcommand("report", "render a stored run again, without running anything");
  rep->add_option("inputs", a.inputs, "a run directory (out/<timestamp>) or its results.json")->required();
  rep->add_option("-f,--format", a.format, "text, json, junit or html (default: text; json with --merge)");
  rep->add_option("-o,--output", a.output, "write to FILE (default: stdout)");
  rep->add_flag("--merge", a.merge, "combine several runs (shards) of one Flink version into one");
  rep->add_flag("--no-color", a.no_color, "plain text (also: NO_COLOR=1, or stdout not a terminal)");
}

int dispatch(CLI::App& app, const RunArgs& run, const ReportArgs& report, const RunArgs& explain,
             const std::vector<std::string>& defs, const DocCheckArgs& doc_check, const BisectArgs& bisect,
             const CheckArgs& check) {
  try {
    if (app.got_subcommand("doc-check")) return cmd_doc_check(doc_check);
    if (app.got_subcommand("bisect")) return cmd_bisect(bisect);
    if (app.got_subcommand("check")) return cmd_check(check);
    if (app.got_subcommand("run")) return cmd_run(run);
    if (app.got_subcommand("explain")) return cmd_explain(explain, defs);
    if (app.got_subcommand("report")) return cmd_report(report);
  } catch (const UsageError& e) {
    std::cerr << fmt::format("tmfault: {}\n", e.what());
    return kExitUsage;
  } catch (const UserConfError& e) {
    std::cerr << e.what() << "\n";
    return kExitUsage;
  } catch (const reports::MergeError& e) {
    std::cerr << fmt::format("tmfault: {}\n", e.what());
    return kExitUsage;
  } catch (const EnvironmentError& e) {
    std::cerr << fmt::format("tmfault: {}\nhint: {}\n", e.what(), e.hint());
    return kExitEnvironment;
  } catch (const cgroup::CgroupError& e) {
    std::cerr << fmt::format("tmfault: {}\nhint: {}\n", e.what(), e.hint());
    return kExitEnvironment;
  } catch (const std::exception& e) {
    std::cerr << fmt::format("tmfault: {}\n", e.what());
    return kExitEnvironment;
  }
  return kExitUsage;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{
      "tmfault: checks Flink's memory troubleshooting guide against a real TaskManager.\n"
      "Each scenario starts a JobManager and a TaskManager under a cgroup memory limit with\n"
      "mis-sized options, observes the documented symptom, then re-runs with every documented\n"
      "remedy and checks that it resolves.\n\n"
      "  tmfault run                      run every scenario in scenarios/\n"
      "  tmfault run scenarios/heap-space.toml   run one section\n"
      "  tmfault run --dry-run            show what would run\n"
      "  tmfault explain scenarios/heap-space.toml   Flink's memory breakdown per variant\n"
      "  tmfault explain -D taskmanager.memory.process.size=1g   ... for any options\n"
      "  tmfault run --junit r.xml --html r.html   also write CI and browser reports\n"
      "  tmfault report out/latest --format html -o r.html   re-render a stored run\n"
      "  tmfault report --merge a/results.json b/results.json -o all.json   join shards\n"
      "  tmfault doc-check --results out/latest   the guide, section by section: tested? true?\n"
      "  tmfault bisect scenarios/heap-space.toml --option taskmanager.memory.process.size \\\n"
      "      --low 1g --high 4g               the smallest total memory that resolves it\n"
      "  tmfault check --conf conf/config.yaml   your config under the standard workloads\n\n"
      "exit codes: 0 all passed, 1 a verdict failed (doc-check: a problem found; bisect: no\n"
      "boundary in the range), 2 bad usage or scenario, 3 harness or environment error,\n"
      "130/143 interrupted"};
  app.require_subcommand(1);
  RunArgs run, explain;
  ReportArgs report;
  DocCheckArgs doc_check;
  BisectArgs bisect;
  CheckArgs check;
  std::vector<std::string> defs;
  add_run(app, run);
  add_explain(app, explain, defs);
  add_report(app, report);
  add_doc_check(app, doc_check);
  add_bisect(app, bisect);
  add_check(app, check);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  return dispatch(app, run, report, explain, defs, doc_check, bisect, check);
}

}  // namespace tmfault
