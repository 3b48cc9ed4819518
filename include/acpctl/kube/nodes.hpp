#pragma once
// Taking a node out of a cluster, as `kubectl drain --ignore-daemonsets` then `kubectl delete
// node` do it: cordon, evict through the Eviction API (which honours PodDisruptionBudgets),
// wait for the pods to be gone, delete the Node object.

#include "acpctl/kube/api.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace acp::kube {

/// A pod bound to a node, as much of it as a drain needs.
struct PodRef {
  std::string ns{};
  std::string name{};
  std::string uid{};
  bool daemonset = false; ///< owned by a DaemonSet: the DaemonSet would put it back
  bool mirror = false;    ///< a static pod's mirror (annotation kubernetes.io/config.mirror)
};

/// PATCH the Node with spec.unschedulable=true (a JSON merge patch). Fails naming the node
/// and the server; Errc::failed "node X does not exist" on 404.
Status cordon(const ApiTarget& target, std::string_view node);

/// GET /api/v1/pods?fieldSelector=spec.nodeName=NODE: every pod bound to the node, in every
/// namespace.
Result<std::vector<PodRef>> list_pods_on(const ApiTarget& target, std::string_view node);

/// POST .../namespaces/NS/pods/POD/eviction with a policy/v1 Eviction. A pod already gone
/// (404) is fine. While a PodDisruptionBudget forbids it (429) it is tried again every 2 s for
/// up to `timeout`, then fails with Errc::timeout naming the pod and the server.
Status evict(const ApiTarget& target, std::string_view ns, std::string_view pod,
             std::chrono::seconds timeout = std::chrono::seconds{120});

/// cordon, then evict every pod on the node but DaemonSet-owned and mirror pods, then wait
/// until none of the evicted pods is left on it; all within `timeout`. Fails with
/// Errc::timeout naming the node, the pods left and the server.
Status drain(const ApiTarget& target, std::string_view node, std::chrono::seconds timeout);

/// DELETE /api/v1/nodes/NODE; a node already gone (404) is fine.
Status delete_node(const ApiTarget& target, std::string_view node);

} // namespace acp::kube
