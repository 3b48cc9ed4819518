// The registry: stages sorted by order, lookups by name, and the walks plan and facts make.

#include "acpctl/stages/registry.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>
#include <stdexcept>

namespace acp::stages {

Registry::Registry(std::vector<const Component*> components) : m_components(std::move(components)) {
  std::set<std::string_view> names;
  for (const auto* c : m_components)
    for (const auto& phase : c->phases) {
      if (!names.insert(phase.stage.name).second)
        throw std::logic_error(fmt::format("two components register stage {}", phase.stage.name));
      m_phases.push_back(&phase);
    }
  std::stable_sort(m_phases.begin(), m_phases.end(),
                   [](const Phase* a, const Phase* b) { return a->stage.order < b->stage.order; });
  for (const auto* phase : m_phases)
    m_stages.push_back(&phase->stage);
}

const Phase* Registry::phase(std::string_view name) const {
  for (const auto* p : m_phases)
    if (p->stage.name == name)
      return p;
  return nullptr;
}

const Phase* Registry::removal() const {
  for (const auto* p : m_phases)
    if (p->removes)
      return p;
  return nullptr;
}

std::vector<facts::Probe> Registry::probes() const {
  std::vector<facts::Probe> out;
  for (const auto* c : m_components)
    if (!c->facts.script.empty())
      out.push_back(c->facts);
  return out;
}

std::vector<preflight::PortClaim> Registry::port_claims(const config::Cluster& cluster) const {
  std::vector<preflight::PortClaim> out;
  for (const auto* c : m_components)
    if (c->ports)
      for (auto& claim : c->ports(cluster))
        out.push_back(std::move(claim));
  return out;
}

Result<plan::Plan> Registry::plan(const plan::PlanInput& input) const {
  return plan::make_plan(input, stages());
}

Result<plan::PlatformInput> Registry::platform_input(const PlatformSource& source) const {
  plan::PlatformInput out;
  for (const auto* phase : m_phases) {
    if (!phase->render)
      continue;
    for (const auto& node : source.cluster.nodes) {
      auto files = phase->render(source, node);
      if (!files)
        return Error(std::move(files).error())
            .with_host(node.name)
            .context(fmt::format("rendering the {} stage's files", phase->stage.name));
      if (!files->empty())
        out.files[node.name][std::string(phase->stage.name)] = digests_of(*files);
    }
  }
  return out;
}

} // namespace acp::stages
