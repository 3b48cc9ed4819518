#pragma once
// Preflight: every reason a cluster cannot be applied, found from facts before anything is
// changed, reported at once and per host, each with what to do.

#include "acpctl/config/model.hpp"
#include "acpctl/facts/host_facts.hpp"
#include "acpctl/preflight/reach.hpp"

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

namespace acp::preflight {

/// What the package and policy ask of every host.
struct Requirements {
  std::string arch;             ///< the package's arch (amd64, arm64); empty: any
  std::uint64_t disk_bytes = 0; ///< free space needed at disk_path (the unpacked package)
  std::string disk_path = "/opt/acp";
  double max_clock_offset_seconds = 2.0;
  std::span<const PortClaim> claims; ///< the components' declared ports
  /// The reachability probes' results per node (see reach.hpp); null, or a node missing from
  /// it: not checked.
  const ReachResults* reach = nullptr;
  int reach_limit_seconds = 3; ///< the probes' time limit, for the messages
};

/// One thing wrong on one host.
struct Problem {
  std::string check;   ///< "arch", "port", "disk", "clock", "hostname", "address", "services",
                       ///< "reach"
  std::string message; ///< what is wrong
  std::string hint;    ///< what to do
};

/// The problems of one node (empty when it passed).
struct HostReport {
  std::string host;
  std::vector<Problem> problems;
  bool ok() const { return problems.empty(); }
};

/// Checks every node of `cluster` against its facts. One report per node, in config order;
/// a node without facts gets one problem saying so.
std::vector<HostReport> check(const config::Cluster& cluster,
                              const std::map<std::string, facts::HostFacts>& facts,
                              const Requirements& requirements);

/// True if no report has a problem.
bool passed(const std::vector<HostReport>& reports);

/// TCP ports `node` needs free: etcd's client and peer ports and 6443 on control-plane and
/// etcd nodes, 10249-10256 on every Kubernetes node, plus the declared ports of the
/// components that go to it. Sorted, unique.
std::vector<int> required_ports(const config::Cluster& cluster, const config::Node& node,
                                std::span<const PortClaim> claims);

/// For people: per failing host "host:" then "  - message" and "    what to do: hint" lines;
/// "" when every host passed.
std::string render_text(const std::vector<HostReport>& reports);
/// For -o json: {"passed": bool, "hosts": [{"host", "problems": [{"check","message","hint"}]}]}.
nlohmann::json to_json(const std::vector<HostReport>& reports);

} // namespace acp::preflight
