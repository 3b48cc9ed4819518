#pragma once
// Private to config: the checks behind validate(), one file per part of the spec
// (validate.cpp, validate_network.cpp, validate_nodes.cpp,
// validate_kubernetes.cpp).

#include "acpctl/config/load.hpp"
#include "acpctl/util/ipaddr.hpp"

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace acp::config::detail {

/// Collects the problems of one cluster, each at its value's position.
class Checker {
public:
  explicit Checker(const Cluster& c) : m_c(c) {}

  /// Reports a problem at the position of `path` (e.g. "spec.nodes[0].address").
  void fail(const std::string& path, std::string message, std::string hint = {}) {
    m_problems.push_back(Problem{m_c.where(path), path, std::move(message), std::move(hint)});
  }
  /// The problems reported so far, in order; leaves none behind.
  std::vector<Problem> take() { return std::move(m_problems); }
  /// The cluster being checked.
  const Cluster& cluster() const { return m_c; }

private:
  const Cluster& m_c;
  std::vector<Problem> m_problems;
};

/// Whether `s` is at most `max_size` characters and matches `re` (std::regex recurses per
/// character, so a longer value is refused before matching).
bool short_match(std::string_view s, const std::regex& re, std::size_t max_size);

/// Whether `s` is a DNS label (RFC 1123: lower-case letters, digits, '-', at most 63).
bool is_dns_label(std::string_view s);

/// Whether `s` is a host name (dot-separated labels, at most 253 characters).
bool is_hostname(std::string_view s);

/// The parsed network blocks of spec.network, for the checks that compare addresses to them.
struct Networks {
  std::vector<util::Cidr> pod;     ///< podCIDR, one per family
  std::vector<util::Cidr> service; ///< serviceCIDR, one per family
  std::optional<util::Cidr> node;  ///< nodeCIDR, when given
};

/// Checks spec.network: each CIDR, the IP family, and that the blocks do not overlap.
Networks check_network(Checker& ck);

/// Checks spec.controlPlaneEndpoint: the VIP (free, in the nodes' subnet) and its interface,
/// or the external load balancer's address.
void check_endpoint(Checker& ck, const Networks& nets);

/// Checks each node: its name, its address (unique, in nodeCIDR, outside the pod and service
/// blocks) and its labels.
void check_nodes(Checker& ck, const Networks& nets);

/// Checks spec.kubernetesVersion (a release whose kubeadm acpctl can configure) and the sizes
/// of the service and pod blocks against kubeadm's and kube-controller-manager's limits.
void check_kubernetes(Checker& ck, const Networks& nets);

/// Checks the roles across nodes: a control plane, and 1, 3 or 5 etcd members.
void check_roles(Checker& ck);

} // namespace acp::config::detail
