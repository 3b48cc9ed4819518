// Runs each stage's planner over every node, in stage order then config order. The stages
// come from the caller (the components' registry): the planner knows none by name.

#include "acpctl/plan/planner.hpp"

#include "acpctl/plan/release.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::plan {

namespace {

Result<std::vector<HostContext>> hosts_of(const PlanInput& input) {
  std::vector<HostContext> hosts;
  for (const auto& node : input.cluster.nodes) {
    const auto it = input.facts.find(node.name);
    if (it == input.facts.end())
      return Error(Errc::failed, "no facts were gathered for this node")
          .with_host(node.name)
          .with_hint("check that the node is reachable over SSH, then plan again");
    HostContext host{node, it->second, {}};
    for (const auto& c : input.components)
      if (c.installed_only ? it->second.state.find(c.name) != nullptr : c.wanted_on(node.roles))
        host.desired.push_back(&c);
    hosts.push_back(std::move(host));
  }
  return hosts;
}

Status plan_stage(const PlanInput& input, const Stage& stage, std::span<const HostContext> hosts,
                  std::vector<Step>& out) {
  const auto first = out.size();
  if (stage.plan_cluster) {
    if (auto ok = stage.plan_cluster(input, hosts, out); !ok)
      return ok;
  } else if (stage.plan) {
    for (const auto& host : hosts) {
      const auto from = out.size();
      stage.plan(input, host, out);
      for (auto i = from; i < out.size(); ++i)
        if (out[i].host.empty() && out[i].target != Target::workstation)
          out[i].host = host.node.name;
    }
  }
  for (auto i = first; i < out.size(); ++i)
    if (out[i].stage.empty())
      out[i].stage = std::string(stage.name);
  return {};
}

} // namespace

const Stage* find_stage(Stages stages, std::string_view name) {
  for (const auto* stage : stages)
    if (stage->name == name)
      return stage;
  return nullptr;
}

Result<Plan> make_plan(const PlanInput& input, Stages stages) {
  auto hosts = hosts_of(input);
  if (!hosts)
    return std::move(hosts).error();
  if (auto ok = check_versions(input.components, input.facts); !ok)
    return std::move(ok).error();
  Plan plan;
  plan.config_digest = input.config_digest;
  plan.package_digest = input.package_digest;
  for (const auto& host : *hosts)
    plan.node_serials[host.node.name] = host.facts.state.serial;
  for (const auto* stage : stages)
    if (auto ok = plan_stage(input, *stage, *hosts, plan.steps); !ok)
      return std::move(ok).error();
  const auto index = [&](const Step& s) {
    const auto it = std::find_if(stages.begin(), stages.end(),
                                 [&](const Stage* stage) { return stage->name == s.stage; });
    return it - stages.begin();
  };
  for (const auto& s : plan.steps)
    if (index(s) == static_cast<std::ptrdiff_t>(stages.size()))
      return Error(Errc::failed,
                   fmt::format("a planner put a step into unknown stage '{}'", s.stage))
          .with_host(s.host);
  std::stable_sort(plan.steps.begin(), plan.steps.end(),
                   [&](const Step& a, const Step& b) { return index(a) < index(b); });
  return plan;
}

} // namespace acp::plan
