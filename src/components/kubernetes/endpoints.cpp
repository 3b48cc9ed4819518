// The cluster-wide values kubeadm's configuration takes from the model: where the API is
// reached, where images come from, the API server's names, the external etcd.

#include "acpctl/components/etcd/etcd.hpp"
#include "acpctl/components/kubernetes/render.hpp"
#include "acpctl/util/ipaddr.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::kubernetes {

using util::host_port;

Result<std::string> control_plane_endpoint(const config::Cluster& cluster) {
  if (const auto& vip = cluster.endpoint.self_built_vip; vip && !vip->vip.empty())
    return host_port(vip->vip, k_api_port);
  if (const auto& lb = cluster.endpoint.external_load_balancer; lb && !lb->address.empty())
    return host_port(lb->address, lb->port);
  return Error(Errc::invalid_input, "the cluster has no control-plane endpoint for Kubernetes")
      .at(cluster.where("spec.controlPlaneEndpoint"))
      .with_hint("set spec.controlPlaneEndpoint.selfBuiltVIP or .externalLoadBalancer: every "
                 "node reaches the API servers through it");
}

Result<std::string> api_server_url(const config::Cluster& cluster) {
  auto endpoint = control_plane_endpoint(cluster);
  if (!endpoint)
    return std::move(endpoint).error();
  return "https://" + *endpoint;
}

std::string image_repository(const config::Cluster& cluster) {
  if (!cluster.registry || cluster.registry->address.empty())
    return {};
  return cluster.registry->address + "/acp";
}

std::vector<std::string> cert_sans(const config::Cluster& cluster) {
  std::vector<std::string> sans;
  if (const auto& vip = cluster.endpoint.self_built_vip)
    sans.push_back(vip->vip);
  if (const auto& lb = cluster.endpoint.external_load_balancer)
    sans.push_back(lb->address);
  for (const auto* node : cluster.nodes_with(config::Role::control_plane)) {
    sans.push_back(node->name);
    sans.push_back(node->address);
  }
  sans.erase(std::remove(sans.begin(), sans.end(), std::string{}), sans.end());
  std::sort(sans.begin(), sans.end());
  sans.erase(std::unique(sans.begin(), sans.end()), sans.end());
  return sans;
}

std::vector<std::string> etcd_endpoints(const config::Cluster& cluster) {
  std::vector<std::string> out;
  for (const auto* node : cluster.nodes_with(config::Role::etcd))
    out.push_back(etcd::client_url(cluster, *node));
  return out;
}

} // namespace acp::kubernetes
