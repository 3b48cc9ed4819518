#pragma once
// etcd as acpctl runs it on a node: where its files live, its config file, its service, how
// etcdctl is called (TLS with the node's health-check client certificate), and etcdctl's
// JSON output read back. Pure: nothing here talks to a node.

#include "acpctl/config/model.hpp"
#include "acpctl/service/spec.hpp"
#include "acpctl/util/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace acp::etcd {

/// Node paths (contracts-6).
inline constexpr const char* k_config_dir = "/etc/acp/etcd";
inline constexpr const char* k_config_file = "/etc/acp/etcd/etcd.conf.yml";
/// The local client URL ("https://127.0.0.1:2379"); the facts script reads it from here.
inline constexpr const char* k_endpoint_file = "/etc/acp/etcd/endpoint";
inline constexpr const char* k_etcd = "/opt/acp/components/etcd/current/bin/etcd";
inline constexpr const char* k_etcdctl = "/opt/acp/components/etcd/current/bin/etcdctl";
inline constexpr const char* k_ca_cert = "/etc/acp/pki/ca.crt";
inline constexpr const char* k_pki_dir = "/etc/acp/pki/etcd";
inline constexpr const char* k_client_cert = "/etc/acp/pki/etcd/healthcheck-client.crt";
inline constexpr const char* k_client_key = "/etc/acp/pki/etcd/healthcheck-client.key";
/// The service's name (unit "acp-etcd") and the record's name in state.json.
inline constexpr const char* k_service = "etcd";

/// "https://<address>:<peerPort>", "https://<address>:<clientPort>" (IPv6 in brackets).
std::string peer_url(const config::Cluster& cluster, const config::Node& node);
std::string client_url(const config::Cluster& cluster, const config::Node& node);
/// "https://127.0.0.1:<clientPort>".
std::string local_client_url(const config::Cluster& cluster);
/// listen-client-urls: client_url and local_client_url; on a control-plane node of a
/// cluster with a self-built VIP, "https://0.0.0.0:<clientPort>" ("[::]" for an IPv6 VIP) so
/// etcd answers on the VIP wherever it lands.
std::string listen_client_urls(const config::Cluster& cluster, const config::Node& node);

/// The part of the config file that stays the same while the node is a member: name, data
/// dir, URLs, TLS with client-certificate auth on both sides, zap logging. Its digest decides
/// whether the member restarts.
std::string render_config(const config::Cluster& cluster, const config::Node& node);
/// What a member needs only the first time it starts, appended to render_config's text:
/// initial-cluster ("n1=https://...,n2=..."), its state (new or existing) and the token.
std::string bootstrap_config(const std::string& initial_cluster, bool existing,
                             const std::string& token);
/// The cluster token of a new cluster: "acp-<metadata.name>".
std::string cluster_token(const config::Cluster& cluster);

/// The service: etcd with the config file, restarted always; healthy when `etcdctl endpoint
/// health` against the local endpoint passes with the health-check client certificate.
service::ServiceSpec service_spec(const config::Cluster& cluster);

/// etcdctl's argv with TLS (CA, health-check client cert), JSON output, short timeouts, the
/// given endpoints and then `args`.
std::vector<std::string> etcdctl(const std::vector<std::string>& endpoints,
                                 const std::vector<std::string>& args);

/// One member as `etcdctl member list -w json` shows it. A member that was added but has
/// not started yet has no name and no client URLs; one named in a new cluster's
/// initial-cluster that has not started yet has its name but no client URLs.
struct Member {
  std::uint64_t id = 0;
  std::string name;
  std::vector<std::string> peer_urls;
  std::vector<std::string> client_urls;
  bool started() const { return !name.empty() && !client_urls.empty(); }
  /// Part of a new cluster's initial-cluster, never started: it must start with that
  /// bootstrap config (initial-cluster-state new), not join.
  bool bootstrap_pending() const { return !name.empty() && client_urls.empty(); }
  bool operator==(const Member&) const = default;
};

/// The hex ID etcdctl's member remove/update take.
std::string hex_id(std::uint64_t id);

/// The members in `member list -w json` or `member add -w json` output (etcdctl's log
/// lines around the JSON are skipped). Fails with Errc::remote quoting etcdctl's error.
Result<std::vector<Member>> parse_member_list(std::string_view output);

/// One endpoint as `etcdctl endpoint status -w json` shows it.
struct EndpointStatus {
  std::uint64_t member_id = 0;
  std::uint64_t cluster_id = 0;
  std::uint64_t leader = 0; ///< 0: the member knows no leader (no quorum)
  std::uint64_t raft_term = 0;
  std::uint64_t revision = 0; ///< the store's revision (header.revision)
  std::string version;
  std::vector<std::string> errors; ///< "etcdserver: no leader"
};
Result<EndpointStatus> parse_endpoint_status(std::string_view output);
/// `etcdctl endpoint health -w json`: ok when healthy, else the error it reports.
Status parse_endpoint_health(std::string_view output);

} // namespace acp::etcd
