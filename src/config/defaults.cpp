// Stage 2 of loading: defaults for what the file leaves out.

#include "parse.hpp"

#include <string>

namespace acp::config::detail {

void apply_defaults(Cluster& cluster) {
  for (std::size_t i = 0; i < cluster.nodes.size(); ++i) {
    auto& node = cluster.nodes[i];
    if (node.port == 0)
      node.port = cluster.ssh.port;
    if (node.user.empty())
      node.user = cluster.ssh.user;
    if (node.key_path.empty())
      node.key_path = cluster.ssh.key_path;
    // A non-root user needs sudo for everything acpctl does, unless the file says otherwise.
    const bool sudo_written =
        cluster.positions.contains("spec.nodes[" + std::to_string(i) + "].sudo");
    if (node.user != "root" && !sudo_written)
      node.sudo.enabled = true;
  }
  auto& net = cluster.network;
  const bool v4 = net.ip_family != IpFamily::ipv6;
  const bool v6 = net.ip_family != IpFamily::ipv4;
  if (net.pod_cidrs.empty()) {
    if (v4)
      net.pod_cidrs.emplace_back("10.3.0.0/16");
    if (v6)
      net.pod_cidrs.emplace_back("fd00:10:3::/56");
  }
  if (net.service_cidrs.empty()) {
    if (v4)
      net.service_cidrs.emplace_back("10.4.0.0/16");
    if (v6)
      net.service_cidrs.emplace_back("fd00:10:4::/112");
  }
}

} // namespace acp::config::detail
