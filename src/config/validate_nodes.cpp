// spec.nodes: each node's name, address and labels, and the roles across nodes.

#include "acpctl/util/strings.hpp"
#include "validate.hpp"

#include <fmt/format.h>
#include <map>

namespace acp::config::detail {

using util::IpAddress;

namespace {

std::string node_path(std::size_t i) {
  return fmt::format("spec.nodes[{}]", i);
}

void check_labels(Checker& ck, const Node& node, const std::string& path) {
  static const std::regex k_key(
      "([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  static const std::regex k_value("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
  for (const auto& [key, value] : node.labels) {
    const auto p = path + ".labels." + key;
    if (!short_match(key, k_key, 317))
      ck.fail(p + "#key",
              fmt::format("label key {} is not a valid Kubernetes label key", util::quoted(key)),
              "use [prefix/]name with letters, digits, '-', '_' and '.'");
    if (!short_match(value, k_value, 63))
      ck.fail(
          p,
          fmt::format("label value {} is not a valid Kubernetes label value", util::quoted(value)),
          "at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric");
  }
}

} // namespace

void check_nodes(Checker& ck, const Networks& nets) {
  const auto& c = ck.cluster();
  std::map<std::string, std::size_t> names;
  std::map<std::string, std::size_t> addresses;
  for (std::size_t i = 0; i < c.nodes.size(); ++i) {
    const auto& node = c.nodes[i];
    const auto path = node_path(i);
    if (!node.name.empty()) {
      if (!is_dns_label(node.name))
        ck.fail(path + ".name",
                fmt::format("node name {} is not a DNS label", util::quoted(node.name)),
                "use lower-case letters, digits and '-', e.g. cp-1");
      if (auto [it, fresh] = names.emplace(node.name, i); !fresh)
        ck.fail(path + ".name",
                fmt::format("node name {} is already used by spec.nodes[{}] (line {})",
                            util::quoted(node.name), it->second,
                            c.where(node_path(it->second) + ".name").line),
                "give every node its own name");
    }
    if (node.address.empty())
      continue;
    const auto ip = IpAddress::parse(node.address);
    if (!ip) {
      ck.fail(path + ".address",
              fmt::format("node address {} is not an IP address", util::quoted(node.address)),
              "write the node's IPv4 or IPv6 address, e.g. 192.168.10.11");
      continue;
    }
    if (auto [it, fresh] = addresses.emplace(ip->to_string(), i); !fresh)
      ck.fail(path + ".address",
              fmt::format("address {} is already used by node {}", node.address,
                          util::quoted(c.nodes[it->second].name)),
              "every node needs its own address");
    if (nets.node && !nets.node->contains(*ip))
      ck.fail(path + ".address",
              fmt::format("address {} is outside nodeCIDR {}", node.address, c.network.node_cidr),
              "fix the address or spec.network.nodeCIDR");
    for (const auto* blocks : {&nets.pod, &nets.service})
      for (const auto& block : *blocks)
        if (block.contains(*ip))
          ck.fail(path + ".address",
                  fmt::format("address {} is inside the {} {}", node.address,
                              blocks == &nets.pod ? "podCIDR" : "serviceCIDR", block.to_string()),
                  "node, pod and service networks must not overlap");
    check_labels(ck, node, path);
  }
}

void check_roles(Checker& ck) {
  const auto& c = ck.cluster();
  if (c.nodes.empty())
    return;
  if (c.nodes_with(Role::control_plane).empty())
    ck.fail("spec.nodes", "no node has the control-plane role",
            "give 1, 3 or 5 nodes roles: [control-plane, etcd]");
  const auto etcd = c.nodes_with(Role::etcd).size();
  if (etcd != 1 && etcd != 3 && etcd != 5) {
    std::string why = etcd == 0 ? "the cluster has no etcd member"
                      : etcd % 2 == 0
                          ? fmt::format("{} members tolerate no more failures than {} and add one "
                                        "more node that can fail",
                                        etcd, etcd - 1)
                          : "more than 5 members slow every write for little gain";
    ck.fail("spec.nodes", fmt::format("{} nodes have the etcd role; it must be 1, 3 or 5", etcd),
            why + "; 3 members tolerate 1 failure, 5 tolerate 2");
  }
}

} // namespace acp::config::detail
