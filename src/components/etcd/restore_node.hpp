#pragma once
// The restore's per-node operations (restore_node.cpp), each a fixed sh script with the
// values as arguments, run as root on one member.

#include "acpctl/components/etcd/restore.hpp"
#include "acpctl/service/manager.hpp"
#include "run_root.hpp"

namespace acp::etcd::detail {


/// What the trial restore learnt from the snapshot.
struct SnapshotStatus {
  std::uint64_t revision = 0;
  std::uint64_t keys = 0;
};
/// A restore of `staged` into a scratch dir on the node (then removed), and the snapshot's
/// status. Fails with Errc::verify quoting etcd when it cannot read the snapshot.
Result<SnapshotStatus> trial_restore(transport::Transport& on, const std::string& staged,
                                     const std::string& scratch);

/// Moves the data dir aside and restores it from the staged snapshot.
Status restore_member(transport::Transport& on, const RestorePlan& plan, const RestoreMember& m,
                      const std::string& peer_url);
/// Puts the aside data dir back (when there is one).
Status undo_member(transport::Transport& on, const RestoreMember& m);
/// Removes the aside data dir and the staged copy.
Status clean_member(transport::Transport& on, const RestoreMember& m);

/// Stops (`up` false) or starts the service and waits until the supervisor says so.
Status switch_service(transport::Transport& on, const service::ServiceManager& manager,
                      const std::string& name, bool up, std::chrono::seconds limit);

} // namespace acp::etcd::detail
