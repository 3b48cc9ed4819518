#pragma once
// The kubernetes component's files, as pure functions of the cluster model: kubeadm's
// configuration per node (InitConfiguration + ClusterConfiguration + KubeletConfiguration on
// the first control-plane node, JoinConfiguration elsewhere) in kubeadm's v1beta3 or v1beta4
// API chosen by spec.kubernetesVersion, and the admin kubeconfig.
//
// The one secret, the bootstrap token, never appears in rendered text: it holds placeholders such
// as
// {{ACP_SECRET:bootstrap-token}} that the step on the node substitutes just before kubeadm
// runs (substitute_secrets), so rendered files can be logged, digested and kept in plans.

#include "acpctl/config/kubernetes.hpp"
#include "acpctl/config/model.hpp"
#include "acpctl/util/error.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acp::kubernetes {

inline constexpr int k_api_port = 6443;
/// kubeadm's certificate directory: acpctl puts every certificate kubeadm needs there but no
/// CA key (kubeadm's external-CA mode, see files.hpp), so kubeadm signs nothing itself.
inline constexpr std::string_view k_pki_dir = "/etc/kubernetes/pki";
/// The external etcd's CA and the API server's etcd client pair, where kubeadm's docs put
/// them for an external etcd. The etcd CA is acpctl's cluster CA.
inline constexpr std::string_view k_etcd_ca = "/etc/kubernetes/pki/etcd/ca.crt";
inline constexpr std::string_view k_etcd_client_cert =
    "/etc/kubernetes/pki/apiserver-etcd-client.crt";
inline constexpr std::string_view k_etcd_client_key =
    "/etc/kubernetes/pki/apiserver-etcd-client.key";
/// `kubeadm join --ignore-preflight-errors=` value: acpctl places every node's kubelet.conf
/// and ca.crt before the join (files.hpp), which kubeadm's preflight would otherwise refuse;
/// the kubelet then uses acpctl's certificate and skips TLS bootstrap.
inline constexpr std::string_view k_join_ignore_preflight =
    "FileAvailable--etc-kubernetes-kubelet.conf,FileAvailable--etc-kubernetes-pki-ca.crt";
/// The kubeadm configuration file on a node (placeholders substituted only in a copy that
/// lives while kubeadm runs).
inline constexpr std::string_view k_kubeadm_config = "/etc/acp/kubernetes/kubeadm.yaml";
/// Secret names of the placeholders kubeadm configs carry.
inline constexpr std::string_view k_bootstrap_token = "bootstrap-token";

/// A Kubernetes release, written "v1.31.6" or "1.31.6" in spec.kubernetesVersion.
using KubeVersion = config::KubeVersion;

/// Parses spec.kubernetesVersion. Errc::invalid_input with a hint when it is no version.
Result<KubeVersion> parse_version(std::string_view text);

enum class KubeadmApi { v1beta3, v1beta4 };
/// "kubeadm.k8s.io/v1beta3" / "kubeadm.k8s.io/v1beta4"
std::string_view api_version(KubeadmApi api);
/// The kubeadm configuration API for `version`: v1beta4 from Kubernetes 1.31 on, v1beta3
/// for 1.22 to 1.30. Errc::invalid_input (with a hint) for text that is no version and for
/// releases before 1.22 or of another major version.
Result<KubeadmApi> kubeadm_api(std::string_view version);

/// What a node does in the bootstrap.
enum class NodeRole {
  init,          ///< the first control-plane node in file order: kubeadm init
  control_plane, ///< every other control-plane node: kubeadm join --control-plane
  worker,        ///< kubeadm join
};
/// `node`'s part; a node without the control-plane role is a worker.
NodeRole node_role(const config::Cluster& cluster, const config::Node& node);

/// "VIP:6443" or the external load balancer's "address:port" (IPv6 in brackets).
/// Errc::invalid_input when the cluster has neither.
Result<std::string> control_plane_endpoint(const config::Cluster& cluster);
/// "https://" + control_plane_endpoint: the server of kubeconfigs.
Result<std::string> api_server_url(const config::Cluster& cluster);
/// Where kubeadm pulls the control-plane images: "<spec.registry.address>/acp", the same
/// repository path the platform registry gives every image of the package (the package's
/// registry.alauda.cn/acp/hello:1.0.0 is <address>/acp/hello:1.0.0). Empty without
/// spec.registry (kubeadm's default, registry.k8s.io).
std::string image_repository(const config::Cluster& cluster);
/// apiServer.certSANs: the VIP or load balancer address and every control-plane node's
/// name and address, sorted, without duplicates.
std::vector<std::string> cert_sans(const config::Cluster& cluster);
/// "https://<address>:<client port>" of every etcd node, in file order.
std::vector<std::string> etcd_endpoints(const config::Cluster& cluster);

/// What the rendering needs besides the cluster and the node.
struct KubeadmOptions {
  std::string cgroup_driver = "systemd"; ///< "systemd" or "cgroupfs": the node's, from facts
  /// Joins: "sha256:<hex>" of the cluster CA's public key (pki::ca_cert_hash), so a joining
  /// node verifies the API server. Required for joins (no unsafeSkipCAVerification).
  std::string ca_cert_hash;
  /// The node's part when not node_role's: the first control-plane node joins when another
  /// one already runs the cluster (it was replaced or reset).
  std::optional<NodeRole> role{};
};

/// kubeadm's configuration for `node` as YAML documents separated by "---": init (Init,
/// Cluster, Kubelet configuration), control-plane join or worker join, in the API that the
/// version picks. Secrets are placeholders (see secret_placeholders). Errc::invalid_input
/// for a bad version, cgroup driver or endpoint, or a join without ca_cert_hash.
Result<std::string> render_kubeadm(const config::Cluster& cluster, const config::Node& node,
                                   const KubeadmOptions& options);

/// "{{ACP_SECRET:<name>}}"
std::string secret_placeholder(std::string_view name);
/// The names of the placeholders in `text`, sorted, without duplicates.
std::vector<std::string> secret_placeholders(std::string_view text);
/// `text` with every placeholder replaced by its value from `values`. The result is secret:
/// never log it. Errc::invalid_input naming (never showing) a missing secret, or one whose
/// value could break out of its YAML string (a quote, a backslash or a control character).
Result<std::string> substitute_secrets(std::string_view text,
                                       const std::map<std::string, std::string>& values);

/// What an admin kubeconfig holds. The key is a secret: the rendered text is too.
struct KubeconfigInput {
  std::string cluster_name;
  std::string server; ///< "https://VIP:6443"
  std::string ca_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string user = "acpctl-admin";
};
/// A kubeconfig (apiVersion v1, kind Config) with one cluster, user and context, which is
/// the current one; certificates and key embedded as *-data (base64). Errc::invalid_input
/// when a field is empty or the server is not an https URL.
Result<std::string> render_kubeconfig(const KubeconfigInput& input);

} // namespace acp::kubernetes
