// suite_from_json: the canonical results.json back into a SuiteResult (the inverse of json.cc).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "reports/reports.h"

namespace tmfault::reports {
namespace {

using nlohmann::ordered_json;
constexpr std::string_view kFormat = "tmfault-suite/1";

/// A JSON value plus where it sits ("records[2].plan.kind"), for error messages.
class Node {
 public:
  Node(const ordered_json& j, std::string path) : j_(&j), path_(std::move(path)) {}

  Node at(std::string_view key) const {
    const ordered_json& obj = want(j_->is_object(), "an object");
    auto it = obj.find(key);
    if (it == obj.end()) throw ReadError(fmt::format("{}: missing key '{}'", where(), key));
    return {*it, child(key)};
  }
  /// nullopt when the key is absent or null.
  std::optional<Node> maybe(std::string_view key) const {
    const ordered_json& obj = want(j_->is_object(), "an object");
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    return Node(*it, child(key));
  }
  bool is_null() const { return j_->is_null(); }
  std::string str() const { return want(j_->is_string(), "a string").get<std::string>(); }
  bool boolean() const { return want(j_->is_boolean(), "true or false").get<bool>(); }
  std::uint64_t u64() const { return want(j_->is_number_unsigned(), "a non-negative integer").get<std::uint64_t>(); }
  std::int64_t i64() const { return want(j_->is_number_integer(), "an integer").get<std::int64_t>(); }
  Millis ms() const { return Millis(i64()); }

  template <class F>
  void each(F&& f) const {
    const ordered_json& arr = want(j_->is_array(), "an array");
    for (std::size_t i = 0; i < arr.size(); ++i) f(Node(arr[i], fmt::format("{}[{}]", path_, i)));
  }
  template <class F>
  void each_member(F&& f) const {
    const ordered_json& obj = want(j_->is_object(), "an object");
    for (auto it = obj.begin(); it != obj.end(); ++it) f(it.key(), Node(*it, child(it.key())));
  }
  [[noreturn]] void fail(std::string_view what) const { throw ReadError(fmt::format("{}: {}", where(), what)); }

 private:
  std::string where() const { return path_.empty() ? "results" : path_; }
  std::string child(std::string_view key) const {
    return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
  }
  const ordered_json& want(bool ok, std::string_view what) const {
    if (!ok) fail(fmt::format("expected {}, got {}", what, j_->type_name()));
    return *j_;
  }
  const ordered_json* j_;
  std::string path_;
};

std::vector<std::string> strings(const Node& n) {
  std::vector<std::string> out;
  n.each([&](const Node& e) { out.push_back(e.str()); });
  return out;
}

FlinkOptions options(const Node& n) {
  FlinkOptions out;
  n.each_member([&](const std::string& k, const Node& v) { out.emplace_back(k, v.str()); });
  return out;
}

Symptom symptom(const Node& n) {
  std::string name = n.str();
  if (auto s = symptom_from_name(name)) return *s;
  n.fail(fmt::format("unknown symptom '{}'", name));
}

std::optional<std::uint64_t> opt_u64(const Node& n, std::string_view key) {
  if (auto v = n.maybe(key)) return v->u64();
  return std::nullopt;
}

std::optional<Millis> opt_ms(const Node& n, std::string_view key) {
  if (auto v = n.maybe(key)) return v->ms();
  return std::nullopt;
}

VariantKind kind(const Node& n) {
  std::string k = n.str();
  if (k == "faulty") return VariantKind::faulty;
  if (k == "remedy") return VariantKind::remedy;
  n.fail(fmt::format("unknown variant kind '{}' (want 'faulty' or 'remedy')", k));
}

Role role(const Node& n) {
  std::string r = n.str();
  for (Role x : {Role::taskmanager, Role::jobmanager})
    if (role_name(x) == r) return x;
  n.fail(fmt::format("unknown subject '{}' (want 'TaskManager' or 'JobManager')", r));
}

VariantPlan plan(const Node& n) {
  VariantPlan p;
  p.scenario_id = n.at("scenario").str();
  p.variant = n.at("variant").str();
  p.name = n.at("name").str();
  p.kind = kind(n.at("kind"));
  if (auto s = n.maybe("subject")) p.subject = role(*s);
  p.doc = n.at("doc").str();
  p.title = n.at("title").str();
  p.expect = symptom(n.at("expect"));
  if (auto m = n.maybe("expect_mentions")) p.expect_mentions = strings(*m);
  p.why = n.at("why").str();
  if (auto src = n.maybe("source")) p.source = src->str();
  if (auto q = n.maybe("quote")) p.quote = q->str();
  p.changed = options(n.at("changed"));
  p.options = options(n.at("taskmanager"));
  p.workload = n.at("workload").str();
  p.workload_class = n.at("workload_class").str();
  p.workload_args = strings(n.at("workload_args"));
  p.cgroup_limit_bytes = opt_u64(n, "cgroup_limit_bytes");
  p.timeout = n.at("timeout_ms").ms();
  if (auto s = n.maybe("submissions")) p.submissions = static_cast<int>(s->u64());
  if (auto e = n.maybe("env")) p.env = options(*e);
  return p;
}

MemoryBreakdown memory(const Node& n) {
  MemoryBreakdown m;
  if (auto r = n.maybe("role")) m.role = role(*r);
  for (const MemoryPart& part : memory_parts(m.role)) m.*part.bytes = n.at(part.name).u64();
  m.jvm_args = strings(n.at("jvm_args"));
  m.dynamic_args = strings(n.at("dynamic_args"));
  return m;
}

std::optional<ExitStatus> exit_status(const Node& n, std::string_view key) {
  auto e = n.maybe(key);
  if (!e) return std::nullopt;
  return ExitStatus{e->at("signaled").boolean(), static_cast<int>(e->at("code").i64())};
}

Timings timings(const Node& n) {
  Timings t;
  t.derived = opt_ms(n, "derived");
  t.jm_ready = opt_ms(n, "jm_ready");
  t.job_submitted = opt_ms(n, "job_submitted");
  t.tm_registered = opt_ms(n, "tm_registered");
  t.job_running = opt_ms(n, "job_running");
  t.job_ended = opt_ms(n, "job_ended");
  t.first_symptom = opt_ms(n, "first_symptom");
  t.subject_exited = n.maybe("subject_exited") ? opt_ms(n, "subject_exited") : opt_ms(n, "tm_exited");
  t.deadline = opt_ms(n, "deadline");
  t.total = n.at("total").ms();
  return t;
}

std::vector<SymptomHit> hits(const Node& n) {
  std::vector<SymptomHit> out;
  n.each([&](const Node& h) {
    out.push_back({symptom(h.at("symptom")), h.at("source").str(), h.at("line").str(), h.at("at_ms").ms()});
  });
  return out;
}

std::vector<MemorySample> samples(const Node& n) {
  std::vector<MemorySample> out;
  n.each([&](const Node& s) {
    std::vector<std::uint64_t> pair;
    s.each([&](const Node& v) { pair.push_back(v.u64()); });
    if (pair.size() != 2) s.fail("expected [at_ms, usage_bytes]");
    out.push_back({Millis(static_cast<std::int64_t>(pair[0])), pair[1]});
  });
  return out;
}

Observation observation(const Node& n) {
  Observation o;
  o.harness_error = n.at("harness_error").str();
  o.derive_ok = n.at("derive_ok").boolean();
  o.derive_output = n.at("derive_output").str();
  if (auto m = n.maybe("memory")) o.memory = memory(*m);
  o.cgroup_limit_bytes = opt_u64(n, "cgroup_limit_bytes");
  o.tm_started = n.at("tm_started").boolean();
  o.tm_exit = exit_status(n, "tm_exit");
  o.jm_exit = exit_status(n, "jm_exit");
  // Keys of format 1 before the JobManager could be the subject: tm_oom_kills, tm_peak_bytes.
  o.oom_kills = (n.maybe("oom_kills") ? n.at("oom_kills") : n.at("tm_oom_kills")).u64();
  o.peak_bytes = (n.maybe("peak_bytes") ? n.at("peak_bytes") : n.at("tm_peak_bytes")).u64();
  if (auto f = n.maybe("foreign_oom_kill")) o.foreign_oom_kill = f->str();
  o.job_state = n.at("job_state").str();
  o.job_failure = n.at("job_failure").str();
  o.timed_out = n.at("timed_out").boolean();
  o.interrupted = n.at("interrupted").boolean();
  o.hits = hits(n.at("hits"));
  o.timings = timings(n.at("timings_ms"));
  n.at("ports").each_member([&](const std::string& k, const Node& v) { o.ports[k] = v.str(); });
  if (auto notes = n.maybe("notes")) notes->each([&](const Node& v) { o.notes.push_back(v.str()); });
  if (auto cpu = n.maybe("cpu_ms")) cpu->each_member([&](const std::string& k, const Node& v) { o.cpu[k] = v.ms(); });
  o.samples = samples(n.at("samples"));
  if (auto u = n.maybe("usage"))
    u->each([&](const Node& s) {
      PoolSample p;
      p.at = s.at("t_ms").ms();
      for (const PoolField& f : kPoolFields)
        if (auto v = s.maybe(f.name)) p.*f.value = v->u64();
      o.usage.push_back(p);
    });
  if (auto l = n.maybe("oom_while_logging")) o.oom_while_logging = l->str();
  if (auto jobs = n.maybe("jobs"))
    jobs->each([&](const Node& j) {
      o.jobs.push_back({j.at("id").str(), j.at("at_ms").ms(), j.at("state").str(), opt_ms(j, "ended_ms")});
    });
  return o;
}

Outcome outcome(const Node& n) {
  std::string o = n.str();
  for (Outcome x : {Outcome::pass, Outcome::fail, Outcome::error})
    if (outcome_name(x) == o) return x;
  n.fail(fmt::format("unknown outcome '{}' (want pass, fail or error)", o));
}

RunRecord record(const Node& n) {
  RunRecord r;
  r.plan = plan(n.at("plan"));
  r.observation = observation(n.at("observation"));
  Node v = n.at("verdict");
  r.verdict.outcome = outcome(v.at("outcome"));
  if (auto seen = v.maybe("observed")) r.verdict.observed = symptom(*seen), r.verdict.observed_known = true;
  r.verdict.reason = v.at("reason").str();
  r.reproduce = n.at("reproduce").str();
  r.dir = n.at("dir").str();
  return r;
}

ordered_json parse(std::string_view text) {
  try {
    return ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw ReadError(fmt::format("not valid JSON: {}", e.what()));
  }
}

}  // namespace

SuiteResult suite_from_json(std::string_view text) {
  ordered_json j = parse(text);
  Node root(j, "");
  if (!j.is_object() || !j.contains("format"))
    throw ReadError(fmt::format("not a tmfault results file: no 'format' key (want '{}')", kFormat));
  if (!j["format"].is_string() || j["format"].get<std::string>() != kFormat)
    throw ReadError(fmt::format("unknown results format {} (this tmfault reads '{}')", j["format"].dump(), kFormat));
  SuiteResult s;
  s.started_at = root.at("started_at").str();
  s.flink_version = root.at("flink_version").str();
  s.tmfault_version = root.at("tmfault_version").str();
  if (auto h = root.maybe("host")) {
    s.host.cgroup = h->at("cgroup").str();
    s.host.swap_bytes = h->at("swap_bytes").u64();
    s.host.swap_limited = h->at("swap_limited").boolean();
  }
  s.wall = root.at("wall_ms").ms();
  s.interrupted = root.at("interrupted").boolean();
  root.at("records").each([&](const Node& r) { s.records.push_back(record(r)); });
  return s;
}

}  // namespace tmfault::reports
