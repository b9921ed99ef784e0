#include "harness/flink/explain.h"

#include <fmt/format.h>

#include <thread>

#include "cgroup/os.h"
#include "harness/flink/derive.h"
#include "harness/stages/detectors.h"

namespace tmfault {
namespace fs = std::filesystem;
namespace {

ExplainedVariant explain_one(const VariantPlan& plan, const FlinkDist& d, const fs::path& dir,
                             const std::atomic<bool>* stop) {
  ExplainedVariant e{plan, std::nullopt, {}};
  fs::create_directories(dir);
  write_conf(dir, d, plan.options);
  Derivation dv = derive_memory(d, plan.subject, dir, dir, flink_env(dir, dir), stop);
  e.memory = dv.memory;
  if (!e.memory) {
    e.refusal = illegal_config_message(dv.output, plan.subject);
    if (e.refusal.empty()) e.refusal = "BashJavaUtils failed: see " + (dir / "derive.log").string();
  }
  return e;
}

}  // namespace

std::vector<ExplainedVariant> explain_plans(const std::vector<VariantPlan>& plans, const FlinkDist& d,
                                            int jobs, const std::atomic<bool>* stop) {
  fs::path root = fs::temp_directory_path() / fmt::format("tmfault-explain-{}", os::process_id());
  std::vector<ExplainedVariant> out(plans.size());
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex mu;
  auto worker = [&] {
    for (std::size_t i; (i = next++) < plans.size();) {
      try {
        out[i] = explain_one(plans[i], d, root / std::to_string(i), stop);
      } catch (...) {
        std::lock_guard l(mu);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int j = 0; j < std::max(1, jobs); ++j) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  std::error_code ec;
  fs::remove_all(root, ec);
  if (failure) std::rethrow_exception(failure);
  return out;
}

}  // namespace tmfault
