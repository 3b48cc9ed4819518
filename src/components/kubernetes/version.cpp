// Which kubeadm configuration API a Kubernetes release reads, and what a node does in the
// bootstrap.

#include "acpctl/components/kubernetes/render.hpp"
#include "acpctl/config/kubernetes.hpp"
#include "acpctl/util/strings.hpp"

#include <fmt/format.h>

namespace acp::kubernetes {

namespace {

// The first release whose kubeadm reads v1beta4 (the oldest acpctl configures is
// config::kube_limits::oldest_minor, which validate checks too).
constexpr int k_v1beta4_minor = 31;

} // namespace

Result<KubeVersion> parse_version(std::string_view text) {
  if (auto v = config::parse_kube_version(text))
    return *v;
  return Error(Errc::invalid_input,
               fmt::format("kubernetesVersion {} is not a Kubernetes version", util::quoted(text)))
      .with_hint("write spec.kubernetesVersion as v<major>.<minor>.<patch>, e.g. v1.31.6");
}

std::string_view api_version(KubeadmApi api) {
  return api == KubeadmApi::v1beta4 ? "kubeadm.k8s.io/v1beta4" : "kubeadm.k8s.io/v1beta3";
}

Result<KubeadmApi> kubeadm_api(std::string_view version) {
  if (version.empty())
    return Error(Errc::invalid_input, "spec.kubernetesVersion is not set")
        .with_hint("set spec.kubernetesVersion to the release the package carries, e.g. v1.31.6");
  auto v = parse_version(version);
  if (!v)
    return std::move(v).error();
  if (!config::kube_limits::supported(*v))
    return Error(Errc::invalid_input,
                 fmt::format("Kubernetes {} is not supported: kubeadm's v1beta3 configuration "
                             "needs 1.{} or newer",
                             v->to_string(), config::kube_limits::oldest_minor))
        .with_hint(fmt::format("use a package with Kubernetes v1.{}.0 or newer and set "
                               "spec.kubernetesVersion to it",
                               config::kube_limits::oldest_minor));
  return v->minor >= k_v1beta4_minor ? KubeadmApi::v1beta4 : KubeadmApi::v1beta3;
}

NodeRole node_role(const config::Cluster& cluster, const config::Node& node) {
  if (!node.has_role(config::Role::control_plane))
    return NodeRole::worker;
  const auto control_planes = cluster.nodes_with(config::Role::control_plane);
  return control_planes.front()->name == node.name ? NodeRole::init : NodeRole::control_plane;
}

} // namespace acp::kubernetes
