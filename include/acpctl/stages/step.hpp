#pragma once
// The apply half of the stages: one function per stage executes one planned step on one host
// and returns the state change the runner commits to the node's state.json afterwards.

#include "acpctl/config/model.hpp"
#include "acpctl/facts/host_facts.hpp"
#include "acpctl/package/manifest.hpp"
#include "acpctl/plan/desired.hpp"
#include "acpctl/plan/planner.hpp"
#include "acpctl/service/manager.hpp"
#include "acpctl/stages/actions.hpp"
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
};

/// Puts the component's files in /opt/acp/components/<name>/<version>/ and switches the
/// `current` link. Returns the record to commit.
Result<state::StateChange> apply_distribute(const plan::Step& step, StepContext& ctx);
/// Installs (or restarts) the component's service, then waits until the supervisor reports
/// it running and its health check passes (the health gate).
Result<state::StateChange> apply_services(const plan::Step& step, StepContext& ctx);
/// Stops and removes the component's service and deletes /opt/acp/components/<name>.
Result<state::StateChange> apply_prune(const plan::Step& step, StepContext& ctx);

/// Uploads the node's certificates and keys from the cluster's PKI (stage "pki").
Result<state::StateChange> apply_pki(const plan::Step& step, StepContext& ctx);
/// Bootstraps, joins, restarts or removes the node's etcd member (stage "etcd").
Result<state::StateChange> apply_etcd(const plan::Step& step, StepContext& ctx);
/// Writes keepalived.conf and check.sh and (re)starts acp-keepalived (stage "keepalived").
Result<state::StateChange> apply_keepalived(const plan::Step& step, StepContext& ctx);

/// Stops the service `service` (no "acp-") and deletes what its manager installed; nothing
/// if the node does not have it. Supervisor complaints while stopping are warnings.
Status uninstall_service(StepContext& ctx, const std::string& service);
/// Stops and removes what a platform record lists: its service, files and directories.
/// The supervisor's complaints while stopping are warnings (runsvdir may stop a removed
/// service first); a failed rm is an error.
Status remove_platform_record(StepContext& ctx, const state::PlatformRecord& record);

/// The apply function for a stage name; null for a stage without an apply half.
using StepApplier = Result<state::StateChange> (*)(const plan::Step&, StepContext&);
StepApplier applier_for(std::string_view stage);

/// Renders the files a platform stage puts on `node`, content included (keys are secrets:
/// never log them). Empty when the node needs none.
using FileRenderer = Result<std::vector<service::FileToWrite>> (*)(const PlatformSource& source,
                                                                   const config::Node& node);

/// The platform stages' files: pki::node_files, and etcd's config file and endpoint file.
Result<std::vector<service::FileToWrite>> render_pki(const PlatformSource& source,
                                                     const config::Node& node);
Result<std::vector<service::FileToWrite>> render_etcd(const PlatformSource& source,
                                                      const config::Node& node);
/// keepalived.conf (0600: it holds the VRRP password) and check.sh on a control-plane node of
/// a cluster with a selfBuiltVIP; nothing elsewhere.
Result<std::vector<service::FileToWrite>> render_keepalived(const PlatformSource& source,
                                                            const config::Node& node);

/// The apply half of one stage: its name (as in plan::stages()), how it applies a step, and
/// for platform stages how it renders its files (the planner gets their digests).
struct StageApply {
  std::string_view name;
  StepApplier apply = nullptr;
  FileRenderer render = nullptr;
};
/// One row per stage of plan::stages(), same names.
std::span<const StageApply> stage_table();

/// The digests of every platform stage's files for every node, for plan::PlanInput.
Result<plan::PlatformInput> platform_input(const PlatformSource& source);
/// The files `stage` renders for the step's node, as digests (path, mode, sha256).
std::vector<plan::FileDigest> digests_of(const std::vector<service::FileToWrite>& files);

/// Waits up to `seconds` for the service to run (and its health check to pass when it has
/// one). Fails with Errc::remote saying what the supervisor or the check last said.
Status health_gate(StepContext& ctx, const service::ServiceSpec& spec, int seconds);

} // namespace acp::stages
