// Which kubeadm configuration API a Kubernetes release reads, and what a node does in the
// bootstrap.

#include "acpctl/components/kubernetes/render.hpp"
#include "acpctl/config/kubernetes_limits.hpp"
#include "acpctl/util/strings.hpp"

#include <charconv>
#include <fmt/format.h>

namespace acp::kubernetes {

namespace {

// The oldest release whose kubeadm reads v1beta3 (v1beta2 went in 1.27; 1.22 added v1beta3;
// validate refuses older ones too), and the first whose kubeadm reads v1beta4.
constexpr int k_oldest_minor = config::kube_limits::oldest_minor;
constexpr int k_v1beta4_minor = 31;

bool take_number(std::string_view& text, int& out) {
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  if (ec != std::errc{} || ptr == text.data() || out < 0)
    return false;
  text.remove_prefix(static_cast<std::size_t>(ptr - text.data()));
  return true;
}

bool take_dot(std::string_view& text) {
  if (!text.starts_with('.'))
    return false;
  text.remove_prefix(1);
  return true;
}

} // namespace

std::string KubeVersion::to_string() const {
  return fmt::format("v{}.{}.{}", major, minor, patch);
}

Result<KubeVersion> parse_version(std::string_view text) {
  const auto bad = [&] {
    return Error(
               Errc::invalid_input,
               fmt::format("kubernetesVersion {} is not a Kubernetes version", util::quoted(text)))
        .with_hint("write spec.kubernetesVersion as v<major>.<minor>.<patch>, e.g. v1.31.6");
  };
  std::string_view rest = text;
  if (rest.starts_with('v'))
    rest.remove_prefix(1);
  KubeVersion v;
  if (!take_number(rest, v.major) || !take_dot(rest) || !take_number(rest, v.minor) ||
      !take_dot(rest) || !take_number(rest, v.patch) || !rest.empty())
    return bad();
  return v;
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
  if (v->major != 1 || v->minor < k_oldest_minor)
    return Error(Errc::invalid_input,
                 fmt::format("Kubernetes {} is not supported: kubeadm's v1beta3 configuration "
                             "needs 1.{} or newer",
                             v->to_string(), k_oldest_minor))
        .with_hint(fmt::format("use a package with Kubernetes v1.{}.0 or newer and set "
                               "spec.kubernetesVersion to it",
                               k_oldest_minor));
  return v->minor >= k_v1beta4_minor ? KubeadmApi::v1beta4 : KubeadmApi::v1beta3;
}

NodeRole node_role(const config::Cluster& cluster, const config::Node& node) {
  if (!node.has_role(config::Role::control_plane))
    return NodeRole::worker;
  const auto control_planes = cluster.nodes_with(config::Role::control_plane);
  return control_planes.front()->name == node.name ? NodeRole::init : NodeRole::control_plane;
}

} // namespace acp::kubernetes
