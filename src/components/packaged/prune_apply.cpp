// Stage "prune", apply half: stop and remove the service, delete the component's directory;
// or, for a platform record (RecordParams), remove what the record lists.

#include "acpctl/components/registry.hpp"
#include "acpctl/package/manifest.hpp"
#include "acpctl/stages/platform.hpp"
#include "acpctl/util/strings.hpp"
#include "packaged.hpp"

#include <fmt/format.h>

namespace acp::packaged {

using namespace stages;

namespace {

// The record's own component removes it when it knows how (kubeadm reset), else the files,
// directories and service it lists go.
Status remove_record(StepContext& ctx, const state::PlatformRecord& record) {
  for (const auto* c : components::registry().components())
    if (c->name == record.name && c->remove_record)
      return c->remove_record(ctx, record);
  return remove_platform_record(ctx, record);
}

} // namespace

Result<state::StateChange> apply_prune(const plan::Step& step, StepContext& ctx) {
  if (const auto* rec = step.params_as<RecordParams>()) {
    if (const auto* have = ctx.state.find_record(rec->record))
      if (auto ok = remove_record(ctx, *have); !ok)
        return std::move(ok).error();
    return state::StateChange::remove_records({rec->record});
  }
  // The name comes from the node's state.json; a hand-edited one must not name another path.
  if (!package::valid_component_name(step.component))
    return Error(Errc::invalid_input,
                 fmt::format("state.json lists the component {}, which is not a component name",
                             util::quoted(step.component)))
        .with_hint(fmt::format("remove it from {} by hand ({})", state::k_state_path,
                               package::k_component_name_rule));
  if (const auto* have = ctx.state.find(step.component))
    if (auto ok = uninstall_service(ctx, have->service); !ok)
      return std::move(ok).error();
  const auto root = std::string(state::k_components_root);
  if (auto ok = ctx.actions.remove_tree({root + "/" + step.component}, root); !ok)
    return std::move(ok).error();
  return state::StateChange::remove(step.component);
}

} // namespace acp::packaged
