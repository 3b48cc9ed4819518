// What a node gets: the CA certificate and its own etcd certificates, at the contract's paths;
// and the accessors of what ClusterPki holds per node.

#include "acpctl/util/hash.hpp"
#include "layout.hpp"

#include <fmt/format.h>

namespace acp::pki {

const KeyPair* ClusterPki::etcd_server(const std::string& node) const {
  const auto it = m_server.find(node);
  return it == m_server.end() ? nullptr : &it->second;
}

const KeyPair* ClusterPki::etcd_peer(const std::string& node) const {
  const auto it = m_peer.find(node);
  return it == m_peer.end() ? nullptr : &it->second;
}

const KeyPair* ClusterPki::registry_server(const std::string& node) const {
  const auto it = m_registry.find(node);
  return it == m_registry.end() ? nullptr : &it->second;
}

const KeyPair* ClusterPki::registry_client(const std::string& node) const {
  const auto it = m_registry_client.find(node);
  return it == m_registry_client.end() ? nullptr : &it->second;
}

std::string_view to_string(KubeCert cert) {
  switch (cert) {
  case KubeCert::apiserver:
    return "apiserver";
  case KubeCert::apiserver_kubelet_client:
    return "apiserver-kubelet-client";
  case KubeCert::apiserver_etcd_client:
    return "apiserver-etcd-client";
  case KubeCert::front_proxy_client:
    return "front-proxy-client";
  case KubeCert::admin:
    return "admin";
  case KubeCert::controller_manager:
    return "controller-manager";
  case KubeCert::scheduler:
    return "scheduler";
  case KubeCert::kubelet:
    return "kubelet";
  }
  return "?";
}

const KeyPair* ClusterPki::kubernetes(const std::string& node, KubeCert cert) const {
  const auto it = m_kubernetes.find(detail::kubernetes_name(node, to_string(cert)));
  return it == m_kubernetes.end() ? nullptr : &it->second;
}

const KeyPair* ClusterPki::super_admin() const {
  const auto it = m_kubernetes.find(std::string(detail::k_kubernetes_prefix) + "super-admin");
  return it == m_kubernetes.end() ? nullptr : &it->second;
}

std::vector<NodeFile> node_files(const ClusterPki& pki, const config::Node& node) {
  const auto* server = pki.etcd_server(node.name);
  const auto* peer = pki.etcd_peer(node.name);
  if (!node.has_role(config::Role::etcd) || server == nullptr || peer == nullptr)
    return {};
  const std::string etcd = k_node_etcd_dir;
  const auto& check = pki.healthcheck_client();
  return {
      {k_node_ca_cert, pki.ca_cert(), 0644},
      {etcd + "/server.crt", server->cert, 0644},
      {etcd + "/server.key", server->key, 0600},
      {etcd + "/peer.crt", peer->cert, 0644},
      {etcd + "/peer.key", peer->key, 0600},
      {etcd + "/healthcheck-client.crt", check.cert, 0644},
      {etcd + "/healthcheck-client.key", check.key, 0600},
  };
}

std::string node_digest(const ClusterPki& pki, const config::Node& node) {
  util::Sha256 hash;
  for (const auto& f : node_files(pki, node)) {
    // Length-prefixed fields, so no two file lists hash the same.
    const auto header = fmt::format("{}\n{:o}\n{}\n", f.path, f.mode, f.content.size());
    hash.update(header);
    hash.update(f.content);
  }
  return hash.hex_digest();
}

} // namespace acp::pki
