#include "harness/stages/scenario.h"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <map>
#include <set>
#include <toml++/toml.h>

#include "harness/stages/size.h"
#include "harness/stages/workloads.h"

namespace tmfault {
namespace {

using Keys = std::span<const std::string_view>;

constexpr std::array<std::string_view, 5> kTopKeys{"scenario", "taskmanager", "jobmanager", "expect", "remedy"};
constexpr std::array<std::string_view, 10> kScenarioKeys{"id",           "subject",       "doc", "title",
                                                         "workload",     "workload_args", "env", "timeout",
                                                         "cgroup_limit", "submissions"};
constexpr std::array<std::string_view, 2> kSubjects{"taskmanager", "jobmanager"};
constexpr std::array<std::string_view, 3> kExpectKeys{"symptom", "mentions", "quote"};
constexpr std::array<std::string_view, 9> kRemedyKeys{"name",   "set", "unset", "workload_args", "env",
                                                      "expect", "why", "quote", "source"};
/// The harness sets these for every Flink JVM (derive.h: flink_env); a scenario may not.
constexpr std::array<std::string_view, 3> kHarnessEnv{"FLINK_HOME", "FLINK_LIB_DIR", "FLINK_CONF_DIR"};
constexpr std::int64_t kMaxSubmissions = 1000;

/// Collects diagnostics for one file.
class Reader {
 public:
  explicit Reader(std::filesystem::path file) : file_(std::move(file)) {}

  SourcePos pos(const toml::source_region& r) const {
    return {file_, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
  }
  void error(const toml::source_region& r, std::string msg) {
    diags_.push_back({pos(r), Severity::error, std::move(msg)});
  }
  void error_at(SourcePos p, std::string msg) { diags_.push_back({std::move(p), Severity::error, std::move(msg)}); }
  void warning(const toml::source_region& r, std::string msg) {
    diags_.push_back({pos(r), Severity::warning, std::move(msg)});
  }

  /// Reports keys of `t` not in `known`, with a suggestion.
  void check_keys(const toml::table& t, Keys known, std::string_view where) {
    for (auto&& [k, v] : t) {
      if (std::find(known.begin(), known.end(), k.str()) != known.end()) continue;
      error(k.source(), fmt::format("unknown key {} in {}{} (known: {})", quote(k.str()), where,
                                    did_you_mean(k.str(), known), fmt::join(known, ", ")));
    }
  }

  const toml::table* table(const toml::table& parent, std::string_view key, bool required) {
    const toml::node* n = parent.get(key);
    if (!n) {
      if (required) error(parent.source(), fmt::format("missing required table [{}]", key));
      return nullptr;
    }
    if (!n->is_table()) error(n->source(), fmt::format("{} must be a table", quote(key)));
    return n->as_table();
  }

  std::optional<std::string> string(const toml::table& t, std::string_view key, std::string_view where, bool required) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) error(t.source(), fmt::format("missing required key {} in {}", quote(key), where));
      return std::nullopt;
    }
    if (auto s = n->value<std::string>(); s && n->is_string()) return *s;
    error(n->source(), fmt::format("{} in {} must be a string", quote(key), where));
    return std::nullopt;
  }

  /// A table of scalar values as ordered key/value strings (Flink options, workload args).
  /// toml++ iterates tables in key order; options keep the order they were written in.
  FlinkOptions options(const toml::table& t, std::string_view where,
                       std::map<std::string, SourcePos>* positions = nullptr) {
    std::vector<std::pair<toml::source_position, std::pair<std::string, std::string>>> found;
    for (auto&& [k, v] : t) {
      if (positions) positions->emplace(std::string(k.str()), pos(k.source()));
      if (auto s = scalar_text(v)) {
        found.push_back({k.source().begin, {std::string(k.str()), *s}});
      } else {
        error(v.source(), fmt::format("value of {} in {} must be a string, number or boolean", quote(k.str()), where));
      }
    }
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    FlinkOptions out;
    for (auto& f : found) out.push_back(std::move(f.second));
    return out;
  }

  /// An optional array of strings.
  std::vector<std::string> strings(const toml::table& t, std::string_view key, std::string_view where) {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    const toml::array* a = n->as_array();
    if (!a) error(n->source(), fmt::format("{} in {} must be an array of strings", quote(key), where));
    for (std::size_t i = 0; a && i < a->size(); ++i) {
      if (auto s = (*a)[i].value<std::string>(); s && (*a)[i].is_string()) out.push_back(*s);
      else error((*a)[i].source(), fmt::format("{} in {} must hold strings", quote(key), where));
    }
    return out;
  }

  std::optional<Symptom> symptom(const toml::table& t, std::string_view key, std::string_view where, bool required) {
    auto s = string(t, key, where, required);
    if (!s) return std::nullopt;
    if (auto sym = symptom_from_name(*s)) return sym;
    std::vector<std::string_view> names;
    for (Symptom x : kAllSymptoms) names.push_back(symptom_name(x));
    error(t.get(key)->source(),
          fmt::format("unknown symptom {}{} (known: {})", quote(*s), did_you_mean(*s, names), fmt::join(names, ", ")));
    return std::nullopt;
  }

  static std::optional<std::string> scalar_text(const toml::node& v) {
    if (auto s = v.as_string()) return s->get();
    if (auto i = v.as_integer()) return std::to_string(i->get());
    if (auto f = v.as_floating_point()) return fmt::format("{}", f->get());
    if (auto b = v.as_boolean()) return b->get() ? "true" : "false";
    return std::nullopt;
  }

  /// The diagnostics in file order.
  std::vector<Diagnostic> take() {
    std::stable_sort(diags_.begin(), diags_.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::pair(a.pos.line, a.pos.column) < std::pair(b.pos.line, b.pos.column);
    });
    return std::move(diags_);
  }
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::vector<Diagnostic> diags_;
};

constexpr std::string_view kIdChars = "abcdefghijklmnopqrstuvwxyz0123456789-";

void read_timeout(Reader& r, const toml::table& s, Scenario& sc) {
  auto t = r.string(s, "timeout", "[scenario]", false);
  if (!t) return;
  auto d = parse_duration(*t);
  if (!d.value) r.error(s.get("timeout")->source(), fmt::format("bad timeout: {}", d.error));
  else if (d.value->count() == 0)
    r.error(s.get("timeout")->source(),
            fmt::format("bad timeout: {} must be greater than 0 (omit timeout for the default of {}s)", quote(*t),
                        static_cast<double>(Scenario{}.timeout.count()) / 1000.0));
  else sc.timeout = *d.value;
}

/// Below this no JVM starts (and the kernel rounds a limit under one page down to 0).
constexpr std::uint64_t kMinCgroupLimitBytes = 1ULL << 20;

void read_cgroup_limit(Reader& r, const toml::table& s, Scenario& sc) {
  auto l = r.string(s, "cgroup_limit", "[scenario]", false);
  if (!l) return;
  auto v = parse_size(*l);
  if (!v.value) r.error(s.get("cgroup_limit")->source(), fmt::format("bad cgroup_limit: {}", v.error));
  else if (*v.value < kMinCgroupLimitBytes)
    r.error(s.get("cgroup_limit")->source(),
            fmt::format("bad cgroup_limit: {} must be at least {}m, as no JVM starts in less (omit "
                        "cgroup_limit to use Flink's derived total process size)",
                        quote(*l), kMinCgroupLimitBytes >> 20));
  else sc.cgroup_limit_bytes = *v.value;
}

bool env_name_ok(std::string_view name) {
  constexpr std::string_view kFirst = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
  return !name.empty() && kFirst.find(name.front()) != std::string_view::npos &&
         name.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_") ==
             std::string_view::npos;
}

/// `env = { NAME = "value" }` of [scenario] or a remedy: the subject's environment variables.
FlinkOptions read_env(Reader& r, const toml::table& t, std::string_view where) {
  const toml::node* n = t.get("env");
  if (!n) return {};
  if (!n->is_table()) {
    r.error(n->source(), fmt::format("'env' in {} must be a table, e.g. {{ MALLOC_ARENA_MAX = \"2\" }}", where));
    return {};
  }
  FlinkOptions env = r.options(*n->as_table(), fmt::format("env of {}", where));
  for (auto&& [k, v] : *n->as_table()) {
    std::string_view name = k.str();
    if (!env_name_ok(name))
      r.error(k.source(), fmt::format("environment variable name {} in {} must be letters, digits and '_', not "
                                      "starting with a digit",
                                      quote(name), where));
    else if (std::find(kHarnessEnv.begin(), kHarnessEnv.end(), name) != kHarnessEnv.end())
      r.error(k.source(), fmt::format("{} in {} is set by the harness for every Flink JVM (it points at the run's "
                                      "Flink and config); a scenario cannot change it",
                                      quote(name), where));
  }
  for (const auto& [k, v] : env)
    if (v.find('\0') != std::string::npos)
      r.error(n->source(), fmt::format("the value of {} in {} holds a NUL character", quote(k), where));
  return env;
}

/// Flink reads `containerized.<process>.env.NAME` only where it launches the container itself (YARN,
/// native Kubernetes); a standalone process, as the harness starts it, gets its environment from
/// its launcher: say so, and where to set it instead.
void warn_containerized_env(Reader& r, const toml::table& t, std::string_view where) {
  for (auto&& [k, v] : t) {
    std::string_view key = k.str();
    for (std::string_view prefix :
         {"containerized.taskmanager.env.", "containerized.master.env.", "containerized.jobmanager.env."}) {
      if (!key.starts_with(prefix) || key.size() == prefix.size()) continue;
      r.warning(k.source(), fmt::format("{} in {} reaches a process only where Flink launches its container (YARN, "
                                        "native Kubernetes); the harness starts the process the way a standalone "
                                        "cluster does, so it stays a config entry: set env = {{ {} = ... }} in "
                                        "[scenario] or the remedy to give the process that variable",
                                        quote(key), where, key.substr(prefix.size())));
    }
  }
}

void read_header(Reader& r, const toml::table& s, Scenario& sc) {
  r.check_keys(s, kScenarioKeys, "[scenario]");
  if (auto id = r.string(s, "id", "[scenario]", true)) {
    sc.id = *id;
    if (id->empty() || id->size() > 64 || id->find_first_not_of(kIdChars) != std::string::npos)
      r.error(s.get("id")->source(),
              fmt::format("scenario id {} must be 1-64 characters of a-z, 0-9 and '-'", quote(*id)));
  }
  if (auto subject = r.string(s, "subject", "[scenario]", false)) {
    if (*subject == "jobmanager") sc.subject = Role::jobmanager;
    else if (*subject != "taskmanager")
      r.error(s.get("subject")->source(),
              fmt::format("subject {} must be 'taskmanager' (the default) or 'jobmanager'{}", quote(*subject),
                          did_you_mean(*subject, kSubjects)));
  }
  sc.doc = r.string(s, "doc", "[scenario]", true).value_or("");
  sc.title = r.string(s, "title", "[scenario]", true).value_or("");
  if (auto w = r.string(s, "workload", "[scenario]", true)) {
    sc.workload = *w;
    const WorkloadInfo* info = find_workload(*w);
    std::vector<std::string_view> names;  // the workloads that use the subject's memory
    for (const auto& x : workload_catalogue())
      if (x.uses == sc.subject) names.push_back(x.name);
    if (!info)
      r.error(s.get("workload")->source(), fmt::format("unknown workload {}{} (known: {})", quote(*w),
                                                       did_you_mean(*w, names), fmt::join(names, ", ")));
    else if (info->uses != sc.subject)
      r.error(s.get("workload")->source(),
              fmt::format("workload {} uses the {}'s memory, but the subject is the {} (its workloads: {})", quote(*w),
                          role_name(info->uses), role_name(sc.subject), fmt::join(names, ", ")));
  }
  if (const toml::node* n = s.get("workload_args")) {
    if (n->is_table()) sc.workload_args = r.options(*n->as_table(), "workload_args");
    else r.error(n->source(), "'workload_args' must be a table, e.g. { retain = \"300m\" }");
  }
  sc.env = read_env(r, s, "[scenario]");
  read_timeout(r, s, sc);
  read_cgroup_limit(r, s, sc);
  if (const toml::node* n = s.get("submissions")) {
    auto v = n->value<std::int64_t>();
    if (!v || *v < 1 || *v > kMaxSubmissions)
      r.error(n->source(), fmt::format("'submissions' must be a whole number from 1 to {} (how many times the job "
                                       "is submitted to one TaskManager)",
                                       kMaxSubmissions));
    else if (sc.subject == Role::jobmanager && *v > 1)
      r.error(n->source(), "'submissions' above 1 need a session JobManager: only a TaskManager subject has one "
                           "(a JobManager subject gets a fresh JobManager per variant)");
    else sc.submissions = static_cast<int>(*v);
  }
}

/// An optional quote of the guide (`doc-check` compares it with the section's text): one
/// non-empty line.
std::string read_quote(Reader& r, const toml::table& t, std::string_view where) {
  auto q = r.string(t, "quote", where, false);
  if (!q) return "";
  const toml::source_region& at = t.get("quote")->source();
  if (q->find_first_not_of(" \t") == std::string::npos)
    r.error(at, fmt::format("'quote' in {} is empty: give the guide's words, or omit 'quote' to make "
                            "no claim",
                            where));
  else if (q->find_first_of("\n\r") != std::string::npos)
    r.error(at, fmt::format("'quote' in {} must be a single line: {} holds a line break (the guide's "
                            "line breaks read as one space)",
                            where, quote(*q)));
  else return *q;
  return "";
}

Remedy read_remedy(Reader& r, const toml::table& t, std::size_t index, std::map<std::string, SourcePos>& positions) {
  Remedy rem;
  rem.pos = r.pos(t.source());
  std::string where = fmt::format("[[remedy]] #{}", index + 1);
  r.check_keys(t, kRemedyKeys, where);
  rem.name = r.string(t, "name", where, true).value_or("");
  if (const toml::node* n = t.get("set")) {
    if (n->is_table()) {
      rem.set = r.options(*n->as_table(), where + " set", &positions);
      warn_containerized_env(r, *n->as_table(), where + " set");
    } else {
      r.error(n->source(), fmt::format("'set' in {} must be a table of Flink options", where));
    }
  }
  rem.unset = r.strings(t, "unset", where);
  if (const toml::node* n = t.get("unset"))
    for (const auto& k : rem.unset) positions.emplace(k, r.pos(n->source()));
  if (const toml::node* n = t.get("workload_args")) {
    if (n->is_table()) rem.workload_args = r.options(*n->as_table(), where + " workload_args");
    else
      r.error(n->source(),
              fmt::format("'workload_args' in {} must be a table, e.g. {{ release-hook = \"true\" }}", where));
  }
  rem.env = read_env(r, t, where);
  if (rem.set.empty() && rem.unset.empty() && rem.workload_args.empty() && rem.env.empty())
    r.error(t.source(), fmt::format("{} changes nothing: give 'set', 'unset', 'workload_args' or 'env'", where));
  rem.expect = r.symptom(t, "expect", where, false).value_or(Symptom::healthy);
  rem.why = r.string(t, "why", where, false).value_or("");
  rem.quote = read_quote(r, t, where);
  rem.source = r.string(t, "source", where, false).value_or("");
  if (const toml::node* n = t.get("source"); n && !rem.source.empty()) {
    if (!rem.source.starts_with("https://"))
      r.error(n->source(), fmt::format("'source' in {} must be the https:// address of the page that gives this "
                                       "remedy (the guide does not), not {}",
                                       where, quote(rem.source)));
    else if (rem.quote.empty())
      r.error(n->source(), fmt::format("{} comes from {}: quote its words there (quote = \"...\")", where, rem.source));
  }
  if (rem.expect != Symptom::healthy && rem.why.empty())
    r.error(t.source(), fmt::format("{} expects {}: say 'why' the documented remedy does not "
                                    "resolve (it is a finding)",
                                    where, quote(symptom_name(rem.expect))));
  return rem;
}

/// The subject's options: [taskmanager] or [jobmanager], whichever the scenario is about; the
/// other process is the harness's, sized by it.
void read_subject_options(Reader& r, const toml::table& root, Scenario& sc) {
  bool jm = sc.subject == Role::jobmanager;
  std::string mine = jm ? "jobmanager" : "taskmanager", other = jm ? "taskmanager" : "jobmanager";
  if (const toml::table* t = r.table(root, mine, true)) {
    sc.options = r.options(*t, "[" + mine + "]", &sc.option_pos);
    warn_containerized_env(r, *t, "[" + mine + "]");
  }
  if (const toml::node* n = root.get(other))
    r.error(n->source(), fmt::format("[{}] is not under test here (subject = '{}'): the harness sizes that process; "
                                     "set the subject's options in [{}]",
                                     other, mine, mine));
}

/// Remedies must differ from the faulty run and from each other.
void check_remedies(Reader& r, const Scenario& sc) {
  std::set<std::string> names;
  for (const Remedy& rem : sc.remedies) {
    if (!rem.name.empty() && !names.insert(slugify(rem.name)).second)
      r.error_at(rem.pos, fmt::format("duplicate remedy name {}", quote(rem.name)));
    bool changes = !rem.unset.empty() && std::any_of(rem.unset.begin(), rem.unset.end(), [&](const std::string& k) {
      return std::any_of(sc.options.begin(), sc.options.end(), [&](const auto& kv) { return kv.first == k; });
    });
    for (const auto& change : rem.set) {
      auto it = std::find_if(sc.options.begin(), sc.options.end(),
                             [&](const auto& kv) { return kv.first == change.first; });
      changes |= it == sc.options.end() || it->second != change.second;
    }
    for (const auto& var : rem.env) changes |= std::find(sc.env.begin(), sc.env.end(), var) == sc.env.end();
    if (!changes && (!rem.set.empty() || !rem.unset.empty() || !rem.env.empty()))
      r.error_at(rem.pos, fmt::format("remedy {} is identical to the faulty run", quote(rem.name)));
  }
}

}  // namespace

std::string slugify(std::string_view name) {
  std::string out;
  for (char c : name) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::isalnum(static_cast<unsigned char>(l))) out += l;
    else if (!out.empty() && out.back() != '-') out += '-';
    if (out.size() >= 64) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "remedy" : out;
}

LoadResult parse_scenario(std::string_view text, const std::filesystem::path& path) {
  Reader r(path);
  toml::table root;
  try {
    root = toml::parse(text, path.string());
  } catch (const toml::parse_error& e) {
    std::string msg(e.description());
    if (!msg.empty()) msg[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
    r.error(e.source(), "invalid TOML: " + one_line(msg));  // toml++ quotes raw characters
    return {{}, r.take()};
  }
  Scenario sc;
  sc.file = path;
  r.check_keys(root, kTopKeys, "the file");
  if (const toml::table* s = r.table(root, "scenario", true)) read_header(r, *s, sc);
  read_subject_options(r, root, sc);
  if (const toml::table* e = r.table(root, "expect", true)) {
    r.check_keys(*e, kExpectKeys, "[expect]");
    sc.expect = r.symptom(*e, "symptom", "[expect]", true).value_or(Symptom::healthy);
    sc.expect_mentions = r.strings(*e, "mentions", "[expect]");
    sc.expect_quote = read_quote(r, *e, "[expect]");
  }
  if (const toml::node* n = root.get("remedy")) {
    const toml::array* a = n->as_array();
    if (!a || !a->is_array_of_tables()) r.error(n->source(), "'remedy' must be an array of tables: write [[remedy]]");
    for (std::size_t i = 0; a && i < a->size(); ++i)
      if (const toml::table* t = (*a)[i].as_table()) sc.remedies.push_back(read_remedy(r, *t, i, sc.option_pos));
  }
  check_remedies(r, sc);
  LoadResult out;
  out.diagnostics = r.take();
  if (!has_errors(out.diagnostics)) out.scenarios.push_back(std::move(sc));
  return out;
}

}  // namespace tmfault
