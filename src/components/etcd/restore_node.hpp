#pragma once
// The restore's per-node operations (restore_node.cpp), each a fixed sh script with the
// values as arguments, run as root on one member.

#include "acpctl/components/etcd/restore.hpp"
#include "acpctl/service/manager.hpp"
#include "run_root.hpp"

namespace acp::etcd::detail {

/// What `snapshot status` says of a snapshot.
struct SnapshotStatus {
  std::uint64_t revision = 0;
  std::uint64_t keys = 0;
};
Result<SnapshotStatus> snapshot_status(transport::Transport& on, const std::string& staged);

/// Restores the staged snapshot into m.prepared (etcd keeps running). Fails with
/// Errc::verify quoting etcd when it cannot read the snapshot, leaving nothing behind.
Status prepare_member(transport::Transport& on, const RestorePlan& plan, const RestoreMember& m,
                      const std::string& peer_url);
/// Moves the data dir aside and the prepared one into its place (etcd stopped).
Status swap_member(transport::Transport& on, const RestoreMember& m);
/// Puts the aside data dir back (when there is one).
Status undo_member(transport::Transport& on, const RestoreMember& m);
/// Removes the prepared dir and the staged copy (a restore that stopped nothing).
Status discard_member(transport::Transport& on, const RestoreMember& m);
/// Removes the aside data dir and the staged copy (a restore that worked).
Status clean_member(transport::Transport& on, const RestoreMember& m);

/// Stops (`up` false) or starts the service and waits until the supervisor says so.
Status switch_service(transport::Transport& on, const service::ServiceManager& manager,
                      const std::string& name, bool up, std::chrono::seconds limit);

} // namespace acp::etcd::detail
