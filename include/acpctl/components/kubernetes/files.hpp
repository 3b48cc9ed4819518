#pragma once
// The files kubeadm's external-CA mode needs on a node, from acpctl's PKI: the certificates
// under /etc/kubernetes/pki and the kubeconfigs under /etc/kubernetes (a worker: ca.crt and
// kubelet.conf), never a CA key. kubeadm finds every file in place and signs nothing (see
// docs/kubernetes.md).

#include "acpctl/config/model.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/util/error.hpp"

#include <string_view>
#include <vector>

namespace acp::kubernetes {

/// kubeadm's kubeconfig directory.
inline constexpr std::string_view k_kubernetes_dir = "/etc/kubernetes";

/// What `node` needs before kubeadm runs. A control-plane node gets, under /etc/kubernetes/pki:
/// ca.crt and etcd/ca.crt (the cluster CA), apiserver, apiserver-kubelet-client,
/// apiserver-etcd-client and front-proxy-client (.crt 0644, .key 0600), front-proxy-ca.crt,
/// sa.key (0600) and sa.pub; under /etc/kubernetes: admin.conf, controller-manager.conf,
/// scheduler.conf, kubelet.conf and, on the init node of 1.29 and newer, super-admin.conf
/// (all 0600: they embed keys). admin, super-admin and kubelet reach the API through the
/// control-plane endpoint, controller-manager and scheduler through the node's own API server,
/// as kubeadm writes them. A worker gets /etc/kubernetes/pki/ca.crt (0644) and
/// /etc/kubernetes/kubelet.conf (0600, the control-plane endpoint, its own system:node:<name>
/// certificate): with no CA key on any node nothing in the cluster signs kubelet CSRs, so no
/// kubelet does TLS bootstrap; joins run with k_join_ignore_preflight (render.hpp).
/// Errc::invalid_input when the PKI lacks the node's Kubernetes certificates (it was ensured
/// without spec.kubernetesVersion) or the cluster has no control-plane endpoint.
Result<std::vector<pki::NodeFile>> node_files(const config::Cluster& cluster,
                                              const pki::ClusterPki& pki, const config::Node& node);

} // namespace acp::kubernetes
