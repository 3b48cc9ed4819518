#include "acpctl/state/node_state.hpp"

namespace acp::state {

const InstalledComponent* NodeState::find(std::string_view name) const {
  const auto it = components.find(std::string(name));
  return it == components.end() ? nullptr : &it->second;
}

StateChange StateChange::put(InstalledComponent component) {
  return StateChange{Kind::put, std::move(component)};
}

StateChange StateChange::remove(std::string name) {
  StateChange change{Kind::remove, {}};
  change.component.name = std::move(name);
  return change;
}

NodeState commit(NodeState state, const StateChange& change) {
  if (change.kind == StateChange::Kind::put)
    state.components[change.component.name] = change.component;
  else
    state.components.erase(change.component.name);
  state.schema = k_schema_version;
  ++state.serial;
  return state;
}

} // namespace acp::state
