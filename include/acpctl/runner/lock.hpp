#pragma once
// The apply lock: one file per node, /var/lib/acp/apply.lock, holding the owner as JSON.
// Two applies on one node at once would interleave steps and state commits; the lock makes
// the second one stop with a message that names the first.

#include "acpctl/transport/transport.hpp"
#include "acpctl/util/error.hpp"

#include <optional>
#include <string>
#include <vector>

namespace acp::runner {

/// Where the lock lives on a node.
inline constexpr const char* k_lock_path = "/var/lib/acp/apply.lock";
/// A lock taken by another controller is stale after this long (a holder on this controller
/// is judged by whether its process still runs).
inline constexpr long k_lock_stale_seconds = 3600;

/// Who holds a lock: the controller's hostname, the pid and its start time (field 22 of
/// /proc/<pid>/stat, so a reused pid is not mistaken for the holder), when, and what command.
struct LockOwner {
  std::string controller;
  long pid = 0;
  std::string pid_start;
  std::string started_at; ///< RFC 3339 UTC
  std::string command;    ///< "acpctl apply"
};

/// This process as a lock owner: hostname, pid, its start time, now, and `command`.
LockOwner this_process(const std::string& command);

/// "acpctl apply (pid 1234 on ctl-host, since 2026-11-27T15:55:00Z)".
std::string describe(const LockOwner& owner);

/// Takes the apply lock on a node atomically (/var/lib/acp/apply.lock). Held by a live apply →
/// Errc::conflict naming the holder and --force-unlock. A stale lock (holder's process gone on this
/// controller, or older than the stale limit) is taken over with a warning. With `force_unlock` any
/// existing lock is taken over (with a warning naming the holder). `path` is for tests; nodes
/// always use k_lock_path. Runs as root (sudo).
Status acquire_lock(transport::Transport& node, const LockOwner& me, bool force_unlock,
                    const std::string& path = k_lock_path);

/// Removes the lock if `me` holds it; no lock is fine; a lock held by another owner is left
/// in place and reported as Errc::conflict.
Status release_lock(transport::Transport& node, const LockOwner& me,
                    const std::string& path = k_lock_path);

/// The current holder of the lock on `node`, nullopt if there is none. Fails on a transport
/// error, or with Errc::invalid_input if the lock file is not an owner record.
Result<std::optional<LockOwner>> read_lock(transport::Transport& node,
                                           const std::string& path = k_lock_path);

/// The apply lock on several nodes for a command other than apply that changes them (an etcd
/// restore): taken on every node or on none, released when it goes out of scope.
class NodeLocks {
public:
  /// Takes the lock on each node in turn; on a refusal releases those taken and fails with
  /// the refusal, naming the node.
  static Result<NodeLocks> take(std::vector<transport::Transport*> nodes, LockOwner me,
                                bool force_unlock);
  NodeLocks(NodeLocks&& other) noexcept;
  NodeLocks& operator=(NodeLocks&&) = delete;
  NodeLocks(const NodeLocks&) = delete;
  NodeLocks& operator=(const NodeLocks&) = delete;
  ~NodeLocks();

private:
  NodeLocks(std::vector<transport::Transport*> held, LockOwner me)
      : m_held(std::move(held)), m_me(std::move(me)) {}
  std::vector<transport::Transport*> m_held;
  LockOwner m_me;
};

} // namespace acp::runner
