// Stage "services": a new component's service is set up and started; a changed component's
// service restarts; a converged one that facts show down restarts too.

#include "acpctl/plan/planner.hpp"
#include "acpctl/service/spec.hpp"

#include <fmt/format.h>

namespace acp::plan {

void plan_services(const PlanInput&, const HostContext& host, std::vector<Step>& out) {
  for (const auto* want : host.desired) {
    if (!want->service)
      continue;
    const auto unit = service::unit_name(want->service->name);
    const auto* have = host.facts.state.find(want->name);
    const auto seen = host.facts.services.find(want->service->name);
    Step step;
    step.component = want->name;
    step.from_version = have ? have->version : "";
    step.to_version = want->version;
    if (!have) {
      step.action = Action::create;
      step.reason = fmt::format("set up and start service {}", unit);
    } else if (have->digest != want->digest) {
      step.action = Action::restart;
      step.reason = "component changed";
    } else if (seen == host.facts.services.end()) {
      step.action = Action::create;
      step.reason = fmt::format("service {} is not set up", unit);
    } else if (!seen->second) {
      step.action = Action::restart;
      step.reason = "service is down";
    } else {
      continue;
    }
    out.push_back(std::move(step));
  }
}

} // namespace acp::plan
