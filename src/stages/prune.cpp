// Stage "prune", apply half: stop and remove the service, delete the component's directory.

#include "acpctl/stages/step.hpp"

namespace acp::stages {

Result<state::StateChange> apply_prune(const plan::Step& step, StepContext& ctx) {
  const auto* have = ctx.state.find(step.component);
  if (have && !have->service.empty() && ctx.services && ctx.facts.services.count(have->service) > 0)
    for (const auto& argv : ctx.services->uninstall(have->service))
      if (auto r = ctx.actions.run(argv); !r)
        return std::move(r).error();
  const auto dir = std::string(state::k_components_root) + "/" + step.component;
  if (auto r = ctx.actions.run({"rm", "-rf", "--", dir}); !r)
    return std::move(r).error();
  return state::StateChange::remove(step.component);
}

StepApplier applier_for(std::string_view stage) {
  if (stage == "distribute")
    return &apply_distribute;
  if (stage == "services")
    return &apply_services;
  if (stage == "prune")
    return &apply_prune;
  return nullptr;
}

} // namespace acp::stages
