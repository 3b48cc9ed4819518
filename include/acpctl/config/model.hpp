#pragma once
// The cluster model: what cluster.yaml describes, after parsing and defaults. Plain data; the
// parser fills it and records where in the file each value came from (Cluster::positions).

#include "acpctl/util/error.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acp::config {

inline constexpr std::string_view k_api_version = "acpctl.alauda.io/v1alpha1";
inline constexpr std::string_view k_kind = "Cluster";

enum class ClusterType { global, workload };
enum class IpFamily { ipv4, ipv6, dual };
enum class Role { control_plane, etcd, worker, ingress };
enum class HostKeyPolicy { strict, accept_new, off };

std::string_view to_string(ClusterType type);
std::string_view to_string(IpFamily family);
std::string_view to_string(Role role);
std::string_view to_string(HostKeyPolicy policy);

/// A secret is never written in cluster.yaml: it names an environment variable or a file.
struct SecretRef {
  std::string from_env;  ///< variable name
  std::string from_file; ///< path; the first line (without its newline) is the secret

  bool empty() const { return from_env.empty() && from_file.empty(); }
  /// Reads the secret. Fails naming the variable or file, never showing the value.
  Result<std::string> resolve() const;
  /// "env ACP_X" / "file /path" / "none": safe to print.
  std::string describe() const;
};

struct Bastion {
  std::string address;
  int port = 22;
  std::string user;
  std::string key_path;
  SecretRef password;
};

/// Defaults for every node's SSH connection, and how host keys are checked.
struct SshSettings {
  std::string user = "root";
  int port = 22;
  std::string key_path; ///< empty: ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa
  SecretRef key_passphrase;
  std::optional<Bastion> bastion;
  std::string known_hosts = "~/.ssh/known_hosts";
  HostKeyPolicy host_key_policy = HostKeyPolicy::strict;
  int connect_timeout_seconds = 10;
};

struct Sudo {
  bool enabled = false;
  SecretRef password; ///< empty: passwordless sudo
};

struct Node {
  std::string name;
  std::string address;
  int port = 0;         ///< 0 until defaults fill it from SshSettings
  std::string user;     ///< empty until defaults fill it
  std::string key_path; ///< empty: SshSettings::key_path
  SecretRef password;
  Sudo sudo;
  std::vector<Role> roles;
  std::map<std::string, std::string> labels;

  bool has_role(Role role) const;
};

struct Network {
  IpFamily ip_family = IpFamily::ipv4;
  std::string node_cidr;              ///< the nodes' subnet; optional
  std::vector<std::string> pod_cidrs; ///< one per family
  std::vector<std::string> service_cidrs;
};

/// Keepalived-managed VIP on the control-plane nodes.
struct SelfBuiltVip {
  std::string vip;
  int vrid = 0;
  std::string interface;   ///< empty: the interface that holds the node's address
  SecretRef auth_password; ///< VRRP authentication between peers; empty: derived per cluster
};

/// A load balancer the user runs (vip, vport in ACP's words).
struct ExternalLoadBalancer {
  std::string address;
  int port = 6443;
};

struct ControlPlaneEndpoint {
  std::optional<SelfBuiltVip> self_built_vip;
  std::optional<ExternalLoadBalancer> external_load_balancer;
};

struct Etcd {
  std::string data_dir = "/var/lib/etcd";
  int client_port = 2379;
  int peer_port = 2380;
};

/// The platform registry (spec.registry): where clients reach it and its credentials; on a
/// global cluster whose package carries the registry, acpctl runs a replica on every
/// control-plane node.
struct Registry {
  std::string address; ///< host:port clients use: the VIP or load balancer, e.g. VIP:11443
  std::string username;
  SecretRef password;
  int port = 11443; ///< each replica listens on it for pushes (htpasswd)
  /// Each replica's read-only listener: pulls only, by a client certificate from the cluster
  /// CA (every node has one), no password.
  int pull_port = 11444;
  std::string storage_dir = "/var/lib/acp/registry"; ///< each replica's blobs and manifests

  /// The host part of `address` ("[v6]" loses its brackets); empty when there is none.
  std::string host() const;
  /// Where nodes pull from: the host of `address` (as written, brackets kept) with pull_port,
  /// e.g. "192.168.10.100:11444".
  std::string pull_address() const;
};

struct S3Storage {
  std::string endpoint;
  std::string region = "us-east-1";
  std::string bucket;
  std::string dir;                ///< key prefix; empty: the bucket's top
  std::optional<bool> path_style; ///< unset: virtual-hosted on *.amazonaws.com, else path
  bool skip_tls_verify = false;
  std::string ca_file; ///< an extra CA bundle for the endpoint; relative to the config file
  SecretRef access_key;
  SecretRef secret_key;
};

struct EtcdBackup {
  std::string schedule = "0 2 * * *"; ///< cron, 5 fields
  std::string local_path = "/cpaas/backup/etcd";
  std::string ttl = "7d"; ///< how long local snapshots are kept
  std::optional<S3Storage> s3;
};

/// A CA the user supplies instead of the one acpctl generates (spec.pki). Both paths are
/// absolute once loaded (a relative path is taken from the config file's directory).
struct PkiSettings {
  std::string ca_cert_file;
  std::string ca_key_file; ///< read only when signing; never copied or sent to a node
};

struct Cluster {
  std::string name;
  ClusterType type = ClusterType::global;
  std::string kubernetes_version;
  Network network;
  ControlPlaneEndpoint endpoint;
  SshSettings ssh;
  std::vector<Node> nodes;
  Etcd etcd;
  std::optional<Registry> registry;
  std::optional<EtcdBackup> etcd_backup;
  std::optional<PkiSettings> pki; ///< absent: acpctl generates the cluster CA

  /// The file it was read from ("-" for stdin) and, per value path such as
  /// "spec.nodes[1].address", where that value stands in the file.
  std::string source;
  std::map<std::string, Location, std::less<>> positions;

  /// Where `path` is in the file; falls back to the closest recorded parent.
  Location where(std::string_view path) const;
  /// Nodes that have `role`, in file order.
  std::vector<const Node*> nodes_with(Role role) const;
  const Node* find_node(std::string_view node_name) const;
};

} // namespace acp::config
