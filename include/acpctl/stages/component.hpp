#pragma once
// A platform component as the engine sees it: one registration that plan, apply, facts,
// preflight and status walk. A component lives in one folder (src/components/<name>/) and
// is one row of components::registry(); the planner and the runner know none by name.

#include "acpctl/config/model.hpp"
#include "acpctl/facts/probe.hpp"
#include "acpctl/plan/planner.hpp"
#include "acpctl/preflight/check.hpp"
#include "acpctl/stages/step.hpp"
#include "acpctl/transport/transport.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace acp::stages {

/// One stage a component contributes: its planning half (plan::Stage: name, order, planner,
/// serial, params), its apply half and, for a stage that writes rendered files, how it
/// renders them (the planner gets their digests).
struct Phase {
  plan::Stage stage;
  StepApplier apply = nullptr;
  FileRenderer render = nullptr;
  /// Its steps read their component's files from the verified, unpacked package: the runner
  /// unpacks those components (only those) before the first step.
  bool unpacks = false;
  /// The stage that removes what a node's state.json records (a component by name, a
  /// platform record with RecordParams): `acpctl reset` plans everything into it.
  bool removes = false;
  /// Puts a step's bytes on its node ahead of a rolling upgrade, changing nothing that runs
  /// and committing nothing (the step itself then finds them in place); null: nothing to
  /// send ahead.
  Status (*prestage)(const plan::Step&, StepContext&) = nullptr;
  /// Its steps read the package's image layout (images/): the runner unpacks it too.
  bool unpacks_images = false;
};

/// One line `acpctl status` shows: on a node ("etcd member 9a3f (leader), healthy") or for
/// the whole cluster ("etcd: 3/3 members healthy, quorum ok"), and the same as JSON under
/// `key` ("etcd", "vip"). Not ok: shown in red; a cluster line's `exit_code` (non-zero)
/// becomes status's exit code when every node answered.
struct StatusLine {
  std::string key;
  std::string text;
  bool ok = true;
  nlohmann::json json;
  int exit_code = 0;
};

using NodeStatusFn = std::optional<StatusLine> (*)(const facts::HostFacts& facts);
using ClusterStatusFn = std::optional<StatusLine> (*)(
    const config::Cluster& cluster, const std::map<std::string, facts::HostFacts>& facts);
using PortsFn = std::vector<preflight::PortClaim> (*)(const config::Cluster& cluster);

/// What a component sees of a node the rolling upgrade is about to change (or has changed):
/// the node, its facts from planning, a transport to it and its planned steps.
struct DrainContext {
  const config::Cluster& cluster;
  const config::Node& node;
  const facts::HostFacts& facts;
  transport::Transport& transport;
  std::span<const plan::Step* const> steps;
};
/// Before a node's steps: moves what the node serves for the cluster elsewhere (the VIP)
/// when its steps would interrupt it; true when it did (undrain follows the steps).
using DrainFn = Result<bool> (*)(const DrainContext& ctx);
using UndrainFn = Status (*)(const DrainContext& ctx);
/// The nodes a rolling upgrade changes last among its one-at-a-time nodes, because they serve
/// the cluster now (the VIP holder): draining them then moves the service once, onto a node
/// already changed.
using LastFn = std::vector<std::string> (*)(const config::Cluster& cluster,
                                            const std::map<std::string, facts::HostFacts>& facts);

/// Removes what the platform record of the component's own name lists, the component's way
/// (kubeadm reset before the files go); the prune stage calls it instead of
/// remove_platform_record, which it should end with.
using RecordRemover = Status (*)(StepContext& ctx, const state::PlatformRecord& record);

/// The registration: everything optional except the name.
struct Component {
  std::string_view name;
  std::span<const Phase> phases; ///< its stages, any order (the registry sorts them)
  facts::Probe facts{};          ///< its section of the facts script and parser
  PortsFn ports = nullptr;       ///< TCP ports preflight checks on the nodes it runs on
  NodeStatusFn node_status = nullptr;
  ClusterStatusFn cluster_status = nullptr;
  /// The rolling upgrade's gate between nodes: a line that is not ok while the component
  /// is not fully healthy (every etcd member, exactly one VIP holder); null: no gate.
  ClusterStatusFn gate = nullptr;
  DrainFn drain = nullptr;
  UndrainFn undrain = nullptr;
  LastFn last = nullptr;
  RecordRemover remove_record = nullptr;
};

} // namespace acp::stages
