#pragma once
// etcd snapshots on the nodes (`acpctl etcd snapshot save|list`): taken from a healthy
// member (a follower when there is one) with the node's own etcdctl and health-check client
// certificate, stored under spec.etcdBackup.localStorage.path (0700) as
// snapshot-etcd-<yyyymmdd>-<hhmmss>-<node-ip>.db with its sha256 beside it; snapshots older
// than the ttl are removed after each save.

#include "acpctl/config/model.hpp"
#include "acpctl/facts/host_facts.hpp"
#include "acpctl/transport/transport.hpp"
#include "acpctl/util/error.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acp::etcd {

/// "snapshot-etcd-20261202-074500-10.88.0.11.db" (UTC).
std::string snapshot_name(std::chrono::system_clock::time_point at,
                          const std::string& node_address);

/// "7d", "12h", "30m" as minutes; fails naming spec.etcdBackup.localStorage.ttl.
Result<int> ttl_minutes(const config::Cluster& cluster);

/// The snapshot directory on the nodes: spec.etcdBackup.localStorage.path, or the default.
std::string snapshot_dir(const config::Cluster& cluster);

/// The node to take a snapshot from: a member that is up and healthy, a follower when one
/// is (the leader keeps serving writes). Fails saying what is wrong when none is.
Result<std::string> snapshot_source(const config::Cluster& cluster,
                                    const std::map<std::string, facts::HostFacts>& facts);

/// The node to take a snapshot from, asked quickly: each etcd node's own `endpoint status`
/// (one etcdctl call per node, all at once). A member that knows a leader, a follower when
/// there is one. Nullopt when no member answered so: the caller gathers the full facts and
/// lets snapshot_source say what is wrong.
std::optional<std::string>
quick_snapshot_source(const config::Cluster& cluster,
                      const std::function<transport::Transport&(const std::string&)>& node);

/// One snapshot file on a node.
struct StoredSnapshot {
  std::string node;
  std::string name;
  std::uint64_t size = 0;
  std::int64_t modified = 0;   ///< seconds since 1970
  std::string recorded_sha256; ///< from NAME.sha256; empty when missing
  std::string actual_sha256;   ///< of the file now; empty when not read (in S3)
  bool digest_ok() const { return !recorded_sha256.empty() && recorded_sha256 == actual_sha256; }
  /// A recorded sha256 that the file no longer has: damaged (or changed) since it was saved.
  bool damaged() const {
    return !recorded_sha256.empty() && !actual_sha256.empty() && recorded_sha256 != actual_sha256;
  }
  /// "ok", "mismatch", "unrecorded" (no NAME.sha256 beside it: not saved by acpctl) or
  /// "unchecked" (in S3: checked when fetched for a restore).
  std::string_view digest_state() const {
    return digest_ok()               ? "ok"
           : damaged()               ? "mismatch"
           : recorded_sha256.empty() ? "unrecorded"
                                     : "unchecked";
  }
};

/// What a save did.
struct SavedSnapshot {
  StoredSnapshot snapshot;
  std::string path;
  std::vector<std::string> expired; ///< older snapshots removed (ttl)
};

/// Takes a snapshot on `node` (its transport `on`) into snapshot_dir: through a temp file,
/// then renamed with its .sha256; removes snapshots older than the ttl. Fails with etcdctl's
/// words, naming the node.
Result<SavedSnapshot> save_snapshot(transport::Transport& on, const config::Cluster& cluster,
                                    const config::Node& node,
                                    std::chrono::system_clock::time_point at);

/// The snapshots in snapshot_dir on `node`, each digest checked; none when the directory
/// does not exist.
Result<std::vector<StoredSnapshot>>
list_snapshots(transport::Transport& on, const config::Cluster& cluster, const config::Node& node);

/// The snapshot `name` on `node` with its recorded sha256 (the file's own is not computed:
/// the caller checks the bytes it fetches); none when the node does not hold it.
Result<std::optional<StoredSnapshot>> find_snapshot(transport::Transport& on,
                                                    const config::Cluster& cluster,
                                                    const config::Node& node,
                                                    const std::string& name);

/// Parses the list script's lines ("NAME SIZE MTIME RECORDED ACTUAL").
std::vector<StoredSnapshot> parse_snapshot_list(std::string_view output, const std::string& node);

} // namespace acp::etcd
