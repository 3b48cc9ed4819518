// Runs each stage's planner over every node, in stage order then config order.

#include "acpctl/plan/planner.hpp"

#include <array>
#include <fmt/format.h>

namespace acp::plan {

std::span<const Stage> stages() {
  static constexpr std::array<Stage, 3> k_stages{{
      {"distribute", "put component files in place and switch their current link", plan_distribute},
      {"services", "set up and (re)start the components' services", plan_services},
      {"prune", "stop and delete components no longer wanted on a node", plan_prune},
  }};
  return k_stages;
}

Result<Plan> make_plan(const PlanInput& input) {
  std::vector<HostContext> hosts;
  for (const auto& node : input.cluster.nodes) {
    const auto it = input.facts.find(node.name);
    if (it == input.facts.end())
      return Error(Errc::failed, "no facts were gathered for this node")
          .with_host(node.name)
          .with_hint("check that the node is reachable over SSH, then plan again");
    HostContext host{node, it->second, {}};
    for (const auto& c : input.components)
      if (c.wanted_on(node.roles))
        host.desired.push_back(&c);
    hosts.push_back(std::move(host));
  }
  Plan plan;
  plan.config_digest = input.config_digest;
  plan.package_digest = input.package_digest;
  for (const auto& host : hosts)
    plan.node_serials[host.node.name] = host.facts.state.serial;
  for (const auto& stage : stages())
    for (const auto& host : hosts) {
      const auto first = plan.steps.size();
      stage.plan(input, host, plan.steps);
      for (auto i = first; i < plan.steps.size(); ++i) {
        plan.steps[i].host = host.node.name;
        plan.steps[i].stage = std::string(stage.name);
      }
    }
  return plan;
}

} // namespace acp::plan
