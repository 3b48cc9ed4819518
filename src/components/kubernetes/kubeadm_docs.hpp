#pragma once
// Private to the kubernetes component: the documents of one node's kubeadm configuration.

#include "acpctl/components/kubernetes/render.hpp"

#include <string>
#include <yaml-cpp/yaml.h>

namespace acp::kubernetes::detail {

/// What every document of one node's configuration is made from.
struct DocInput {
  const config::Cluster& cluster;
  const config::Node& node;
  const KubeadmOptions& options;
  KubeVersion version;
  KubeadmApi api = KubeadmApi::v1beta4;
  std::string endpoint; ///< control_plane_endpoint
};

/// The kubelet reaches containerd here (containerd's k_socket as a URL).
inline constexpr std::string_view k_cri_socket = "unix:///run/containerd/containerd.sock";
/// How long kubeadm init waits for the control plane to come up.
inline constexpr std::string_view k_control_plane_timeout = "4m0s";

/// The node's part: the options' role, else node_role.
inline NodeRole role_of(const DocInput& in) {
  return in.options.role.value_or(node_role(in.cluster, in.node));
}

/// nodeRegistration (name, CRI socket, node-ip) and localAPIEndpoint (address, 6443).
void node_registration(YAML::Emitter& out, const DocInput& in);
void local_api_endpoint(YAML::Emitter& out, const DocInput& in);

std::string init_configuration(const DocInput& in);
std::string cluster_configuration(const DocInput& in);
std::string kubelet_configuration(const DocInput& in);
std::string join_configuration(const DocInput& in);

} // namespace acp::kubernetes::detail
