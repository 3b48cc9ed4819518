#pragma once
// `acpctl etcd snapshot restore`: every member's data dir rebuilt from one snapshot, as a
// plan the user sees first and then its execution. Everything slow happens while the
// members still run; they are down only for two renames each:
//   1. stage: the snapshot (already on the workstation, its sha256 checked against the one
//      recorded at save time) is uploaded to every member, sha256 checked on each node;
//   2. prepare: on every member at once, etcd restores it into <data-dir>.restore-<stamp>
//      with a new cluster token (a truncated or damaged file fails here, nothing stopped);
//   3. stop every member;
//   4. swap: the data dir goes aside (<data-dir>.pre-restore-<stamp>), the prepared one
//      takes its place;
//   5. start every member together and wait until all are healthy;
//   6. the aside data dirs and staged copies are removed.
// A failure in 3 to 5 puts the aside data dirs back and starts the members again.

#include "acpctl/config/model.hpp"
#include "acpctl/facts/host_facts.hpp"
#include "acpctl/transport/transport.hpp"
#include "acpctl/util/error.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace acp::etcd {

/// The snapshot to restore, on the workstation.
struct RestoreSource {
  std::string name;            ///< its file name (what the members' copies are called)
  std::string origin;          ///< "node n1", "s3://bucket/key", "file ./x.db"
  std::filesystem::path local; ///< where it is now
  std::string sha256;          ///< of the local file, checked against the recorded one
  std::uint64_t size = 0;
};

/// What the restore does on one member.
struct RestoreMember {
  std::string node;
  std::string data_dir;
  std::string prepared; ///< where etcd restores the snapshot before anything stops
  std::string aside;    ///< where the current data dir goes until the cluster is healthy
  std::string staged;   ///< the snapshot's copy on the node
};

struct RestorePlan {
  RestoreSource source;
  std::string token;           ///< the new cluster token
  std::string initial_cluster; ///< "n1=https://...:2380,..."
  std::vector<RestoreMember> members;
  /// The plan as lines for the user: one per step and node.
  std::vector<std::string> lines() const;
};

/// The plan for the etcd nodes of `cluster` at time `at` (the stamp of the aside dirs and
/// the token).
RestorePlan plan_restore(const config::Cluster& cluster, RestoreSource source,
                         std::chrono::system_clock::time_point at);

/// How the restore reaches the nodes: a node's transport by name, and its facts (for its
/// service manager).
struct RestoreNodes {
  std::function<transport::Transport&(const std::string&)> transport;
  const std::map<std::string, facts::HostFacts>* facts = nullptr;
  std::function<void(const std::string&)> progress; ///< one line per step done
};

struct Restored {
  std::uint64_t snapshot_revision = 0; ///< from the snapshot (`snapshot status`)
  std::uint64_t revision = 0;          ///< the running cluster's, after the restore
  std::uint64_t keys = 0;              ///< keys in the snapshot
};

/// Runs `plan`. Before anything stops it fails with Errc::verify when a node received
/// other bytes or etcd cannot read the snapshot (and removes what it prepared); after, it
/// rolls the members back to their aside data dirs and says so.
Result<Restored> apply_restore(const config::Cluster& cluster, const RestorePlan& plan,
                               const RestoreNodes& nodes);

} // namespace acp::etcd

namespace acp::etcd {

/// The snapshot `from` names, brought to the workstation into `work_dir` and checked:
/// - a path to a local file (it exists, or holds a '/'): taken as it is; its sha256 must
///   match FILE.sha256 when one is beside it;
/// - a snapshot name: the first etcd node that holds it with a matching digest (a copy
///   whose digest does not match its NAME.sha256 is never used), downloaded; when no node
///   has it and S3 is configured, the S3 copy (checked against its NAME.sha256 object).
/// Fails with Errc::verify when the bytes are not the ones recorded at save time, naming
/// where they came from; with Errc::invalid_input when no node holds the name.
Result<RestoreSource> fetch_snapshot(const config::Cluster& cluster, const std::string& from,
                                     const RestoreNodes& nodes,
                                     const std::filesystem::path& work_dir);
/// Ok for "snapshot-etcd-...db" made of letters, digits and - . _ : (IPv6 addresses), at
/// most 200 bytes: a name can never reach outside the snapshot directory or the S3 prefix.
/// Errc::invalid_input otherwise.
Status check_snapshot_name(const std::string& name);
/// As fetch_snapshot for a name, from the nodes only (never S3).
Result<RestoreSource> fetch_from_node(const config::Cluster& cluster, const std::string& name,
                                      const RestoreNodes& nodes,
                                      const std::filesystem::path& work_dir);

/// Checks the file at `local` against `recorded` (may be empty: unrecorded) and fills the
/// source's sha256 and size. Errc::verify naming `origin` on a mismatch.
Result<RestoreSource> checked_source(std::string name, std::string origin,
                                     std::filesystem::path local, const std::string& recorded);

} // namespace acp::etcd
