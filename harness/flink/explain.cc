#include "harness/flink/explain.h"

#include <fmt/format.h>

#include "cgroup/os.h"
#include "harness/flink/derive.h"
#include "harness/stages/detectors.h"

namespace tmfault {
namespace fs = std::filesystem;
std::vector<ExplainedVariant> explain_plans(const std::vector<VariantPlan>& plans, const FlinkDist& d,
                                            const std::atomic<bool>* stop) {
  fs::path scratch = fs::temp_directory_path() / fmt::format("tmfault-explain-{}", os::process_id());
  DerivationCache derived = derive_all(d, derivations_of(plans), scratch, stop);
  std::vector<ExplainedVariant> out;
  for (const VariantPlan& plan : plans) {
    const Derivation* dv = derived.find(plan.subject, plan.options);
    ExplainedVariant e{plan, dv ? dv->memory : std::nullopt, {}};
    if (!e.memory) {
      e.refusal = dv ? illegal_config_message(dv->output, plan.subject) : "";
      if (e.refusal.empty()) e.refusal = "BashJavaUtils failed: " + (dv ? dv->output.substr(0, 500) : std::string("?"));
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace tmfault
