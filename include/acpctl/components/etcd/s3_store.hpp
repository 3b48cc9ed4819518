#pragma once
// etcd snapshots in S3 (spec.etcdBackup.remoteStorage.s3): uploaded from the workstation
// (the credentials never reach a node), each with NAME.sha256 beside it, expired by the
// same ttl as on the nodes; listed; fetched and checked for a restore.

#include "acpctl/components/etcd/restore.hpp"
#include "acpctl/components/etcd/snapshot.hpp"
#include "acpctl/s3/client.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace acp::etcd {

/// The client for the configured bucket; its secret key is registered with the log's
/// masking. Fails with Errc::invalid_input naming spec.etcdBackup.remoteStorage.s3 when none
/// is configured or a credential cannot be read.
Result<s3::Client> s3_client(const config::Cluster& cluster);
/// "<dir>/<name>" (dir without surrounding slashes), or "<name>" without a dir.
std::string s3_key(const config::Cluster& cluster, const std::string& name);

struct S3Upload {
  s3::PutResult put;
  std::string key;
  std::vector<std::string> expired; ///< snapshots removed from S3 (older than the ttl)
};
/// Uploads the snapshot at `local` and then NAME.sha256; removes snapshots older than the
/// ttl (by their LastModified, against `now`) with their .sha256.
Result<S3Upload> upload_snapshot(s3::Client& client, const config::Cluster& cluster,
                                 const std::filesystem::path& local, const std::string& name,
                                 const std::string& sha256,
                                 std::chrono::system_clock::time_point now);
/// The snapshots in S3 (node "s3"), with the sha256 recorded in their NAME.sha256.
Result<std::vector<StoredSnapshot>> list_s3(s3::Client& client, const config::Cluster& cluster);
/// Downloads `name` into `work_dir` and checks it against its NAME.sha256.
Result<RestoreSource> fetch_s3(s3::Client& client, const config::Cluster& cluster,
                               const std::string& name, const std::filesystem::path& work_dir);

} // namespace acp::etcd
