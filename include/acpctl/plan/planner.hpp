#pragma once
// The planner: a pure function of (config, desired components, facts) to a Plan. Stages are
// data, k0sctl-style: each stage contributes its steps for each host, in the order listed.

#include "acpctl/config/model.hpp"
#include "acpctl/facts/host_facts.hpp"
#include "acpctl/plan/desired.hpp"
#include "acpctl/plan/plan.hpp"
#include "acpctl/util/error.hpp"

#include <map>
#include <span>
#include <string>
#include <vector>

namespace acp::plan {

struct PlanInput {
  const config::Cluster& cluster;
  std::span<const DesiredComponent> components;
  const std::map<std::string, facts::HostFacts>& facts; ///< by node name
  std::string config_digest;
  std::string package_digest;
};

/// What one stage sees of one host.
struct HostContext {
  const config::Node& node;
  const facts::HostFacts& facts;
  std::vector<const DesiredComponent*> desired; ///< the components this node should have
};

using StagePlanner = void (*)(const PlanInput& input, const HostContext& host,
                              std::vector<Step>& out);

/// One stage: its name (as in Step::stage), a line for help text, and its planner.
struct Stage {
  std::string_view name;
  std::string_view summary;
  StagePlanner plan;
};

/// The stages in execution order: distribute, services, prune. Later stages (pki, etcd,
/// keepalived, kubernetes, ...) slot in between services and prune.
std::span<const Stage> stages();

/// Plans every stage for every node. Fails naming the node if facts for it are missing.
Result<Plan> make_plan(const PlanInput& input);

// The stage planners, one file each.
void plan_distribute(const PlanInput& input, const HostContext& host, std::vector<Step>& out);
void plan_services(const PlanInput& input, const HostContext& host, std::vector<Step>& out);
void plan_prune(const PlanInput& input, const HostContext& host, std::vector<Step>& out);

} // namespace acp::plan
