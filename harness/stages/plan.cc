#include "harness/stages/plan.h"

#include <algorithm>
#include <fmt/format.h>

#include "harness/stages/diagnostic.h"
#include "harness/stages/scenario.h"
#include "harness/stages/size.h"
#include "harness/stages/workloads.h"

namespace tmfault {
namespace {

std::vector<std::string> workload_argv(const FlinkOptions& args) {
  std::vector<std::string> out;
  for (const auto& [k, v] : args) {
    out.push_back("--" + k);
    out.push_back(v);
  }
  return out;
}

VariantPlan base_plan(const Scenario& sc) {
  VariantPlan p;
  p.scenario_id = sc.id;
  p.doc = sc.doc;
  p.title = sc.title;
  p.subject = sc.subject;
  p.workload = sc.workload;
  if (const WorkloadInfo* w = find_workload(sc.workload)) p.workload_class = w->java_class;
  p.workload_args = workload_argv(sc.workload_args);
  p.env = sc.env;
  p.cgroup_limit_bytes = sc.cgroup_limit_bytes;
  p.timeout = sc.timeout;
  p.submissions = sc.submissions;
  return p;
}

FlinkOptions describe_changes(const Remedy& r) {
  FlinkOptions changed = r.set;
  for (const auto& k : r.unset) changed.emplace_back(k, "(unset)");
  return changed;
}

/// `base` with each entry of `over` set, moved to the end; each noted in `changed` as label + key.
FlinkOptions overridden(FlinkOptions base, const FlinkOptions& over, std::string_view label, FlinkOptions& changed) {
  for (const auto& [k, v] : over) {
    auto same = [&k](const auto& kv) { return kv.first == k; };
    base.erase(std::remove_if(base.begin(), base.end(), same), base.end());
    base.emplace_back(k, v);
    changed.emplace_back(std::string(label) + k, v);
  }
  return base;
}

}  // namespace

FlinkOptions apply_changes(const FlinkOptions& base, const FlinkOptions& set, const std::vector<std::string>& unset) {
  FlinkOptions out;
  for (const auto& kv : base)
    if (std::find(unset.begin(), unset.end(), kv.first) == unset.end()) out.push_back(kv);
  for (const auto& [k, v] : set) {
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& kv) { return kv.first == k; });
    if (it != out.end()) it->second = v;
    else out.emplace_back(k, v);
  }
  return out;
}

std::vector<VariantPlan> plan_scenario(const Scenario& sc) {
  std::vector<VariantPlan> plans;
  VariantPlan faulty = base_plan(sc);
  faulty.variant = "faulty";
  faulty.name = "faulty run";
  faulty.kind = VariantKind::faulty;
  faulty.options = sc.options;
  faulty.expect = sc.expect;
  faulty.expect_mentions = sc.expect_mentions;
  faulty.quote = sc.expect_quote;
  plans.push_back(faulty);
  for (const Remedy& r : sc.remedies) {
    VariantPlan p = base_plan(sc);
    p.variant = slugify(r.name);
    p.name = r.name;
    p.kind = VariantKind::remedy;
    p.options = apply_changes(sc.options, r.set, r.unset);
    p.changed = describe_changes(r);
    if (!r.workload_args.empty())
      p.workload_args = workload_argv(overridden(sc.workload_args, r.workload_args, "job: --", p.changed));
    p.env = overridden(p.env, r.env, "env: ", p.changed);
    p.expect = r.expect;
    p.why = r.why;
    p.quote = r.quote;
    p.source = r.source;
    plans.push_back(std::move(p));
  }
  return plans;
}

std::string describe_plan(const VariantPlan& p) {
  std::string out = fmt::format("{} / {} ({})\n  doc: {}\n", p.scenario_id, p.variant, p.name, p.doc);
  if (!p.quote.empty() && p.source.empty()) out += fmt::format("  the guide: {}\n", quote(p.quote));
  if (!p.source.empty()) out += fmt::format("  not in the guide; {} says: {}\n", p.source, quote(p.quote));
  out += fmt::format("  expect: {}\n", symptom_name(p.expect));
  for (const auto& m : p.expect_mentions) out += fmt::format("  the message must mention: {}\n", quote(m));
  if (!p.changed.empty()) {
    out += "  changes:\n";
    for (const auto& [k, v] : p.changed) out += fmt::format("    {} = {}\n", k, v);
  }
  out += "  taskmanager options:\n";
  for (const auto& [k, v] : p.options) out += fmt::format("    {}: {}\n", k, v);
  if (!p.env.empty()) {
    out += fmt::format("  {} environment (besides what Flink's scripts set):\n", role_name(p.subject));
    for (const auto& [k, v] : p.env) out += fmt::format("    {}={}\n", k, v);
  }
  out += fmt::format("  workload: {} ({}) {}\n", p.workload, p.workload_class, fmt::join(p.workload_args, " "));
  out += fmt::format("  cgroup limit: {}\n", p.cgroup_limit_bytes ? format_bytes(*p.cgroup_limit_bytes)
                                                                  : std::string("derived total process size"));
  out += fmt::format("  timeout: {}s\n", static_cast<double>(p.timeout.count()) / 1000.0);
  return out;
}

}  // namespace tmfault
