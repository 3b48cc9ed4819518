// keepalived.conf for one control-plane node. The choices are explained in render.hpp.

#include "acpctl/components/keepalived/render.hpp"
#include "acpctl/util/ipaddr.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace acp::keepalived {

namespace {

using config::Role;
using util::Cidr;
using util::IpAddress;

constexpr std::string_view k_path = "spec.controlPlaneEndpoint.selfBuiltVIP";

Error invalid(const config::Cluster& cluster, std::string_view path, std::string message) {
  return Error(Errc::invalid_input, std::move(message)).at(cluster.where(path));
}

} // namespace

int priority_of(const config::Cluster& cluster, const config::Node& node) {
  const auto cps = cluster.nodes_with(Role::control_plane);
  const auto it = std::find(cps.begin(), cps.end(), &node);
  if (it == cps.end())
    return 0;
  return std::max(10, 200 - 10 * static_cast<int>(it - cps.begin()));
}

int vip_prefix(const config::Cluster& cluster) {
  if (const auto cidr = Cidr::parse(cluster.network.node_cidr))
    return cidr->prefix;
  const auto vip = cluster.endpoint.self_built_vip
                       ? IpAddress::parse(cluster.endpoint.self_built_vip->vip)
                       : std::nullopt;
  return vip && vip->v6 ? 128 : 32;
}

namespace {

// What the config needs and keepalived accepts: a selfBuiltVIP, a control-plane node, an
// IPv4 VIP, a VRID in range, a password it can carry, an interface.
Status check_input(const NodeConfigInput& in) {
  const auto& cluster = in.cluster;
  if (!cluster.endpoint.self_built_vip)
    return invalid(cluster, "spec.controlPlaneEndpoint", "the cluster has no selfBuiltVIP")
        .with_hint("keepalived only runs for a selfBuiltVIP");
  const auto& vip = *cluster.endpoint.self_built_vip;
  if (priority_of(cluster, in.node) == 0)
    return Error(Errc::invalid_input, "keepalived runs only on control-plane nodes")
        .with_host(in.node.name);
  const auto vip_ip = IpAddress::parse(vip.vip);
  if (!vip_ip || vip_ip->v6)
    return invalid(cluster, std::string(k_path) + ".vip",
                   fmt::format("vip \"{}\" is not an IPv4 address", vip.vip))
        .with_hint("keepalived's VRRPv2 with authentication carries IPv4 only (VRRPv3, which "
                   "IPv6 needs, has no authentication); pick an IPv4 VIP");
  if (vip.vrid < 1 || vip.vrid > 255)
    return invalid(cluster, std::string(k_path) + ".vrid",
                   fmt::format("vrid {} is outside 1-255", vip.vrid));
  if (auto ok = check_auth_password(in.auth_password); !ok)
    return ok;
  if (in.interface.empty())
    return Error(Errc::invalid_input, "no interface for the VIP").with_host(in.node.name);
  return {};
}

// The other control-plane nodes' addresses: the unicast peers (IPv4, as the VIP).
Result<std::vector<std::string>> peers_of(const config::Cluster& cluster,
                                          const config::Node& node) {
  std::vector<std::string> peers;
  for (const auto* other : cluster.nodes_with(Role::control_plane)) {
    const auto ip = IpAddress::parse(other->address);
    if (!ip || ip->v6)
      return Error(Errc::invalid_input,
                   fmt::format("address \"{}\" is not IPv4; VRRP peers of an IPv4 VIP must be",
                               other->address))
          .with_host(other->name);
    if (other != &node)
      peers.push_back(other->address);
  }
  return peers;
}

std::string global_and_script(const NodeConfigInput& in) {
  return fmt::format(
      "# Written by acpctl for node {node} of cluster {cluster}; acpctl apply rewrites it.\n"
      "{salt}"
      "global_defs {{\n"
      "  router_id {node}\n"
      "  script_user root\n"
      "  enable_script_security\n"
      "}}\n"
      "\n"
      "# FAULT (no weight) when a check fails: an unhealthy node never holds the VIP.\n"
      "vrrp_script acp_health {{\n"
      "  script \"{check}\"\n"
      "  interval 1\n"
      "  timeout 2\n"
      "  fall 2\n"
      "  rise 2\n"
      "}}\n"
      "\n",
      fmt::arg("node", in.node.name), fmt::arg("cluster", in.cluster.name),
      fmt::arg("salt", in.salt.empty()
                           ? std::string()
                           : fmt::format("# salt {} (keeps this file's sha256, "
                                         "which plans show, from revealing auth_pass)\n",
                                         in.salt)),
      fmt::arg("check", in.check_script));
}

std::string instance(const NodeConfigInput& in, const std::vector<std::string>& peers) {
  const auto& vip = *in.cluster.endpoint.self_built_vip;
  std::string out = fmt::format("vrrp_instance acp_vip {{\n"
                                "  state BACKUP\n"
                                "  nopreempt\n"
                                "  interface {iface}\n"
                                "  virtual_router_id {vrid}\n"
                                "  priority {priority}\n"
                                "  advert_int 1\n"
                                "  down_timer_adverts 2\n",
                                fmt::arg("iface", in.interface), fmt::arg("vrid", vip.vrid),
                                fmt::arg("priority", priority_of(in.cluster, in.node)));
  // A lone node has no peer to send to; keepalived then wants no unicast keyword at all.
  if (!peers.empty()) {
    out += fmt::format("  unicast_src_ip {}\n  unicast_peer {{\n", in.node.address);
    for (const auto& peer : peers)
      out += fmt::format("    {}\n", peer);
    out += "  }\n";
  }
  return out + fmt::format("  authentication {{\n"
                           "    auth_type PASS\n"
                           "    auth_pass {pass}\n"
                           "  }}\n"
                           "  virtual_ipaddress {{\n"
                           "    {vip}/{prefix} dev {iface}\n"
                           "  }}\n"
                           "  track_script {{\n"
                           "    acp_health\n"
                           "  }}\n"
                           "}}\n",
                           fmt::arg("pass", in.auth_password), fmt::arg("vip", vip.vip),
                           fmt::arg("prefix", vip_prefix(in.cluster)),
                           fmt::arg("iface", in.interface));
}

} // namespace

Result<std::string> render_config(const NodeConfigInput& in) {
  if (auto ok = check_input(in); !ok)
    return std::move(ok).error();
  auto peers = peers_of(in.cluster, in.node);
  if (!peers)
    return std::move(peers).error();
  return global_and_script(in) + instance(in, *peers);
}

Status check_auth_password(std::string_view password) {
  const std::string_view hint_chars = "-_.+=@%:,/~^*";
  if (password.empty())
    return Error(Errc::invalid_input, "the VRRP authPassword is empty")
        .with_hint("give 1 to 8 characters, or leave authPassword out and acpctl keeps one");
  if (password.size() > k_auth_max)
    return Error(Errc::invalid_input,
                 fmt::format("the VRRP authPassword has {} characters; keepalived's PASS "
                             "authentication uses only the first {}",
                             password.size(), k_auth_max))
        .with_hint("give at most 8 characters (VRRP sends them in clear text: the password "
                   "guards against a misconfigured neighbour, not an attacker)");
  for (const char c : password)
    if (!std::isalnum(static_cast<unsigned char>(c)) && hint_chars.find(c) == std::string::npos)
      return Error(Errc::invalid_input,
                   "the VRRP authPassword has a character keepalived.conf cannot carry as is")
          .with_hint(fmt::format("use letters, digits and {}", hint_chars));
  return {};
}

} // namespace acp::keepalived
