// Stage "prune": components installed on a node that it should no longer have are stopped
// and deleted last, after everything new is in place.

#include "packaged.hpp"
#include "reasons.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::packaged {

using namespace plan;

void plan_prune(const PlanInput& input, const HostContext& host, std::vector<Step>& out) {
  for (const auto& [key, have] : host.facts.state.components) {
    // A named copy: lambdas cannot capture structured bindings before clang 16.
    const std::string& name = key;
    const auto wanted = std::any_of(host.desired.begin(), host.desired.end(),
                                    [&](const DesiredComponent* d) { return d->name == name; });
    if (wanted)
      continue;
    const auto in_package = std::find_if(input.components.begin(), input.components.end(),
                                         [&](const DesiredComponent& d) { return d.name == name; });
    Step step;
    step.action = Action::remove;
    step.component = name;
    step.from_version = have.version;
    step.reason = in_package == input.components.end()
                      ? "no longer in the package"
                      : fmt::format("this node no longer has a role it needs ({})",
                                    detail::roles_text(in_package->roles));
    out.push_back(std::move(step));
  }
}

} // namespace acp::packaged
