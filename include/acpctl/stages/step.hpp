#pragma once
// The apply half of the stages: one function per stage executes one planned step on one host
// and returns the state change the runner commits to the node's state.json afterwards.

#include "acpctl/facts/host_facts.hpp"
#include "acpctl/package/manifest.hpp"
#include "acpctl/plan/desired.hpp"
#include "acpctl/plan/plan.hpp"
#include "acpctl/service/manager.hpp"
#include "acpctl/stages/actions.hpp"
#include "acpctl/state/node_state.hpp"

#include <filesystem>

namespace acp::stages {

/// What a step sees: the node (through Actions), its facts and current state, the desired
/// component (null for a removal of one no longer in the package), its manifest entry and
/// where the verified package was unpacked locally.
struct StepContext {
  Actions& actions;
  const facts::HostFacts& facts;
  const state::NodeState& state;
  const plan::DesiredComponent* desired = nullptr;
  const package::Component* component = nullptr;
  const std::filesystem::path& unpacked;
  const service::ServiceManager* services = nullptr; ///< null: the host has no supervisor
};

/// Puts the component's files in /opt/acp/components/<name>/<version>/ and switches the
/// `current` link. Returns the record to commit.
Result<state::StateChange> apply_distribute(const plan::Step& step, StepContext& ctx);
/// Installs (or restarts) the component's service, then waits until the supervisor reports
/// it running and its health check passes (the health gate).
Result<state::StateChange> apply_services(const plan::Step& step, StepContext& ctx);
/// Stops and removes the component's service and deletes /opt/acp/components/<name>.
Result<state::StateChange> apply_prune(const plan::Step& step, StepContext& ctx);

/// The apply function for a stage name; null for a stage without an apply half.
using StepApplier = Result<state::StateChange> (*)(const plan::Step&, StepContext&);
StepApplier applier_for(std::string_view stage);

/// Waits up to `seconds` for the service to run (and its health check to pass when it has
/// one). Fails with Errc::remote saying what the supervisor or the check last said.
Status health_gate(StepContext& ctx, const service::ServiceSpec& spec, int seconds);

} // namespace acp::stages
