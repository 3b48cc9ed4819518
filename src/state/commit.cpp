#include "acpctl/state/node_state.hpp"

namespace acp::state {

const InstalledComponent* NodeState::find(std::string_view name) const {
  const auto it = components.find(std::string(name));
  return it == components.end() ? nullptr : &it->second;
}

const PlatformRecord* NodeState::find_record(std::string_view name) const {
  const auto it = platform.find(std::string(name));
  return it == platform.end() ? nullptr : &it->second;
}

StateChange StateChange::put(InstalledComponent component) {
  StateChange change;
  change.component = std::move(component);
  return change;
}

StateChange StateChange::remove(std::string name) {
  StateChange change;
  change.kind = Kind::remove;
  change.component.name = std::move(name);
  return change;
}

StateChange StateChange::put_record(PlatformRecord record) {
  StateChange change;
  change.kind = Kind::put_record;
  change.record = std::move(record);
  return change;
}

StateChange StateChange::remove_records(std::vector<std::string> names) {
  StateChange change;
  change.kind = Kind::remove_records;
  change.records = std::move(names);
  return change;
}

StateChange StateChange::nothing() {
  StateChange change;
  change.kind = Kind::none;
  return change;
}

NodeState commit(NodeState state, const StateChange& change) {
  switch (change.kind) {
  case StateChange::Kind::put:
    state.components[change.component.name] = change.component;
    break;
  case StateChange::Kind::remove:
    state.components.erase(change.component.name);
    break;
  case StateChange::Kind::put_record:
    state.platform[change.record.name] = change.record;
    break;
  case StateChange::Kind::remove_records:
    for (const auto& name : change.records)
      state.platform.erase(name);
    break;
  case StateChange::Kind::none:
    break;
  }
  state.schema = state.platform.empty() ? 1 : k_schema_version;
  ++state.serial;
  return state;
}

} // namespace acp::state
