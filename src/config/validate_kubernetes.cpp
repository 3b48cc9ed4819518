// spec.kubernetesVersion and the sizes of spec.network's blocks, against what kubeadm and
// kube-controller-manager accept (the limits are in acpctl/config/kubernetes.hpp with their
// source). kubeadm would refuse them only on the first control plane, after etcd,
// keepalived and the registry were installed; validate refuses them before any node is touched.

#include "acpctl/config/kubernetes.hpp"
#include "acpctl/util/strings.hpp"
#include "validate.hpp"

#include <bit>
#include <fmt/format.h>

namespace acp::config::detail {

namespace {

namespace lim = kube_limits;
using util::Cidr;

void check_version(Checker& ck) {
  const auto& text = ck.cluster().kubernetes_version;
  if (text.empty())
    return; // the parser reported it missing
  const auto version = parse_kube_version(text);
  if (!version)
    ck.fail("spec.kubernetesVersion",
            fmt::format("kubernetesVersion {} is not a version", util::quoted(text)),
            "write it as vMAJOR.MINOR.PATCH, e.g. v1.31.6");
  else if (!lim::supported(*version))
    ck.fail("spec.kubernetesVersion",
            fmt::format("Kubernetes {} is not supported: acpctl renders kubeadm's v1beta3 or "
                        "v1beta4 configuration, read by Kubernetes v1.{} and newer 1.x releases",
                        text, lim::oldest_minor),
            fmt::format("use a package with Kubernetes v1.{}.0 or newer and set "
                        "spec.kubernetesVersion to the release it carries",
                        lim::oldest_minor));
}

// 2^bits, saturated: a block's address count or node-block count without overflow.
std::uint64_t pow2(int bits) {
  return bits >= 63 ? (std::uint64_t{1} << 63) : (std::uint64_t{1} << bits);
}

void check_service(Checker& ck, const Cidr& s) {
  const std::string path = "spec.network.serviceCIDR";
  const int host_bits = s.network.bit_count() - s.prefix;
  if (host_bits > lim::max_service_host_bits)
    ck.fail(path,
            fmt::format("serviceCIDR {} is too large: Kubernetes takes at most /{} for {}",
                        s.to_string(), s.network.bit_count() - lim::max_service_host_bits,
                        s.network.v6 ? "IPv6" : "IPv4"),
            s.network.v6 ? "use a block no larger than /108, e.g. fd00:10:4::/112"
                         : "use a block no larger than /12, e.g. 10.4.0.0/16");
  else if (pow2(host_bits) < lim::min_service_addresses)
    ck.fail(path,
            fmt::format("serviceCIDR {} is too small: the cluster DNS service takes its "
                        "tenth address",
                        s.to_string()),
            "use a block of at least 16 addresses (/28 for IPv4, /124 for IPv6)");
}

void check_pod(Checker& ck, const Cidr& p) {
  const std::string path = "spec.network.podCIDR";
  const int node_mask = p.network.v6 ? lim::node_mask_v6 : lim::node_mask_v4;
  const auto nodes = ck.cluster().nodes.size();
  const auto hint = fmt::format("each node takes a /{} of it: use a block between /{} and /{}",
                                node_mask, node_mask - lim::max_node_mask_diff, node_mask);
  if (p.prefix > node_mask)
    ck.fail(
        path,
        fmt::format("podCIDR {} is smaller than one node's block /{}", p.to_string(), node_mask),
        hint);
  else if (node_mask - p.prefix > lim::max_node_mask_diff)
    ck.fail(path,
            fmt::format("podCIDR {} is too large: at most {} bits between it and the /{} each "
                        "node takes",
                        p.to_string(), lim::max_node_mask_diff, node_mask),
            hint);
  else if (pow2(node_mask - p.prefix) < nodes)
    ck.fail(path,
            fmt::format("podCIDR {} has room for {} nodes' /{} blocks, the cluster has {} nodes",
                        p.to_string(), pow2(node_mask - p.prefix), node_mask, nodes),
            fmt::format("use a /{} or larger", node_mask - std::bit_width(nodes - 1)));
}

} // namespace

void check_kubernetes(Checker& ck, const Networks& nets) {
  check_version(ck);
  for (const auto& s : nets.service)
    check_service(ck, s);
  for (const auto& p : nets.pod)
    check_pod(ck, p);
}

} // namespace acp::config::detail
