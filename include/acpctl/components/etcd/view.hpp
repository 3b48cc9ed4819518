#pragma once
// etcd membership as the planner and `acpctl status` see it, from every node's facts: which
// members exist, which node each belongs to, which answer and are healthy, and whether the
// cluster has quorum. Pure.

#include "acpctl/components/etcd/etcd.hpp"
#include "acpctl/config/model.hpp"
#include "acpctl/facts/host_facts.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace acp::etcd {

/// Raft: N members need N/2+1 to accept writes and tolerate (N-1)/2 failures.
constexpr int quorum(int members) {
  return members / 2 + 1;
}
constexpr int tolerance(int members) {
  return (members - 1) / 2;
}

/// One member of the cluster.
struct MemberView {
  Member member;
  std::string node;     ///< the config node it belongs to; empty if none
  bool reached = false; ///< it answers on its node (runs, TLS works): it counts as up
  bool healthy = false; ///< its own `endpoint health` passed (needs a leader)
  bool leader = false;
  std::string error; ///< why it is not healthy, when known
};

/// The cluster as every node's facts show it.
struct ClusterView {
  /// Some node has an etcd record or reports a member list: a cluster exists, so nothing
  /// bootstraps a new one.
  bool exists = false;
  std::vector<MemberView> members; ///< from the member list (the leader's when known)
  bool leader_known = false;       ///< some member answering knows the leader
  /// Members that answer: what quorum counts.
  int up() const;
  int size() const { return static_cast<int>(members.size()); }
  bool has_quorum() const { return size() > 0 && leader_known && up() >= quorum(size()); }
  /// The member of `node` (by name, else by peer URL); null if it is none.
  const MemberView* of_node(const config::Cluster& cluster, const config::Node& node) const;
};

/// Reads the cluster from the facts of the nodes in `facts` (by node name).
ClusterView view_of(const config::Cluster& cluster,
                    const std::map<std::string, facts::HostFacts>& facts);

/// "etcd: 3/3 members healthy, quorum ok" or "etcd: 1/3 healthy — QUORUM LOST: ..." with
/// what to do; empty when no cluster exists.
std::string quorum_line(const ClusterView& view);

} // namespace acp::etcd
