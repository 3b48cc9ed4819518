#pragma once
// `acpctl status`: what acpctl installed on each node, whether its services run, and whether
// an apply holds the node's lock. Read-only; one unreachable node never hides the others.

#include "acpctl/config/model.hpp"
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
  std::string lock_error; ///< the lock file could not be read (node otherwise fine)

  bool reached() const { return !error.has_value(); }
};

/// Gathers the status of `nodes`, at most `parallel` at once: facts (one round trip), the
/// apply lock, and each service's pid. Returns one entry per node in order; never throws for
/// a node's failure, which lands in that node's `error`.
std::vector<NodeStatus> gather_status(const std::vector<const config::Node*>& nodes,
                                      const Connect& connect, int parallel = 16,
                                      const std::string& lock_path = k_lock_path);

/// Text for people: a block per node. `color` adds ANSI colors.
std::string render_status_text(const std::vector<NodeStatus>& nodes, bool color);
/// {"schema":1,"type":"status","nodes":[{name,address,reachable,error,serial,supervisor,
/// components:[…],lock}]}.
nlohmann::json status_to_json(const std::vector<NodeStatus>& nodes);

} // namespace acp::runner
