#pragma once
// `acpctl status`: what acpctl installed on each node, whether its services run, and whether
// an apply holds the node's lock. Read-only; one unreachable node never hides the others.

#include "acpctl/config/model.hpp"
#include "acpctl/facts/host_facts.hpp"
#include "acpctl/runner/connect.hpp"
#include "acpctl/runner/lock.hpp"
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
  std::string lock_error;               ///< the lock file could not be read (node otherwise fine)
  std::optional<facts::EtcdFacts> etcd; ///< the local etcd member, where acpctl set one up
  bool etcd_record = false;             ///< state.json records an etcd member here
  std::vector<std::string> addresses;   ///< every address on the node's interfaces

  bool reached() const { return !error.has_value(); }
};

/// Gathers the status of `nodes`, at most `parallel` at once: facts (one round trip), the
/// apply lock, and each service's pid. Returns one entry per node in order; never throws for
/// a node's failure, which lands in that node's `error`.
std::vector<NodeStatus> gather_status(const std::vector<const config::Node*>& nodes,
                                      const Connect& connect, int parallel = 16,
                                      const std::string& lock_path = k_lock_path);

/// The etcd cluster across the nodes: its members, how many answer, quorum, in words.
struct EtcdClusterStatus {
  int members = 0;
  int up = 0;
  bool quorum = false;
  std::string summary; ///< "etcd: 3/3 members healthy, quorum ok ..." or "... QUORUM LOST ..."
};
/// Nullopt when no node runs or records an etcd member.
std::optional<EtcdClusterStatus> etcd_status(const config::Cluster& cluster,
                                             const std::vector<NodeStatus>& nodes);
/// The summary line (colored when asked) after the node blocks; empty without etcd.
std::string render_etcd_text(const std::optional<EtcdClusterStatus>& etcd, bool color);

/// The self-built VIP and the nodes that hold it now (from their addresses); nullopt without
/// a selfBuiltVIP. Exactly one holder is healthy; none or several is shown in red.
struct VipStatus {
  std::string address;
  std::vector<std::string> holders;
};
std::optional<VipStatus> vip_status(const config::Cluster& cluster,
                                    const std::vector<NodeStatus>& nodes);
/// "VIP 10.88.0.100 on n1", or what is wrong, one line; empty without a VIP.
std::string render_vip_text(const std::optional<VipStatus>& vip, bool color);
/// {"address": ..., "holders": [...]}, or null.
nlohmann::json vip_to_json(const std::optional<VipStatus>& vip);
/// {"members","up","quorum","summary"} or null.
nlohmann::json etcd_to_json(const std::optional<EtcdClusterStatus>& etcd);

/// Text for people: a block per node. `color` adds ANSI colors.
std::string render_status_text(const std::vector<NodeStatus>& nodes, bool color);
/// {"schema":1,"type":"status","nodes":[{name,address,reachable,error,serial,supervisor,
/// components:[…],lock}]}.
nlohmann::json status_to_json(const std::vector<NodeStatus>& nodes);

} // namespace acp::runner
