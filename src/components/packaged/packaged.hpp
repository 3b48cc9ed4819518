#pragma once
// The package's own components (files under /opt/acp/components, an optional service):
// the stages distribute, services and prune. Private to this folder.

#include "acpctl/stages/step.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace acp::packaged {

/// The params of a services step: the service it starts (the plan text says "start hello").
struct ServiceParams {
  std::string service;
  bool operator==(const ServiceParams&) const = default;
  std::string create_verb() const { return "start"; }
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ServiceParams, service)

void plan_distribute(const plan::PlanInput& input, const plan::HostContext& host,
                     std::vector<plan::Step>& out);
void plan_services(const plan::PlanInput& input, const plan::HostContext& host,
                   std::vector<plan::Step>& out);
void plan_prune(const plan::PlanInput& input, const plan::HostContext& host,
                std::vector<plan::Step>& out);

/// Puts the component's files in /opt/acp/components/<name>/<version>/ and switches the
/// `current` link. Returns the record to commit.
Result<state::StateChange> apply_distribute(const plan::Step& step, stages::StepContext& ctx);
/// Installs (or restarts) the component's service, then waits until the supervisor reports
/// it running and its health check passes (the health gate).
Result<state::StateChange> apply_services(const plan::Step& step, stages::StepContext& ctx);
/// Stops and removes the component's service and deletes /opt/acp/components/<name>; or,
/// for a step with stages::RecordParams, removes what that platform record lists.
Result<state::StateChange> apply_prune(const plan::Step& step, stages::StepContext& ctx);

} // namespace acp::packaged
