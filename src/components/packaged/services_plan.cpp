// Stage "services": a new component's service is set up and started; a changed component's
// service restarts; so does one whose recorded start digest is not the installed content (an
// apply stopped between distribute and here) and a converged one that facts show down. A
// relabel (the same bytes and service under a new version) restarts nothing.

#include "acpctl/service/spec.hpp"
#include "packaged.hpp"
#include "reasons.hpp"

#include <fmt/format.h>

namespace acp::packaged {

using namespace plan;

namespace {

// Why a service whose component is installed and converged must restart anyway, or "".
std::string stale_start(const state::InstalledComponent& have) {
  if (have.service_digest == have.digest)
    return "";
  // Absent in state.json written before acpctl recorded it: whether the running process has
  // the installed content is unknown, and restarting is the only way to be sure it does.
  if (have.service_digest.empty())
    return "not known to run the installed content (no start recorded)";
  return fmt::format("runs {}, not the installed {} (an apply stopped before the restart)",
                     detail::short_digest(have.service_digest), detail::short_digest(have.digest));
}

} // namespace

void plan_services(const PlanInput&, const HostContext& host, std::vector<Step>& out) {
  for (const auto* want : host.desired) {
    if (!want->service || want->kept)
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
    } else if (have->digest != want->digest &&
               !(same_content(*have, *want) && have->service_digest == have->digest)) {
      step.action = Action::restart;
      step.reason = "component changed";
    } else if (seen == host.facts.services.end()) {
      step.action = Action::create;
      step.reason = fmt::format("service {} is not set up", unit);
    } else if (auto why = stale_start(*have); !why.empty()) {
      step.action = Action::restart;
      step.reason = std::move(why);
    } else if (!seen->second) {
      step.action = Action::restart;
      step.reason = "service is down";
    } else {
      continue;
    }
    step.params = make_params(ServiceParams{want->service->name});
    out.push_back(std::move(step));
  }
}

} // namespace acp::packaged
