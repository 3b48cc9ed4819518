#pragma once
// The local etcd member as the node's own etcdctl sees it: the etcd component's part of the
// facts script (with the node's health-check client certificate) and its parser. Present on
// nodes where acpctl set up etcd.

#include "acpctl/components/etcd/etcd.hpp"
#include "acpctl/facts/host_facts.hpp"
#include "acpctl/facts/probe.hpp"

#include <optional>
#include <string>
#include <vector>

namespace acp::etcd {

/// The newest snapshot in the node's snapshot directory.
struct LastSnapshot {
  std::string name;
  long long age_seconds = 0; ///< by the node's own clock
};

struct EtcdFacts {
  std::string endpoint;        ///< the local client URL it asked
  bool answered = false;       ///< `endpoint status` answered: the member runs
  EndpointStatus status;       ///< when answered
  std::vector<Member> members; ///< the member list; empty if it could not be read
  bool healthy = false;        ///< `endpoint health` passed (a leader and a quorum read)
  std::string error;           ///< etcdctl's words when it did not answer or is not healthy
  bool scheduled = false;      ///< the snapshot scheduler is set up here (etcd-backup)
  std::optional<LastSnapshot> last_snapshot;
  /// etcd's authorization (users by client-certificate CN) is on; unknown when the member
  /// did not answer
  std::optional<bool> auth{};

  /// True when this member is the leader.
  bool leader() const {
    return answered && status.leader != 0 && status.leader == status.member_id;
  }
};

/// The etcd probe: sections etcd-endpoint, etcd-status, etcd-members, etcd-health, etcd-auth and,
/// where snapshots are scheduled, etcd-snapshot.
facts::Probe facts_probe();
/// The node's etcd facts; null where the probe printed nothing (no member set up).
const EtcdFacts* facts_of(const facts::HostFacts& facts);
/// Sets them (tests, and status's cluster view).
void set_facts(facts::HostFacts& facts, EtcdFacts etcd);

} // namespace acp::etcd
