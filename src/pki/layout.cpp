// What the config wants: the SANs are the names and addresses etcd is reached at.

#include "layout.hpp"

#include "acpctl/pki/etcd_users.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/ipaddr.hpp"

#include <algorithm>
#include <cstdlib>

namespace acp::pki {

std::filesystem::path cluster_dir(const config::Cluster& cluster) {
  const char* home = std::getenv("ACPCTL_HOME");
  const std::filesystem::path base = home != nullptr && *home != '\0'
                                         ? std::filesystem::path(home)
                                         : util::expand_home("~/.acpctl");
  return base / "clusters" / cluster.name;
}

std::filesystem::path trusted_keys_dir(const config::Cluster& cluster) {
  return cluster_dir(cluster) / "trusted-keys";
}

ClientFiles admin_client(const std::filesystem::path& dir) {
  return {detail::cert_path(dir, detail::k_ca_name), detail::cert_path(dir, detail::k_admin_name),
          detail::key_path(dir, detail::k_admin_name)};
}

} // namespace acp::pki

namespace acp::pki::detail {

std::vector<std::string> sorted_unique(std::vector<std::string> sans) {
  sans.erase(std::remove(sans.begin(), sans.end(), std::string{}), sans.end());
  std::sort(sans.begin(), sans.end());
  sans.erase(std::unique(sans.begin(), sans.end()), sans.end());
  return sans;
}

std::filesystem::path pki_dir(const std::filesystem::path& dir) {
  return dir / "pki";
}

std::filesystem::path cert_path(const std::filesystem::path& dir, const std::string& name) {
  return pki_dir(dir) / (name + ".crt");
}

std::filesystem::path key_path(const std::filesystem::path& dir, const std::string& name) {
  return pki_dir(dir) / (name + ".key");
}

Subject ca_subject(const config::Cluster& cluster) {
  return {cluster.name + "-ca", "acpctl"};
}

std::string server_name(const std::string& node) {
  return "etcd/" + node + "-server";
}

std::string peer_name(const std::string& node) {
  return "etcd/" + node + "-peer";
}

std::string registry_name(const std::string& node) {
  return std::string(k_registry_prefix) + node + "-server";
}

std::string registry_client_name(const std::string& node) {
  return std::string(k_registry_prefix) + node + "-client";
}

std::string registry_client_cn(const std::string& node) {
  return "acp-node:" + node;
}

std::vector<std::string> endpoint_sans(const config::Cluster& cluster) {
  std::vector<std::string> sans;
  if (const auto& v = cluster.endpoint.self_built_vip)
    sans.push_back(ip_san(v->vip));
  if (const auto& lb = cluster.endpoint.external_load_balancer)
    sans.push_back(util::IpAddress::parse(lb->address) ? ip_san(lb->address)
                                                       : dns_san(lb->address));
  return sans;
}

// A registry replica is reached at its node's name and address, through the VIP or the load
// balancer, at the registry address's host, and on the node itself.
std::vector<std::string> registry_sans(const config::Cluster& cluster, const config::Node& node) {
  std::vector<std::string> sans{dns_san(node.name), ip_san(node.address), dns_san("localhost"),
                                ip_san("127.0.0.1")};
  for (auto& san : endpoint_sans(cluster))
    sans.push_back(std::move(san));
  const auto host = cluster.registry->host();
  if (!host.empty())
    sans.push_back(util::IpAddress::parse(host) ? ip_san(host) : dns_san(host));
  return sorted_unique(std::move(sans));
}

std::vector<Leaf> wanted_leaves(const config::Cluster& cluster) {
  std::vector<Leaf> out;
  std::string vip;
  if (const auto& v = cluster.endpoint.self_built_vip)
    vip = ip_san(v->vip);
  for (const auto* node : cluster.nodes_with(config::Role::etcd)) {
    const auto address = util::IpAddress::parse(node->address);
    // etcd listens for clients on the node address and 127.0.0.1 (and ::1 on IPv6 nodes), and
    // clients may come through the VIP.
    std::vector<std::string> server{dns_san(node->name), dns_san("localhost"),
                                    ip_san(node->address), ip_san("127.0.0.1"), vip};
    if (address && address->v6)
      server.push_back(ip_san("::1"));
    out.push_back({server_name(node->name), node->name,
                   CertSpec{{node->name, {}}, sorted_unique(server), Usage::server}});
    out.push_back({peer_name(node->name), node->name,
                   CertSpec{{node->name, {}},
                            sorted_unique({dns_san(node->name), ip_san(node->address)}),
                            Usage::peer}});
  }
  if (cluster.registry) {
    for (const auto* node : cluster.nodes_with(config::Role::control_plane))
      out.push_back({registry_name(node->name), node->name,
                     CertSpec{{node->name, {}}, registry_sans(cluster, *node), Usage::server}});
    // Every node pulls from the replicas' pull port with its own client certificate.
    for (const auto& node : cluster.nodes)
      out.push_back({registry_client_name(node.name), node.name,
                     CertSpec{{registry_client_cn(node.name), {}}, {}, Usage::client}});
  }
  for (auto& leaf : kubernetes_leaves(cluster))
    out.push_back(std::move(leaf));
  out.push_back({k_healthcheck_name,
                 {},
                 CertSpec{{std::string(k_etcd_healthcheck_cn), {}}, {}, Usage::client}});
  out.push_back(
      {k_admin_name, {}, CertSpec{{std::string(k_admin_cn), "system:masters"}, {}, Usage::client}});
  return out;
}

} // namespace acp::pki::detail
