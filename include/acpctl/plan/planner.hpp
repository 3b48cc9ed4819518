#pragma once
// The planner: a pure function of (config, desired components, facts) to a Plan. Stages are
// data, k0sctl-style: each stage contributes its steps for each host, in the order listed.

#include "acpctl/config/model.hpp"
#include "acpctl/facts/host_facts.hpp"
#include "acpctl/plan/desired.hpp"
#include "acpctl/plan/plan.hpp"
#include "acpctl/util/error.hpp"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace acp::plan {

/// A file a platform stage puts on a node, as the planner sees it: its path, mode and the
/// sha256 of its content, never the content itself (keys are secrets).
struct FileDigest {
  std::string path;
  std::string sha256; ///< hex
  unsigned mode = 0644;
  bool operator==(const FileDigest&) const = default;
};

/// What the platform stages would put on each node now, as digests: by node name, then by
/// stage name ("pki", "etcd", ...). The runner renders the files (stages::platform_input)
/// and hands the planner their digests; the apply half renders them again from the same
/// sources and refuses to write anything whose digest differs from the plan's.
struct PlatformInput {
  std::map<std::string, std::map<std::string, std::vector<FileDigest>>> files;

  /// The files `stage` renders for `node`; empty if none.
  const std::vector<FileDigest>& of(const std::string& node, const std::string& stage) const;
};

struct PlanInput {
  const config::Cluster& cluster;
  std::span<const DesiredComponent> components;
  const std::map<std::string, facts::HostFacts>& facts; ///< by node name
  std::string config_digest;
  std::string package_digest;
  /// The platform stages' inputs; null: the platform stages (pki, etcd, keepalived) plan
  /// nothing (tests of the component stages, and `reset`).
  const PlatformInput* platform = nullptr;
  /// The release the plan installs, recorded on every node by the release stage; null:
  /// none recorded (tests of single stages, `reset`).
  const state::Release* release = nullptr;
  /// The release stage's word for the change: "rollback", or empty (install on a node that
  /// runs no release, else upgrade).
  std::string release_action{};
};

/// What one stage sees of one host.
struct HostContext {
  const config::Node& node;
  const facts::HostFacts& facts;
  std::vector<const DesiredComponent*> desired; ///< the components this node should have
};

/// Plans one host at a time; called for every node in config order.
using StagePlanner = void (*)(const PlanInput& input, const HostContext& host,
                              std::vector<Step>& out);
/// Plans the whole cluster at once (every host, config order), for stages whose steps
/// depend on each other across hosts (etcd membership). Sets Step::host itself; the steps
/// run in the order given. Fails to refuse a change (Errc::conflict, saying why).
using ClusterPlanner = Status (*)(const PlanInput& input, std::span<const HostContext> hosts,
                                  std::vector<Step>& out);

/// One stage, as the planner sees it: its name (as in Step::stage), where it runs among all
/// stages (`order`, lower first), a line for help text, its planner (per host or per
/// cluster, one of the two), whether the runner applies it one host at a time, and how a
/// saved step's params are read back. Components declare their stages
/// (stages/component.hpp); the planner knows none by name.
struct Stage {
  std::string_view name;
  int order = 0;
  std::string_view summary;
  StagePlanner plan = nullptr;
  ClusterPlanner plan_cluster = nullptr;
  /// Serial: hosts one at a time in the plan's order, stopping at the first failure (etcd
  /// joins and rolling restarts), except steps marked Step::together; otherwise in parallel.
  bool serial = false;
  ParamsParser parse_params = nullptr; ///< null: the stage's steps carry no params
  /// Not serial, but at most this many hosts at a time, batch after batch, and no batch
  /// after one with a failure (workers join Kubernetes a few at a time); 0: no batches.
  int batch = 0;
};

/// The stages to plan, in execution order.
using Stages = std::span<const Stage* const>;
/// The stage named `name` among `stages`; null if there is none.
const Stage* find_stage(Stages stages, std::string_view name);

/// Plans every stage for every node. A planner may put a step into a later stage by setting
/// Step::stage (pki's clean-up runs in prune); steps are ordered by stage, then as planned.
/// Fails naming the node if facts for it are missing, if a component's version is on a node
/// with other content (check_versions), or with a cluster planner's refusal.
Result<Plan> make_plan(const PlanInput& input, Stages stages);

/// "sha256:<hex>" over the files' paths, modes and digests: changes exactly when one does.
std::string files_digest(std::span<const FileDigest> files);
/// The facts of `name` among `hosts`; null if it is not one of them.
const HostContext* find_host(std::span<const HostContext> hosts, std::string_view name);

/// The usual plan of a platform service whose inputs have digest `want` (record `record`,
/// service `service` on the host): create when not recorded or not set up, change when the
/// digest differs, restart when the service is down, nothing when converged. `what` names
/// the inputs for the reason ("config or certificates").
std::optional<Step> plan_platform_service(const HostContext& host, const std::string& record,
                                          const std::string& service, const std::string& want,
                                          const std::string& what);

/// "sha256:<hex>" over a platform service's rendered files and the digest of the binary
/// component it runs: a change of either rewrites and restarts the service.
std::string service_digest(std::span<const FileDigest> files, const std::string& binary_digest);
/// The files-only component `name` (its binary; a platform stage runs the service) among
/// the host's desired components; null when the package has none for this host.
const DesiredComponent* binary_component(const HostContext& host, std::string_view name);

} // namespace acp::plan
