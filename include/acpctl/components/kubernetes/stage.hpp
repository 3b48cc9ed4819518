#pragma once
// The kubernetes component's stages (see docs/kubernetes.md):
//   kubernetes (55)         every node: the files kubeadm's external-CA mode needs, the
//                           kubelet's wrapper and the acp-kubelet service (parallel);
//   kubernetes-bootstrap (56) control-plane nodes one at a time: kubeadm init on the first,
//                           joins with a gate (the API server healthy through the endpoint);
//   kubernetes-workers (57) workers in bounded batches: kubeadm join;
//   kubernetes-manifests (58) the platform's core manifests through the API (workstation).
// kubeadm, the kubelet and kubectl come from the package's component "kubernetes" or, when
// the package has none, from the node itself (an OS image with them baked in): the facts
// probe finds them. A node without either plans nothing here.

#include "acpctl/components/kubernetes/prereqs.hpp"
#include "acpctl/stages/component.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acp::kubernetes {

inline constexpr std::string_view k_name = "kubernetes";
inline constexpr std::string_view k_bootstrap = "kubernetes-bootstrap";
inline constexpr std::string_view k_workers = "kubernetes-workers";
/// The stage (and the record on the first control-plane node) of the core manifests.
inline constexpr std::string_view k_manifests = "kubernetes-manifests";
/// The package component's binaries on a node.
inline constexpr std::string_view k_package_bin_dir = "/opt/acp/components/kubernetes/current/bin";
/// acpctl's own files for Kubernetes on a node (the kubelet's wrapper, the bootstrap marker).
inline constexpr std::string_view k_acp_dir = "/etc/acp/kubernetes";
inline constexpr std::string_view k_kubelet_run = "/etc/acp/kubernetes/kubelet-run.sh";
/// Written once kubeadm init or join succeeded on the node: "init", "control-plane" or
/// "worker". The facts read it; a node with kubeadm's files but without it was interrupted.
inline constexpr std::string_view k_marker = "/etc/acp/kubernetes/bootstrapped";
/// Written by the kubernetes stage before it changes a bootstrapped control plane's
/// certificates or kubeconfigs; removed once its static pods restarted on them (a "restart"
/// bootstrap step), so an interrupted apply still restarts them.
inline constexpr std::string_view k_restart_marker = "/etc/acp/kubernetes/restart-pending";
/// Where secret-bearing kubeadm configs live while kubeadm runs: tmpfs, 0600, removed after.
inline constexpr std::string_view k_run_dir = "/run/acp/kubernetes";
/// The apply-time output (secret) that carries the bootstrap token between steps.
inline constexpr std::string_view k_token_output = "kubernetes/bootstrap-token";
/// Workers join at most this many at a time.
inline constexpr int k_worker_batch = 3;

/// The TCP ports Kubernetes listens on: the kubelet's (10248 healthz, 10250), kube-proxy's
/// (10249, 10256) and on a control plane the API server, controller-manager and scheduler
/// (6443, 10257, 10259).
std::vector<int> kubernetes_ports(bool control_plane);

/// What the facts probe saw of Kubernetes on a node.
struct KubeFacts {
  std::string bin_dir{};           ///< where kubeadm and kubelet are; empty: not found
  std::string kubeadm_version{};   ///< `kubeadm version -o short`
  std::string binaries_digest{};   ///< sha256 over kubeadm and kubelet when not the package's
  std::string marker{};            ///< k_marker's role, empty when absent
  bool kubelet_config = false;     ///< /var/lib/kubelet/config.yaml (kubeadm's kubelet-start ran)
  bool apiserver_manifest = false; ///< /etc/kubernetes/manifests/kube-apiserver.yaml
  bool kubelet_healthy = false;    ///< 127.0.0.1:10248/healthz said ok
  bool kubeadm_running = false;    ///< a kubeadm process (an interrupted apply's) still runs
  bool restart_pending = false;    ///< k_restart_marker: static pods to restart on new files
  /// On a bootstrapped control plane: the Node names its API server lists; nullopt when not
  /// asked or it did not answer.
  std::optional<std::vector<std::string>> api_nodes{};
  /// On a node not bootstrapped yet: what the kubelet's prerequisites are checked against.
  std::optional<ProbeOutput> prereqs{};

  bool bootstrapped() const { return !marker.empty(); }
  /// kubeadm left files but never finished: a reset must come before the next try.
  bool partial() const {
    return !bootstrapped() && (kubelet_config || apiserver_manifest || kubeadm_running);
  }
};

facts::Probe facts_probe();
std::optional<stages::StatusLine> node_status(const facts::HostFacts& facts);

/// Where `node` runs kubeadm and the kubelet from: the package's component when the plan
/// installs it, else what the node has (facts); empty when neither.
std::string bin_dir(const stages::PlatformSource& source, const config::Node& node);

// Stage "kubernetes": files and the kubelet.
Result<std::vector<service::FileToWrite>> render(const stages::PlatformSource& source,
                                                 const config::Node& node);
void plan_node(const plan::PlanInput& input, const plan::HostContext& host,
               std::vector<plan::Step>& out);
Result<state::StateChange> apply(const plan::Step& step, stages::StepContext& ctx);
/// acp-kubelet: sh kubelet-run.sh (waits for kubeadm's config, then execs the kubelet with
/// kubeadm's flags, as kubeadm's systemd drop-in does); healthy when the kubelet's healthz
/// answers, or while kubeadm has not configured it yet.
service::ServiceSpec kubelet_spec();
/// The wrapper the kubelet service runs, for the binaries in `bin_dir`.
std::string render_kubelet_run(std::string_view bin_dir);

/// On a control plane: whether `planned` changes a file its static pods read (the
/// /etc/kubernetes/pki files and the kubeconfigs but the kubelet's) from what `record` has.
bool static_pod_files_changed(const state::PlatformRecord* record,
                              std::span<const plan::FileDigest> planned);
/// Restarts the node's static pods one at a time (manifest out, wait until its port stops
/// answering, manifest back), then the API gate; removes k_restart_marker.
Status restart_static_pods(stages::StepContext& ctx);

/// What a bootstrap step does on its node.
struct BootstrapParams {
  /// "init", "control-plane", "worker", "token" (create a join token) or "restart" (a
  /// bootstrapped control plane's static pods, on new certificates)
  std::string role{};
  bool reset = false;   ///< kubeadm left files of an interrupted run: kubeadm reset -f first
  std::string config{}; ///< digest of the kubeadm config (placeholders, no secret); "" for token

  bool operator==(const BootstrapParams&) const = default;
  std::string subject() const;
  std::string create_verb() const;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(BootstrapParams, role, reset, config)

/// `node`'s part in the bootstrap, from the facts (null: none gathered): its marker's role
/// when bootstrapped; "worker" without the control-plane role; "init" for the first
/// control-plane node in file order while no control-plane node is bootstrapped; else
/// "control-plane".
std::string bootstrap_role(const config::Cluster& cluster,
                           const std::map<std::string, facts::HostFacts>* facts,
                           const config::Node& node);
/// The bootstrap stage's file for a node that still needs kubeadm: kubeadm.yaml with
/// placeholders (k_kubeadm_config, no secret in it); none for a bootstrapped node or one
/// without kubeadm.
Result<std::vector<service::FileToWrite>> render_bootstrap(const stages::PlatformSource& source,
                                                           const config::Node& node);

/// Stages "kubernetes-bootstrap" and "kubernetes-workers": every node not bootstrapped (per
/// its facts) gets a step; init only when no control-plane node is bootstrapped, else a join
/// token is made on one that is; a node interrupted mid-kubeadm is reset first.
Status plan_bootstrap(const plan::PlanInput& input, std::span<const plan::HostContext> hosts,
                      std::vector<plan::Step>& out);
Status plan_workers(const plan::PlanInput& input, std::span<const plan::HostContext> hosts,
                    std::vector<plan::Step>& out);
Result<state::StateChange> apply_bootstrap(const plan::Step& step, stages::StepContext& ctx);

// Stage "kubernetes-manifests": manifests/core (compiled in) through the API.
/// "sha256:..." over the compiled-in manifests' names and texts.
std::string manifests_digest();
/// Every object of manifests/core, in file order.
Result<std::vector<nlohmann::json>> core_manifests();
/// On the first control-plane node, when Kubernetes is set up there and its record's digest
/// is not manifests_digest(): one step.
void plan_manifests(const plan::PlanInput& input, const plan::HostContext& host,
                    std::vector<plan::Step>& out);
/// Server-side apply of every object from the workstation (acpctl's admin certificate, the
/// cluster CA, the endpoint), waiting until each is ready; records the digest.
Result<state::StateChange> apply_manifests(const plan::Step& step, stages::StepContext& ctx);

// Stage "kubernetes-remove": Nodes the API lists that the config no longer has.
inline constexpr std::string_view k_remove = "kubernetes-remove";
/// Which Node a removal step takes out.
struct RemoveParams {
  std::string node{};
  bool operator==(const RemoveParams&) const = default;
  std::string subject() const { return "Node " + node; }
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RemoveParams, node)
/// One step per Node that a bootstrapped control plane's API lists and cluster.yaml does not
/// name, run through that control plane (the first in file order whose API answered).
Status plan_removals(const plan::PlanInput& input, std::span<const plan::HostContext> hosts,
                     std::vector<plan::Step>& out);
/// kubectl drain --ignore-daemonsets, then delete the Node, through the API from the
/// workstation; the node itself (no longer in the config) is left to its owner.
Result<state::StateChange> apply_removal(const plan::Step& step, stages::StepContext& ctx);
/// The prune stage's removal of the kubernetes record: kubeadm reset -f when kubeadm is still
/// on the node, then what the record lists.
Status remove_record(stages::StepContext& ctx, const state::PlatformRecord& record);

/// The kubeadm config (with placeholders) `node` gets for `role`.
Result<std::string> kubeadm_config(const stages::PlatformSource& source, const config::Node& node,
                                   std::string_view role);

} // namespace acp::kubernetes
