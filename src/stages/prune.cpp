// Stage "prune", apply half: stop and remove the service, delete the component's directory;
// or, for a platform record (params "record"), remove what the record lists.

#include "acpctl/stages/step.hpp"

namespace acp::stages {

Result<state::StateChange> apply_prune(const plan::Step& step, StepContext& ctx) {
  if (const auto rec = step.params.find("record"); rec != step.params.end()) {
    if (const auto* have = ctx.state.find_record(rec->second))
      if (auto ok = remove_platform_record(ctx, *have); !ok)
        return std::move(ok).error();
    return state::StateChange::remove_records({rec->second});
  }
  if (const auto* have = ctx.state.find(step.component))
    if (auto ok = uninstall_service(ctx, have->service); !ok)
      return std::move(ok).error();
  const auto dir = std::string(state::k_components_root) + "/" + step.component;
  if (auto r = ctx.actions.run({"rm", "-rf", "--", dir}); !r)
    return std::move(r).error();
  return state::StateChange::remove(step.component);
}

} // namespace acp::stages
