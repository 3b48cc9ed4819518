// spec.network and spec.controlPlaneEndpoint: what the addresses and blocks mean, and how
// they sit against each other.

#include "acpctl/util/strings.hpp"
#include "validate.hpp"

#include <fmt/format.h>

namespace acp::config::detail {

using util::Cidr;
using util::IpAddress;

namespace {

// Parses the CIDRs of one kind and checks they match the IP family.
std::vector<Cidr> check_cidrs(Checker& ck, const std::vector<std::string>& texts,
                              const std::string& path, std::string_view what) {
  const auto family = ck.cluster().network.ip_family;
  std::vector<Cidr> out;
  int v4 = 0;
  int v6 = 0;
  for (const auto& text : texts) {
    auto cidr = Cidr::parse(text);
    if (!cidr) {
      ck.fail(path, fmt::format("{} {} is not a CIDR", what, util::quoted(text)),
              "write an address block such as 10.3.0.0/16");
      continue;
    }
    if (cidr->has_host_bits())
      ck.fail(path, fmt::format("{} {} has host bits set", what, text),
              fmt::format("did you mean {}?", cidr->canonical().to_string()));
    (cidr->network.v6 ? v6 : v4)++;
    out.push_back(*cidr);
  }
  if (out.size() != texts.size())
    return out;
  const bool ok = family == IpFamily::ipv4   ? (v4 == 1 && v6 == 0)
                  : family == IpFamily::ipv6 ? (v4 == 0 && v6 == 1)
                                             : (v4 == 1 && v6 == 1);
  if (!ok)
    ck.fail(path, fmt::format("{} does not match ipFamily {}", what, to_string(family)),
            family == IpFamily::dual ? "give one IPv4 and one IPv6 block, comma-separated"
                                     : fmt::format("give one {} block", to_string(family)));
  return out;
}

} // namespace

Networks check_network(Checker& ck) {
  const auto& net = ck.cluster().network;
  Networks n;
  n.pod = check_cidrs(ck, net.pod_cidrs, "spec.network.podCIDR", "podCIDR");
  n.service = check_cidrs(ck, net.service_cidrs, "spec.network.serviceCIDR", "serviceCIDR");
  if (!net.node_cidr.empty()) {
    n.node = Cidr::parse(net.node_cidr);
    if (!n.node)
      ck.fail("spec.network.nodeCIDR",
              fmt::format("nodeCIDR {} is not a CIDR", util::quoted(net.node_cidr)),
              "write the nodes' subnet, e.g. 192.168.10.0/24");
  }
  for (const auto& p : n.pod)
    for (const auto& s : n.service)
      if (p.overlaps(s))
        ck.fail("spec.network.serviceCIDR",
                fmt::format("serviceCIDR {} overlaps podCIDR {}", s.to_string(), p.to_string()),
                "pods and services need separate address blocks");
  if (n.node) {
    for (const auto& p : n.pod)
      if (p.overlaps(*n.node))
        ck.fail("spec.network.podCIDR",
                fmt::format("podCIDR {} overlaps nodeCIDR {}", p.to_string(), net.node_cidr),
                "pick a pod block outside the nodes' subnet");
    for (const auto& s : n.service)
      if (s.overlaps(*n.node))
        ck.fail("spec.network.serviceCIDR",
                fmt::format("serviceCIDR {} overlaps nodeCIDR {}", s.to_string(), net.node_cidr),
                "pick a service block outside the nodes' subnet");
  }
  return n;
}

void check_endpoint(Checker& ck, const Networks& nets) {
  const auto& c = ck.cluster();
  if (const auto& v = c.endpoint.self_built_vip) {
    const std::string path = "spec.controlPlaneEndpoint.selfBuiltVIP";
    if (v->vip.empty())
      return;
    const auto vip = IpAddress::parse(v->vip);
    if (!vip) {
      ck.fail(path + ".vip", fmt::format("vip {} is not an IP address", util::quoted(v->vip)),
              "pick a free address in the control-plane nodes' subnet");
      return;
    }
    for (std::size_t i = 0; i < c.nodes.size(); ++i) {
      const auto ip = IpAddress::parse(c.nodes[i].address);
      if (ip && *ip == *vip)
        ck.fail(
            path + ".vip",
            fmt::format("vip {} is the address of node {}", v->vip, util::quoted(c.nodes[i].name)),
            "the VIP must be a free address that no node holds");
    }
    // Keepalived moves the VIP between control-plane nodes on one L2 segment.
    if (nets.node) {
      if (!nets.node->contains(*vip))
        ck.fail(path + ".vip",
                fmt::format("vip {} is outside the nodes' subnet {}", v->vip, c.network.node_cidr),
                "pick a free address inside spec.network.nodeCIDR");
    } else {
      for (const auto* node : c.nodes_with(Role::control_plane)) {
        const auto ip = IpAddress::parse(node->address);
        if (!ip)
          continue;
        const Cidr subnet = Cidr{*ip, ip->v6 ? 64 : 24}.canonical();
        if (!subnet.contains(*vip)) {
          ck.fail(path + ".vip",
                  fmt::format("vip {} is not in the subnet of control-plane node {} ({})", v->vip,
                              util::quoted(node->name), subnet.to_string()),
                  "pick a free address in the nodes' subnet, or set spec.network.nodeCIDR if "
                  "the subnet is larger than /24");
          break;
        }
      }
    }
    static const std::regex k_ifname("[A-Za-z0-9_.:-]{1,15}");
    if (!v->interface.empty() && !short_match(v->interface, k_ifname, 15))
      ck.fail(
          path + ".interface",
          fmt::format("interface {} is not a network interface name", util::quoted(v->interface)),
          "at most 15 letters, digits, '.', '_', ':' or '-', e.g. eth0");
  }
  if (const auto& lb = c.endpoint.external_load_balancer) {
    if (!lb->address.empty() && !IpAddress::parse(lb->address) && !is_hostname(lb->address))
      ck.fail(
          "spec.controlPlaneEndpoint.externalLoadBalancer.address",
          fmt::format("{} is neither an IP address nor a host name", util::quoted(lb->address)));
  }
}

} // namespace acp::config::detail
