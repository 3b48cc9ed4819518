// What kubeadm's external-CA mode needs from acpctl: every certificate kubeadm would otherwise
// sign with /etc/kubernetes/pki/ca.key, with the subjects and SANs kubeadm gives them.
// Subjects follow https://kubernetes.io/docs/setup/best-practices/certificates/ ("All
// certificates", "Configure certificates for user accounts") and kubeadm's certlist.go; the
// groups changed in 1.29 (kubernetes/kubernetes#120521, #121837, KEP-4214 super-admin.conf).

#include "acpctl/pki/etcd_users.hpp"
#include "acpctl/util/ipaddr.hpp"
#include "layout.hpp"

#include <charconv>

namespace acp::pki::detail {

namespace {

constexpr const char* k_masters = "system:masters";
constexpr const char* k_cluster_admins = "kubeadm:cluster-admins";
// kubeadm's default ClusterConfiguration.networking.dnsDomain; the kubeadm config acpctl
// renders writes the same.
constexpr const char* k_dns_domain = "cluster.local";

// 1.29 moved admin.conf and apiserver-kubelet-client to kubeadm:cluster-admins, gave
// super-admin.conf system:masters and dropped O from apiserver-etcd-client. A version that
// does not parse counts as new (config validation refuses one anyway).
bool groups_of_1_29(const std::string& version) {
  std::string_view v = version;
  if (v.starts_with('v'))
    v.remove_prefix(1);
  int major = 0;
  int minor = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), major);
  if (r.ec != std::errc{} || r.ptr == v.data() + v.size() || *r.ptr != '.')
    return true;
  r = std::from_chars(r.ptr + 1, v.data() + v.size(), minor);
  if (r.ec != std::errc{})
    return true;
  return major > 1 || (major == 1 && minor >= 29);
}

// The first address of a CIDR: the API server's ClusterIP ("kubernetes" Service).
std::string first_address(const std::string& cidr) {
  const auto block = util::Cidr::parse(cidr);
  if (!block)
    return {};
  auto ip = block->canonical().network;
  for (int i = ip.v6 ? 15 : 3; i >= 0; --i)
    if (++ip.bytes[static_cast<std::size_t>(i)] != 0)
      break;
  return ip_san(ip.to_string());
}

} // namespace

Subject front_proxy_ca_subject(const config::Cluster& cluster) {
  return {cluster.name + "-front-proxy-ca", "acpctl"};
}

bool has_kubernetes(const config::Cluster& cluster) {
  return !cluster.kubernetes_version.empty();
}

std::string kubernetes_name(const std::string& node, std::string_view base) {
  return std::string(k_kubernetes_prefix) + node + "-" + std::string(base);
}

std::vector<std::string> apiserver_sans(const config::Cluster& cluster, const config::Node& node) {
  const std::string svc = "kubernetes.default.svc";
  std::vector<std::string> sans{dns_san("kubernetes"), dns_san("kubernetes.default"),
                                dns_san(svc),          dns_san(svc + "." + k_dns_domain),
                                dns_san(node.name),    ip_san(node.address),
                                dns_san("localhost"),  ip_san("127.0.0.1")};
  if (const auto ip = util::IpAddress::parse(node.address); ip && ip->v6)
    sans.push_back(ip_san("::1"));
  for (const auto& cidr : cluster.network.service_cidrs)
    sans.push_back(first_address(cidr));
  for (auto& san : endpoint_sans(cluster))
    sans.push_back(std::move(san));
  return sorted_unique(std::move(sans));
}

std::vector<Leaf> kubernetes_leaves(const config::Cluster& cluster) {
  std::vector<Leaf> out;
  if (!has_kubernetes(cluster))
    return out;
  const bool new_groups = groups_of_1_29(cluster.kubernetes_version);
  const std::string admins = new_groups ? k_cluster_admins : k_masters;
  for (const auto* node : cluster.nodes_with(config::Role::control_plane)) {
    const auto& n = node->name;
    auto client = [&](std::string_view base, Subject subject, Signer signer = Signer::cluster) {
      out.push_back(
          {kubernetes_name(n, base), n, CertSpec{std::move(subject), {}, Usage::client}, signer});
    };
    out.push_back(
        {kubernetes_name(n, "apiserver"), n,
         CertSpec{{"kube-apiserver", {}}, apiserver_sans(cluster, *node), Usage::server}});
    client("apiserver-kubelet-client", {"kube-apiserver-kubelet-client", admins});
    client("apiserver-etcd-client",
           {std::string(k_apiserver_etcd_client_cn), new_groups ? std::string{} : k_masters});
    client("front-proxy-client", {"front-proxy-client", {}}, Signer::front_proxy);
    client("admin", {"kubernetes-admin", admins});
    client("controller-manager", {"system:kube-controller-manager", {}});
    client("scheduler", {"system:kube-scheduler", {}});
    client("kubelet", {"system:node:" + n, "system:nodes"});
  }
  const bool control_planes = !out.empty();
  // Nothing in the cluster signs kubelet CSRs (no CA key on a node), so every other node's
  // kubelet.conf carries a certificate issued here too.
  for (const auto& node : cluster.nodes)
    if (!node.has_role(config::Role::control_plane))
      out.push_back({kubernetes_name(node.name, "kubelet"), node.name,
                     CertSpec{{"system:node:" + node.name, "system:nodes"}, {}, Usage::client}});
  if (new_groups && control_planes)
    out.push_back({std::string(k_kubernetes_prefix) + "super-admin",
                   {},
                   CertSpec{{"kubernetes-super-admin", k_masters}, {}, Usage::client}});
  return out;
}

} // namespace acp::pki::detail
