#pragma once
// spec.kubernetesVersion, and what kubeadm accepts of it and of spec.network, so that
// `acpctl validate` refuses before any node is touched what kubeadm would refuse half-way
// through a bootstrap.
// The numbers are kubeadm's own (cmd/kubeadm/app/constants/constants.go and
// cmd/kubeadm/app/apis/kubeadm/validation/validation.go: ValidateNetworking,
// ValidateServiceSubnetSize, ValidatePodSubnetNodeMask, getClusterNodeMask).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace acp::config {

/// A Kubernetes release, written "v1.31.6" or "1.31.6" in spec.kubernetesVersion.
struct KubeVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;

  /// "v1.31.6"
  std::string to_string() const;
};

/// Parses "v1.31.6" or "1.31.6"; nullopt for anything else.
std::optional<KubeVersion> parse_kube_version(std::string_view text);

namespace kube_limits {

/// The oldest minor release of Kubernetes 1.x whose kubeadm reads the v1beta3 configuration
/// (v1beta3 came in 1.22), the oldest acpctl renders.
inline constexpr int oldest_minor = 22;

/// The widest service block: at most 20 host bits (/12 for IPv4, /108 for IPv6)
/// (MaximumBitsForServiceSubnet).
inline constexpr int max_service_host_bits = 20;

/// The DNS service takes the block's tenth address (MinimumAddressesInServiceSubnet).
inline constexpr std::uint64_t min_service_addresses = 10;

/// The block kube-controller-manager gives each node out of the pod block, per family
/// (--node-cidr-mask-size-ipv4/-ipv6 defaults, which acpctl keeps): so the pod block must be
/// at least that large (which also covers MinimumAddressesInPodSubnet).
inline constexpr int node_mask_v4 = 24;
inline constexpr int node_mask_v6 = 64;

/// At most 16 bits between the pod block's mask and the node mask (PodSubnetNodeMaskMaxDiff).
inline constexpr int max_node_mask_diff = 16;

/// Whether acpctl can configure this release's kubeadm: 1.x from `oldest_minor` on.
inline bool supported(const KubeVersion& v) {
  return v.major == 1 && v.minor >= oldest_minor;
}

} // namespace kube_limits

} // namespace acp::config
