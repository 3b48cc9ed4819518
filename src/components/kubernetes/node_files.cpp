// A node's /etc/kubernetes for kubeadm's external-CA mode: every certificate and kubeconfig
// kubeadm would sign, issued by acpctl, so no CA key is ever on a node; a worker's ca.crt and
// kubelet.conf too, since nothing in the cluster signs kubelet CSRs.

#include "acpctl/components/kubernetes/files.hpp"
#include "acpctl/components/kubernetes/render.hpp"
#include "acpctl/util/ipaddr.hpp"

#include <fmt/format.h>

namespace acp::kubernetes {

namespace {

using pki::KubeCert;
using pki::NodeFile;

// kubeadm's local API endpoint for the node: https://<address>:6443.
std::string local_api_url(const config::Node& node) {
  const auto ip = util::IpAddress::parse(node.address);
  return ip && ip->v6 ? fmt::format("https://[{}]:{}", node.address, k_api_port)
                      : fmt::format("https://{}:{}", node.address, k_api_port);
}

struct Kubeconfig {
  std::string_view file; ///< "admin.conf"
  const pki::KeyPair* pair = nullptr;
  std::string user;   ///< kubeadm's user name: the certificate's CN
  std::string server; ///< https URL
};

Status add_kubeconfig(const config::Cluster& cluster, const pki::ClusterPki& pki,
                      const Kubeconfig& k, std::vector<NodeFile>& out) {
  KubeconfigInput in;
  in.cluster_name = cluster.name;
  in.server = k.server;
  in.ca_pem = pki.ca_cert();
  in.client_cert_pem = k.pair->cert;
  in.client_key_pem = k.pair->key;
  in.user = k.user;
  auto text = render_kubeconfig(in);
  if (!text)
    return std::move(text).error().context(fmt::format("rendering {}", k.file));
  out.push_back({fmt::format("{}/{}", k_kubernetes_dir, k.file), std::move(*text), 0600});
  return {};
}

void add_pki_files(const pki::ClusterPki& pki, const config::Node& node,
                   std::vector<NodeFile>& out) {
  const std::string dir(k_pki_dir);
  out.push_back({dir + "/ca.crt", pki.ca_cert(), 0644});
  out.push_back({dir + "/etcd/ca.crt", pki.ca_cert(), 0644});
  out.push_back({dir + "/front-proxy-ca.crt", pki.front_proxy_ca(), 0644});
  for (auto cert : {KubeCert::apiserver, KubeCert::apiserver_kubelet_client,
                    KubeCert::apiserver_etcd_client, KubeCert::front_proxy_client}) {
    const auto* pair = pki.kubernetes(node.name, cert);
    const auto base = fmt::format("{}/{}", dir, pki::to_string(cert));
    out.push_back({base + ".crt", pair->cert, 0644});
    out.push_back({base + ".key", pair->key, 0600});
  }
  out.push_back({dir + "/sa.key", pki.service_account()->key, 0600});
  out.push_back({dir + "/sa.pub", pki.service_account()->pub, 0644});
}

// kubeadm writes super-admin.conf (O system:masters) from 1.29 on (KEP-4214), on the init node.
bool needs_super_admin(const config::Cluster& cluster) {
  const auto v = parse_version(cluster.kubernetes_version);
  return !v || v->major > 1 || v->minor >= 29;
}

// Whether the PKI holds everything `node` needs (ensured with spec.kubernetesVersion): a
// worker only its kubelet certificate.
bool complete(const config::Cluster& cluster, const pki::ClusterPki& pki,
              const config::Node& node) {
  if (!node.has_role(config::Role::control_plane))
    return pki.kubernetes(node.name, KubeCert::kubelet) != nullptr;
  for (int c = 0; c <= static_cast<int>(KubeCert::kubelet); ++c)
    if (pki.kubernetes(node.name, static_cast<KubeCert>(c)) == nullptr)
      return false;
  const bool init = node_role(cluster, node) == NodeRole::init;
  return !pki.front_proxy_ca().empty() && pki.service_account() != nullptr &&
         (!init || pki.super_admin() != nullptr || !needs_super_admin(cluster));
}

} // namespace

Result<std::vector<NodeFile>> node_files(const config::Cluster& cluster, const pki::ClusterPki& pki,
                                         const config::Node& node) {
  if (!complete(cluster, pki, node))
    return Error(Errc::invalid_input, "the cluster's PKI has no Kubernetes certificates for it")
        .with_host(node.name)
        .with_hint("acpctl apply issues them when spec.kubernetesVersion is set");
  auto endpoint = api_server_url(cluster);
  if (!endpoint)
    return std::move(endpoint).error();
  std::vector<NodeFile> out;
  std::vector<Kubeconfig> configs;
  if (node.has_role(config::Role::control_plane)) {
    add_pki_files(pki, node, out);
    const auto local = local_api_url(node);
    configs = {
        {"admin.conf", pki.kubernetes(node.name, KubeCert::admin), "kubernetes-admin", *endpoint},
        {"controller-manager.conf", pki.kubernetes(node.name, KubeCert::controller_manager),
         "system:kube-controller-manager", local},
        {"scheduler.conf", pki.kubernetes(node.name, KubeCert::scheduler), "system:kube-scheduler",
         local},
    };
  } else {
    // A worker joins with kubeadm's checks for these two files ignored
    // (k_join_ignore_preflight): its kubelet uses acpctl's certificate, no TLS bootstrap.
    out.push_back({std::string(k_pki_dir) + "/ca.crt", pki.ca_cert(), 0644});
  }
  configs.push_back({"kubelet.conf", pki.kubernetes(node.name, KubeCert::kubelet),
                     "system:node:" + node.name, *endpoint});
  if (node_role(cluster, node) == NodeRole::init && pki.super_admin() != nullptr)
    configs.push_back({"super-admin.conf", pki.super_admin(), "kubernetes-super-admin", *endpoint});
  for (const auto& k : configs)
    if (auto s = add_kubeconfig(cluster, pki, k, out); !s)
      return std::move(s).error();
  return out;
}

} // namespace acp::kubernetes
