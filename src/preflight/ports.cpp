#include "acpctl/preflight/check.hpp"

#include <algorithm>

namespace acp::preflight {

std::vector<int> required_ports(const config::Cluster& cluster, const config::Node& node,
                                std::span<const PortClaim> claims) {
  using config::Role;
  std::vector<int> ports;
  const bool control = node.has_role(Role::control_plane) || node.has_role(Role::etcd);
  if (control) {
    ports.push_back(cluster.etcd.client_port);
    ports.push_back(cluster.etcd.peer_port);
    ports.push_back(6443);
  }
  // kubelet (10250), kube-proxy (10249, 10256) and the rest of the range run on every node.
  for (int p = 10249; p <= 10256; ++p)
    ports.push_back(p);
  for (const auto& c : claims) {
    const bool wanted = c.roles.empty() || std::any_of(c.roles.begin(), c.roles.end(),
                                                       [&](Role r) { return node.has_role(r); });
    if (wanted)
      ports.insert(ports.end(), c.ports.begin(), c.ports.end());
  }
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

} // namespace acp::preflight
