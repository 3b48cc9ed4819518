#pragma once
// `acpctl status`: what acpctl installed on each node, whether its services run, and whether
// an apply holds the node's lock. Read-only; one unreachable node never hides the others.

#include "acpctl/config/model.hpp"
#include "acpctl/facts/host_facts.hpp"
#include "acpctl/runner/connect.hpp"
#include "acpctl/runner/lock.hpp"
#include "acpctl/stages/registry.hpp"
#include "acpctl/transport/transport.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace acp::runner {

/// One installed component and its service as the node reports them.
struct ComponentStatus {
  std::string name;
  std::string version;
  std::string digest;
  std::string installed_at;
  std::string service;       ///< service name without "acp-"; empty: the component has none
  std::string service_state; ///< "running", "down", "missing"; empty without a service
  int pid = 0;               ///< the service's main process, 0 if unknown or not running
};

/// One node: reached or not, its state serial, components and lock.
struct NodeStatus {
  std::string name;
  std::string address;
  std::optional<Error> error; ///< set when the node could not be reached or read
  std::uint64_t serial = 0;
  std::string supervisor; ///< "systemd", "runit", "unknown"
  std::vector<ComponentStatus> components;
  std::optional<LockOwner> lock;
  std::string lock_error; ///< the lock file could not be read (node otherwise fine)
  /// The components' lines about this node (etcd's member), in registration order.
  std::vector<stages::StatusLine> lines;

  bool reached() const { return !error.has_value(); }
};

/// Every node's status and the components' lines about the whole cluster (etcd's quorum,
/// the VIP's holder), from the facts of the nodes that answered.
struct StatusReport {
  std::vector<NodeStatus> nodes;
  std::vector<stages::StatusLine> cluster;
  /// 1 if a node could not be reached; else the first non-zero exit code of a cluster
  /// line (3: etcd lost quorum); else 0.
  int exit_code() const;
};

/// Gathers the status of `nodes`, at most `parallel` at once: facts (one round trip, with
/// the registry's probes), the apply lock, each service's pid, and the registry's status
/// lines. Returns one entry per node in order; never throws for a node's failure, which
/// lands in that node's `error`.
StatusReport gather_status(const config::Cluster& cluster,
                           const std::vector<const config::Node*>& nodes, const Connect& connect,
                           const stages::Registry& registry, int parallel = 16,
                           const std::string& lock_path = k_lock_path);

/// The cluster lines after the node blocks, one a line (colored when asked).
std::string render_cluster_text(const std::vector<stages::StatusLine>& lines, bool color);

/// Text for people: a block per node. `color` adds ANSI colors.
std::string render_status_text(const std::vector<NodeStatus>& nodes, bool color);
/// {"schema":1,"type":"status","nodes":[{name,address,reachable,error,serial,supervisor,
/// components:[…],lock, <line key>: …}], <cluster line key>: …} ("etcd", "vip": null when
/// the cluster has none).
nlohmann::json status_to_json(const StatusReport& report);

} // namespace acp::runner
