#pragma once
// Preflight "nodes can reach each other on the ports they need": each node opens TCP to its
// peers in one command (every probe at once, bash's /dev/tcp, one time limit for all). Where
// nothing listens yet, "connection refused" proves the path is open; no answer in time means
// a firewall drops the packets or the peer is down. Building the probes, parsing the output
// and judging it are pure; the runner runs reach_command() on each node.

#include "acpctl/config/model.hpp"

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace acp::preflight {

struct Problem;

/// TCP ports a component listens on, and the roles of the nodes that get it (empty: every
/// node): the package's components declare theirs, platform components register theirs.
/// Preflight checks plain claims, not the planner's model: it runs before plan.
struct PortClaim {
  std::vector<config::Role> roles; ///< nodes with any of these roles; empty: every node
  std::vector<int> ports;
  /// The acp- service (no prefix) that listens there: while it runs on a node, the ports
  /// are its own, not a conflict. Empty: only a recorded component's ports are its own.
  std::string service{};
  /// The nodes it applies to must reach each other on these ports (etcd's peer port): the
  /// reachability probes test every such pair, naming `purpose` ("etcd peer").
  bool between_peers = false;
  std::string purpose{};
};

/// One TCP connection a node must be able to open to a peer.
struct Probe {
  std::string target;  ///< the peer's node name
  std::string address; ///< its address in cluster.yaml
  int port = 0;
  std::string purpose; ///< "ssh", "etcd peer"
  bool operator==(const Probe&) const = default;
};

/// What one probe found.
enum class Reach {
  open,     ///< connected
  refused,  ///< the peer answered with a reset: the path is open, nothing listens yet
  blocked,  ///< an error came back at once (no route, unreachable, prohibited)
  no_answer ///< nothing within the time limit: dropped by a firewall, or the peer is down
};

struct ProbeResult {
  Probe probe;
  Reach reach = Reach::no_answer;
  std::string detail; ///< the system's words for an error ("No route to host")
};

/// What `node` must reach: every other node's SSH port and, for each claim between peers that
/// both nodes fall under, each of its ports on the peer. With `changing` not empty, only the paths
/// from or to one of those nodes: an apply that changes nothing on a pair needs nothing new from
/// its path, and every probe of an SSH port costs the peer's sshd a connection (N*(N-1) of them for
/// all pairs).
std::vector<Probe> reach_probes(const config::Cluster& cluster, const config::Node& node,
                                std::span<const PortClaim> claims,
                                std::span<const std::string> changing = {});

/// The probe script (bash; no user values in it). Arguments: the time limit in seconds, then
/// ADDRESS PORT pairs. Prints "@@reach I open" or "@@reach I failed REASON" per probe that
/// finished in time, then "@@reach end".
extern const std::string_view k_reach_script;
/// The argv that runs `probes` on a node with `limit_seconds` for all of them together.
std::vector<std::string> reach_command(const std::vector<Probe>& probes, int limit_seconds);
/// Reads the script's output: one result per probe, in order; a probe without an answer did
/// not finish in time. Fails (empty) if the output has no "@@reach end" line.
std::vector<ProbeResult> parse_reach(std::string_view output, const std::vector<Probe>& probes);

/// The problems in one node's results (check "reach"): one per peer it cannot reach, naming
/// the peer, its address, every port that failed and why, with what to do.
void check_reach(const config::Node& node, const std::vector<ProbeResult>& results,
                 int limit_seconds, std::vector<Problem>& out);

/// Results per node name, as the runner gathered them.
using ReachResults = std::map<std::string, std::vector<ProbeResult>>;

} // namespace acp::preflight
