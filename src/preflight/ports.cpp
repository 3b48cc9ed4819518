#include "acpctl/preflight/check.hpp"

#include <algorithm>

namespace acp::preflight {

std::vector<int> required_ports(const config::Cluster&, const config::Node& node,
                                std::span<const PortClaim> claims) {
  using config::Role;
  std::vector<int> ports;
  // Kubernetes' ports, kept free until its component registers them: the API server on
  // control-plane nodes, kubelet (10250), kube-proxy (10249, 10256) and the rest of the
  // range on every node.
  if (node.has_role(Role::control_plane))
    ports.push_back(6443);
  for (int p = 10249; p <= 10256; ++p)
    ports.push_back(p);
  for (const auto& c : claims) {
    if (c.between_peers)
      continue; // the same ports are claimed for the node itself by another claim
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
