#pragma once
// The apply half of a stage: one function per stage executes one planned step on one host
// and returns the state change the runner commits to the node's state.json afterwards.
// Components (src/components/) provide these functions through their registration.

#include "acpctl/config/model.hpp"
#include "acpctl/facts/host_facts.hpp"
#include "acpctl/package/manifest.hpp"
#include "acpctl/plan/desired.hpp"
#include "acpctl/plan/planner.hpp"
#include "acpctl/service/manager.hpp"
#include "acpctl/stages/actions.hpp"
#include "acpctl/stages/outputs.hpp"
#include "acpctl/state/node_state.hpp"

#include <filesystem>
#include <map>
#include <span>
#include <string_view>
#include <vector>

namespace acp::pki {
class ClusterPki;
} // namespace acp::pki

namespace acp::stages {

/// What the platform stages render their node files from: the cluster config, the
/// cluster's PKI (loaded by the runner from acpctl's cluster directory; null when not loaded)
/// and the facts gathered from the nodes, by node name (null or missing: not gathered).
struct PlatformSource {
  const config::Cluster& cluster;
  const pki::ClusterPki* pki = nullptr;
  const std::map<std::string, facts::HostFacts>* facts = nullptr;
  /// The components the plan installs; null: not known (a stage renders as if the package
  /// carried its component).
  const std::vector<plan::DesiredComponent>* desired = nullptr;

  /// True unless the desired components are known and none is named `name`: a stage that
  /// runs a packaged binary renders nothing for a package without it.
  bool carries(std::string_view name) const {
    if (!desired)
      return true;
    for (const auto& c : *desired)
      if (c.name == name)
        return true;
    return false;
  }

  /// The node's facts, or null when they were not gathered.
  const facts::HostFacts* facts_of(const std::string& node) const {
    if (!facts)
      return nullptr;
    const auto it = facts->find(node);
    return it == facts->end() ? nullptr : &it->second;
  }
};

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
  const config::Node* node = nullptr;                ///< the host's entry in cluster.yaml
  const PlatformSource* platform = nullptr;          ///< null: no platform stage runs
  /// What earlier steps of this apply published (outputs.hpp); null outside an apply.
  Outputs* outputs = nullptr;
};

/// Stops the service `service` (no "acp-") and deletes what its manager installed; nothing
/// if the node does not have it. Supervisor complaints while stopping are warnings.
Status uninstall_service(StepContext& ctx, const std::string& service);
/// Stops and removes what a platform record lists: its service, files and directories.
/// The supervisor's complaints while stopping are warnings (runsvdir may stop a removed
/// service first); a failed rm is an error.
Status remove_platform_record(StepContext& ctx, const state::PlatformRecord& record);

/// Applies one step of a stage.
using StepApplier = Result<state::StateChange> (*)(const plan::Step&, StepContext&);

/// Renders the files a platform stage puts on `node`, content included (keys are secrets:
/// never log them). Empty when the node needs none.
using FileRenderer = Result<std::vector<service::FileToWrite>> (*)(const PlatformSource& source,
                                                                   const config::Node& node);

/// The files as digests (path, mode, sha256), for the planner.
std::vector<plan::FileDigest> digests_of(const std::vector<service::FileToWrite>& files);

/// Waits up to `seconds` for the service to run (and its health check to pass when it has
/// one). Fails with Errc::remote saying what the supervisor or the check last said.
Status health_gate(StepContext& ctx, const service::ServiceSpec& spec, int seconds);

} // namespace acp::stages
