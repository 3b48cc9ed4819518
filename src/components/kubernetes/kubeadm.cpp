// One node's kubeadm configuration: the API from the version, init on the first
// control-plane node, joins elsewhere.

#include "kubeadm_docs.hpp"
#include "yaml_out.hpp"

#include <fmt/format.h>

namespace acp::kubernetes {

namespace detail {

std::string join_configuration(const DocInput& in) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  put(out, "apiVersion", api_version(in.api));
  put(out, "kind", "JoinConfiguration");
  node_registration(out, in);
  open_map(out, "discovery");
  open_map(out, "bootstrapToken");
  put(out, "apiServerEndpoint", in.endpoint);
  put(out, "token", secret_placeholder(k_bootstrap_token));
  put_list(out, "caCertHashes", {in.options.ca_cert_hash});
  out << YAML::EndMap << YAML::EndMap;
  if (detail::role_of(in) == NodeRole::control_plane) {
    open_map(out, "controlPlane");
    local_api_endpoint(out, in);
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return document(out);
}

} // namespace detail

namespace {

Status check_options(const config::Cluster& cluster, const config::Node& node,
                     const KubeadmOptions& options) {
  if (options.cgroup_driver != "systemd" && options.cgroup_driver != "cgroupfs")
    return Error(Errc::invalid_input,
                 fmt::format("cgroup driver \"{}\" is neither systemd nor cgroupfs",
                             options.cgroup_driver))
        .with_host(node.name);
  if (options.role.value_or(node_role(cluster, node)) != NodeRole::init &&
      options.ca_cert_hash.empty())
    return Error(Errc::invalid_input, "a join needs the cluster CA's public key hash")
        .with_host(node.name)
        .with_hint("pass pki::ca_cert_hash of the cluster CA: joins never skip CA checks");
  if (cluster.nodes_with(config::Role::etcd).empty())
    return Error(Errc::invalid_input, "the cluster has no etcd node for the API servers")
        .with_hint("give the etcd role to one or three nodes in spec.nodes");
  return {};
}

} // namespace

Result<std::string> render_kubeadm(const config::Cluster& cluster, const config::Node& node,
                                   const KubeadmOptions& options) {
  auto api = kubeadm_api(cluster.kubernetes_version);
  if (!api)
    return std::move(api).error().at(cluster.where("spec.kubernetesVersion"));
  auto endpoint = control_plane_endpoint(cluster);
  if (!endpoint)
    return std::move(endpoint).error();
  if (auto ok = check_options(cluster, node, options); !ok)
    return std::move(ok).error();
  const detail::DocInput in{
      cluster, node, options, parse_version(cluster.kubernetes_version).value(), *api, *endpoint};
  if (detail::role_of(in) != NodeRole::init)
    return detail::join_configuration(in);
  return detail::init_configuration(in) + "---\n" + detail::cluster_configuration(in) + "---\n" +
         detail::kubelet_configuration(in);
}

} // namespace acp::kubernetes
