#pragma once
// keepalived.conf and its health-check script for one control-plane node, rendered from the
// cluster config alone (pure: no I/O). The stage writes them to the node paths below.
//
// Choices, and why (fastest safe failover):
// - every node starts as BACKUP with `nopreempt`, priorities by config order (200, 190, ...):
//   the first node in the file wins a cold start, the highest remaining one takes over on a
//   failure, and a node that comes back never takes the VIP back (no second move);
// - advert_int 1 with down_timer_adverts 2: a crashed master is declared down after 2 missed
//   adverts plus a skew of (256 - priority) / 256 s, about 2.2 s, instead of the RFC's 3.2 s;
//   a clean stop or a failed check hands over at once (the master sends priority 0);
// - the check script puts the instance in FAULT (no weight): a node whose etcd is unhealthy
//   never holds the VIP, whatever the priorities.

#include "acpctl/config/model.hpp"
#include "acpctl/util/error.hpp"

#include <string>
#include <string_view>

namespace acp::keepalived {

inline constexpr std::string_view k_config_path = "/etc/acp/keepalived/keepalived.conf";
inline constexpr std::string_view k_check_path = "/etc/acp/keepalived/check.sh";
inline constexpr std::string_view k_binary =
    "/opt/acp/components/keepalived/current/sbin/keepalived";
inline constexpr std::string_view k_etcdctl = "/opt/acp/components/etcd/current/bin/etcdctl";
/// The platform registry's config on a node: its check joins once the file exists.
inline constexpr std::string_view k_registry_config = "/etc/acp/registry/config.yml";
/// Its pull listener's config: that port's check joins once the file exists.
inline constexpr std::string_view k_registry_pull_config = "/etc/acp/registry-pull/config.yml";
/// VRRPv2 PASS authentication carries 8 bytes; keepalived drops the rest (with a warning).
inline constexpr std::size_t k_auth_max = 8;

/// What one node's keepalived.conf is made of, resolved by the caller.
struct NodeConfigInput {
  const config::Cluster& cluster;
  const config::Node& node;
  std::string interface;     ///< see interface_for()
  std::string auth_password; ///< resolved secret (auth_password()); checked here
  std::string check_script = std::string(k_check_path); ///< tests point it at a scratch copy
  std::string salt{}; ///< digest_salt(); written as a comment when set
};

/// VRRP priority of a control-plane node: 200 for the first in file order, 10 less for each
/// next one, never below 10. 0 for a node without the control-plane role.
int priority_of(const config::Cluster& cluster, const config::Node& node);

/// The prefix length the VIP is added with: spec.network.nodeCIDR's, else a host route
/// (32 for IPv4).
int vip_prefix(const config::Cluster& cluster);

/// keepalived.conf for `in.node`. Fails with Errc::invalid_input if the cluster has no
/// selfBuiltVIP, the node is not a control-plane node, the VIP is not IPv4 (VRRPv3 has no
/// authentication) or the password is unusable (check_auth_password). The text holds the
/// password: never log it.
Result<std::string> render_config(const NodeConfigInput& in);

/// /etc/acp/keepalived/check.sh for `node`: runs each health check of the node in turn
/// (etcd's local member when the node has the etcd role) and exits 1 at the first failure.
std::string render_check_script(const config::Cluster& cluster, const config::Node& node);

/// Ok if keepalived can use `password` for PASS authentication as given: 1 to 8 characters
/// from letters, digits and "-_.+=@%:,/~^*". Errc::invalid_input (never quoting it) otherwise.
Status check_auth_password(std::string_view password);

} // namespace acp::keepalived
