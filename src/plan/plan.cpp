#include "acpctl/plan/plan.hpp"

#include "acpctl/plan/desired.hpp"
#include "acpctl/plan/release.hpp"

#include <algorithm>

namespace acp::plan {

std::string_view to_string(Action action) {
  switch (action) {
  case Action::create:
    return "create";
  case Action::change:
    return "change";
  case Action::restart:
    return "restart";
  case Action::remove:
    break;
  }
  return "remove";
}

std::string_view to_string(Target target) {
  switch (target) {
  case Target::node:
    return "node";
  case Target::workstation:
    return "workstation";
  case Target::cluster:
    break;
  }
  return "cluster";
}

bool Step::operator==(const Step& o) const {
  const bool same_params = params ? (o.params && params->same(*o.params)) : !o.params;
  return same_params && host == o.host && stage == o.stage && action == o.action &&
         component == o.component && from_version == o.from_version && to_version == o.to_version &&
         digest == o.digest && reason == o.reason && target == o.target && together == o.together;
}

bool DesiredComponent::wanted_on(const std::vector<config::Role>& node_roles) const {
  if (roles.empty())
    return true;
  return std::any_of(roles.begin(), roles.end(), [&](config::Role r) {
    return std::find(node_roles.begin(), node_roles.end(), r) != node_roles.end();
  });
}

state::InstalledComponent record_of(const DesiredComponent& component,
                                    std::vector<state::InstalledFile> files,
                                    std::string installed_at) {
  state::InstalledComponent record;
  record.name = component.name;
  record.version = component.version;
  record.digest = component.digest;
  record.files = std::move(files);
  record.service = component.service ? component.service->name : "";
  record.ports = component.ports;
  record.installed_at = std::move(installed_at);
  record.content_digest = component.content_digest;
  record.release = component.release;
  if (component.service)
    record.service_spec = spec_to_json(*component.service);
  return record;
}

Summary Plan::summary() const {
  Summary s;
  for (const auto& step : steps) {
    switch (step.action) {
    case Action::create:
      ++s.create;
      break;
    case Action::change:
      ++s.change;
      break;
    case Action::restart:
      ++s.restart;
      break;
    case Action::remove:
      ++s.remove;
      break;
    }
  }
  return s;
}

std::vector<std::string> Plan::hosts() const {
  std::vector<std::string> out;
  for (const auto& step : steps)
    if (!step.host.empty() && std::find(out.begin(), out.end(), step.host) == out.end())
      out.push_back(step.host);
  return out;
}

} // namespace acp::plan
