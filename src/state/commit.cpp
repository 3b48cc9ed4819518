#include "acpctl/state/node_state.hpp"

#include <algorithm>

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

StateChange StateChange::put_release(Release release, ReleaseEvent event) {
  StateChange change;
  change.kind = Kind::put_release;
  change.release = std::move(release);
  change.event = std::move(event);
  return change;
}

StateChange StateChange::set_journal(nlohmann::json journal) {
  StateChange change;
  change.kind = Kind::journal;
  change.journal = std::move(journal);
  return change;
}

StateChange StateChange::nothing() {
  StateChange change;
  change.kind = Kind::none;
  return change;
}

int schema_of(const NodeState& state) {
  const bool releases = state.release || state.previous_release || !state.history.empty() ||
                        !state.last_upgrade.is_null();
  const bool per_component =
      std::any_of(state.components.begin(), state.components.end(), [](const auto& entry) {
        const auto& c = entry.second;
        return !c.content_digest.empty() || !c.release.empty() || !c.service_spec.is_null() ||
               c.previous.has_value();
      });
  if (releases || per_component)
    return 3;
  return state.platform.empty() ? 1 : 2;
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
  case StateChange::Kind::put_release:
    if (state.release && state.release->digest != change.release.digest)
      state.previous_release = state.release;
    state.release = change.release;
    state.history.push_back(change.event);
    if (state.history.size() > k_history_limit)
      state.history.erase(state.history.begin(),
                          state.history.end() - static_cast<std::ptrdiff_t>(k_history_limit));
    break;
  case StateChange::Kind::journal:
    state.last_upgrade = change.journal;
    break;
  case StateChange::Kind::none:
    break;
  }
  state.schema = schema_of(state);
  ++state.serial;
  return state;
}

} // namespace acp::state
