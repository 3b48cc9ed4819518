#pragma once
// The cluster's PKI: a CA (generated, or one the user supplies in spec.pki), etcd server and
// peer certificates per etcd node, an etcd health-check client certificate and acpctl's own
// admin client certificate; with spec.kubernetesVersion also every certificate kubeadm's
// external-CA mode needs (see docs/kubernetes.md), a front-proxy CA and the service-account
// key. Kept in acpctl's cluster directory; the nodes get copies of what they need
// (node_files). Valid certificates are never re-issued, so a re-apply changes nothing. No CA
// key ever leaves the cluster directory.

#include "acpctl/config/model.hpp"
#include "acpctl/util/error.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acp::pki {

using Clock = std::chrono::system_clock;

/// acpctl's local directory for one cluster: $ACPCTL_HOME/clusters/<metadata.name>
/// (ACPCTL_HOME defaults to ~/.acpctl). Lab tests set ACPCTL_HOME to a scratch dir.
std::filesystem::path cluster_dir(const config::Cluster& cluster);
/// cluster_dir/trusted-keys: the package keys this cluster trusts (package/trust.hpp).
std::filesystem::path trusted_keys_dir(const config::Cluster& cluster);

/// One file a node needs: absolute node path, content, mode. Keys are secrets: never log them.
struct NodeFile {
  std::string path;
  std::string content;
  unsigned mode = 0644;
};

/// A certificate and its private key, PEM encoded. The key is a secret: never log it.
struct KeyPair {
  std::string cert;
  std::string key;
};

/// The service-account token signing key pair (PEM). The key is a secret: never log it.
struct ServiceAccountKey {
  std::string key; ///< PKCS#8 private key (sa.key)
  std::string pub; ///< SubjectPublicKeyInfo (sa.pub)
};

/// A node's Kubernetes certificates, by kubeadm's file base name (a worker has only kubelet).
enum class KubeCert {
  apiserver,                ///< apiserver.crt: kube-apiserver's serving certificate
  apiserver_kubelet_client, ///< apiserver-kubelet-client.crt: API server -> kubelets
  apiserver_etcd_client,    ///< apiserver-etcd-client.crt: API server -> etcd (cluster CA)
  front_proxy_client,       ///< front-proxy-client.crt, signed by the front-proxy CA
  admin,                    ///< admin.conf's user
  controller_manager,       ///< controller-manager.conf's user
  scheduler,                ///< scheduler.conf's user
  kubelet,                  ///< kubelet.conf's user: system:node:<name>
};
/// "apiserver", "apiserver-kubelet-client", ..., "kubelet"
std::string_view to_string(KubeCert cert);

/// The cluster's PKI as loaded into memory: the CA certificate, and per etcd node its server
/// and peer certificates, the health-check client certificate, the admin client certificate.
class ClusterPki {
public:
  /// The CA certificate (PEM). The CA key is never held here.
  const std::string& ca_cert() const { return m_ca_cert; }
  /// The etcd server / peer pair of `node`; nullptr for a node without the etcd role.
  const KeyPair* etcd_server(const std::string& node) const;
  const KeyPair* etcd_peer(const std::string& node) const;
  /// The platform registry's server pair of `node`; nullptr for a node without one (not a
  /// control-plane node, or no spec.registry).
  const KeyPair* registry_server(const std::string& node) const;
  /// `node`'s client certificate for pulls from the registry's pull port (CN
  /// acp-node:<node>, clientAuth only, no SANs); nullptr without spec.registry. Containerd
  /// places it on the node (its hosts directory names it), not node_files: every node needs
  /// it, etcd nodes or not, and a renewal must not restart etcd.
  const KeyPair* registry_client(const std::string& node) const;
  /// The etcd client certificate every etcd node uses for health checks.
  const KeyPair& healthcheck_client() const { return m_healthcheck; }
  /// acpctl's own client certificate (CN acpctl-admin, O system:masters); stays local.
  const KeyPair& admin() const { return m_admin; }

  /// `node`'s Kubernetes certificate `cert`; nullptr without Kubernetes. Every node has a
  /// KubeCert::kubelet (nothing in the cluster signs kubelet CSRs, see docs/kubernetes.md);
  /// the others are for control-plane nodes only (nullptr elsewhere).
  const KeyPair* kubernetes(const std::string& node, KubeCert cert) const;
  /// super-admin.conf's user (CN kubernetes-super-admin, O system:masters; 1.29 and newer,
  /// for the init node only); nullptr otherwise.
  const KeyPair* super_admin() const;
  /// The front-proxy CA certificate (PEM); empty without Kubernetes. Its key stays local.
  const std::string& front_proxy_ca() const { return m_front_proxy_ca; }
  /// The service-account key pair; nullptr without Kubernetes.
  const ServiceAccountKey* service_account() const { return m_sa ? &*m_sa : nullptr; }

private:
  friend struct Builder;
  std::string m_ca_cert;
  std::map<std::string, KeyPair, std::less<>> m_server;
  std::map<std::string, KeyPair, std::less<>> m_peer;
  std::map<std::string, KeyPair, std::less<>> m_registry;
  std::map<std::string, KeyPair, std::less<>> m_registry_client;
  std::map<std::string, KeyPair, std::less<>> m_kubernetes; ///< by local name
  std::string m_front_proxy_ca;
  std::optional<ServiceAccountKey> m_sa;
  KeyPair m_healthcheck;
  KeyPair m_admin;
};

/// Loads <dir>/pki, creating what is missing or no longer right for this config (new node,
/// changed address, SAN set changed, expires within 30 days, not signed by the CA). Valid
/// certificates are kept byte for byte, so a re-apply changes nothing. Writes atomically (keys
/// 0600, directories 0700). A file that cannot be read as a certificate or key fails with
/// Errc::invalid_input naming it (acpctl never overwrites what it cannot read); the CA is never
/// replaced on its own.
Result<ClusterPki> ensure(const config::Cluster& cluster, const std::filesystem::path& dir);
/// Same, read-only: fails (Errc::invalid_input, naming the file) if something is missing,
/// unreadable, not signed by the CA or made for another config. Expiring soon is not a failure.
Result<ClusterPki> load(const config::Cluster& cluster, const std::filesystem::path& dir);

/// The first line of `cluster_dir`/`name`; created (mode 0600) with `length` random letters
/// and digits (rejection-sampled from OpenSSL's RAND_bytes) when the file does not exist
/// yet, so every apply of the cluster uses the same value. `what` names it in errors. The
/// caller registers a secret with log::add_secret.
Result<std::string> kept_random(const std::filesystem::path& cluster_dir, const char* name,
                                std::size_t length, const char* what);

/// Node paths (contracts-6): the CA certificate and the etcd certificates on every etcd node.
inline constexpr const char* k_node_ca_cert = "/etc/acp/pki/ca.crt";
inline constexpr const char* k_node_etcd_dir = "/etc/acp/pki/etcd";

/// The files `node` needs at the node paths above (empty for a node without the etcd role):
/// ca.crt, etcd/server.*, etcd/peer.*, etcd/healthcheck-client.*; keys 0600, certs 0644.
/// Kubernetes' files are not among them: the kubernetes component places them with its own
/// stage and record (kubernetes::node_files), so a cluster whose package carries no
/// Kubernetes never gets /etc/kubernetes.
std::vector<NodeFile> node_files(const ClusterPki& pki, const config::Node& node);
/// sha256 (hex) over node_files(pki, node): changes exactly when a file the node needs does.
std::string node_digest(const ClusterPki& pki, const config::Node& node);

/// Local paths of the CA certificate and the admin client certificate/key, for acpctl's own
/// TLS connections to etcd (status, health gates run from the machine).
struct ClientFiles {
  std::filesystem::path ca, cert, key;
};
ClientFiles admin_client(const std::filesystem::path& dir);

/// "sha256:<hex>" of the DER SubjectPublicKeyInfo of the CA certificate `ca_pem`: the pin
/// kubeadm join checks (discovery.bootstrapToken.caCertHashes). Errc::invalid_input when
/// `ca_pem` is no PEM certificate.
Result<std::string> ca_cert_hash(std::string_view ca_pem);

/// The state of one certificate, as `acpctl certs check` reports it.
enum class CertStatus {
  ok,       ///< valid for this config, more than `within` days left
  expiring, ///< valid, but expires within `within` days
  expired,  ///< past its not-after date
  missing,  ///< not in the cluster directory yet (acpctl apply creates it)
  invalid,  ///< unreadable, not signed by the CA, or made for another config (see problem)
};
std::string_view to_string(CertStatus status);

/// One certificate of the cluster.
struct CertEntry {
  std::string name;                           ///< "ca", "etcd/cp-1-server", "admin", ...
  std::filesystem::path file;                 ///< the local .crt
  std::string node;                           ///< the node it is for; empty if cluster-wide
  std::string subject_cn;                     ///< empty when missing or unreadable
  std::vector<std::string> sans;              ///< "DNS:cp-1", "IP:10.0.0.1", sorted
  std::optional<Clock::time_point> not_after; ///< absent when missing or unreadable
  long days_left = 0;                         ///< whole days from now to not_after
  CertStatus status = CertStatus::missing;
  std::string problem; ///< why it is invalid; empty otherwise
};

/// Every certificate this config needs (CA first, the front-proxy CA with Kubernetes, then
/// the leaves in ensure's order), read from <dir>/pki without changing anything. `within_days`
/// decides expiring. Never fails: what cannot be read is reported as invalid.
std::vector<CertEntry> check(const config::Cluster& cluster, const std::filesystem::path& dir,
                             int within_days = 30);

struct RenewOptions {
  int within_days = 30; ///< renew leaves that expire within this many days
  bool all = false;     ///< renew every leaf certificate
  bool dry_run = false; ///< only say what would be renewed
};

/// One certificate renew re-issued (or would, with dry_run), and why.
struct Renewed {
  std::string name;
  std::string reason; ///< "expires in 12 days", "renewal of every certificate", "missing", ...
  std::optional<Clock::time_point> old_not_after;
  std::optional<Clock::time_point> new_not_after; ///< absent with dry_run
};

/// Re-issues (same subject and SANs, new key, one more year) every leaf certificate that
/// expires within options.within_days, or all of them; also creates what ensure would. The CA
/// is not renewed. Fails as ensure does.
Result<std::vector<Renewed>> renew(const config::Cluster& cluster, const std::filesystem::path& dir,
                                   const RenewOptions& options);

} // namespace acp::pki
