// Runs each stage's planner over every node, in stage order then config order.

#include "acpctl/plan/planner.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace acp::plan {

std::span<const Stage> stages() {
  // Order matters: certificates before etcd uses them, etcd before the VIP checks it,
  // components' own services after the platform, removals last.
  static constexpr std::array<Stage, 6> k_stages{{
      {"distribute", "put component files in place and switch their current link", plan_distribute,
       nullptr, false},
      {"pki", "upload the nodes' certificates and keys", plan_pki, nullptr, false},
      {"etcd", "bootstrap, join, restart or remove etcd members, one node at a time", nullptr,
       plan_etcd, true},
      {"keepalived", "set up keepalived for the VIP on control-plane nodes", plan_keepalived,
       nullptr, false},
      {"services", "set up and (re)start the components' services", plan_services, nullptr, false},
      {"prune", "stop and delete components no longer wanted on a node", plan_prune, nullptr,
       false},
  }};
  return k_stages;
}

const Stage* find_stage(std::string_view name) {
  for (const auto& stage : stages())
    if (stage.name == name)
      return &stage;
  return nullptr;
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
  const auto all = stages();
  for (const auto& stage : all) {
    const auto first = plan.steps.size();
    if (stage.plan_cluster) {
      if (auto ok = stage.plan_cluster(input, hosts, plan.steps); !ok)
        return std::move(ok).error();
    } else {
      for (const auto& host : hosts) {
        const auto from = plan.steps.size();
        stage.plan(input, host, plan.steps);
        for (auto i = from; i < plan.steps.size(); ++i)
          plan.steps[i].host = host.node.name;
      }
    }
    for (auto i = first; i < plan.steps.size(); ++i)
      if (plan.steps[i].stage.empty())
        plan.steps[i].stage = std::string(stage.name);
  }
  const auto index = [&](const Step& s) {
    const auto it = std::find_if(all.begin(), all.end(),
                                 [&](const Stage& stage) { return stage.name == s.stage; });
    return it - all.begin();
  };
  for (const auto& s : plan.steps)
    if (index(s) == static_cast<std::ptrdiff_t>(all.size()))
      return Error(Errc::failed,
                   fmt::format("a planner put a step into unknown stage '{}'", s.stage))
          .with_host(s.host);
  std::stable_sort(plan.steps.begin(), plan.steps.end(),
                   [&](const Step& a, const Step& b) { return index(a) < index(b); });
  return plan;
}

} // namespace acp::plan
