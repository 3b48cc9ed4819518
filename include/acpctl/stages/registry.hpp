#pragma once
// The components the engine walks, in one place: their stages in execution order, their
// facts probes, port claims and status lines. Built from registration rows
// (components::registry() for acpctl; a unit test builds its own with a toy row).

#include "acpctl/stages/component.hpp"

#include <span>
#include <vector>

namespace acp::stages {

class Registry {
public:
  /// Fails (throws std::logic_error: a programming error) if two stages share a name.
  explicit Registry(std::vector<const Component*> components);

  std::span<const Component* const> components() const { return m_components; }
  /// Every component's stages, by order (stable: registration order breaks ties).
  plan::Stages stages() const { return m_stages; }
  /// The phase of the stage named `name`; null if there is none.
  const Phase* phase(std::string_view name) const;
  /// The stage that removes recorded components and records (Phase::removes); null if none.
  const Phase* removal() const;
  /// Every component's facts probe (those with one).
  std::vector<facts::Probe> probes() const;
  /// Every component's port claims for `cluster`.
  std::vector<preflight::PortClaim> port_claims(const config::Cluster& cluster) const;

  /// plan::make_plan over this registry's stages.
  Result<plan::Plan> plan(const plan::PlanInput& input) const;
  /// The digests of every rendering phase's files for every node, for plan::PlanInput.
  Result<plan::PlatformInput> platform_input(const PlatformSource& source) const;

private:
  std::vector<const Component*> m_components;
  std::vector<const Phase*> m_phases;
  std::vector<const plan::Stage*> m_stages;
};

} // namespace acp::stages
