// etcd snapshots in S3. The .sha256 object is written after the snapshot, so a snapshot
// whose upload was cut short has no record and is never restored without a warning.

#include "acpctl/components/etcd/s3_store.hpp"

#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"

#include <fmt/format.h>

namespace acp::etcd {

namespace {

constexpr std::string_view k_prefix = "snapshot-etcd-";

Result<std::string> credential(const config::SecretRef& ref, const config::Cluster& cluster,
                               const char* field) {
  auto value = ref.resolve();
  if (!value)
    return Error(std::move(value).error())
        .at(cluster.where(std::string("spec.etcdBackup.remoteStorage.s3.") + field));
  log::add_secret(*value);
  return value;
}

std::string dir_of(const config::S3Storage& s3) {
  auto dir = s3.dir;
  while (!dir.empty() && dir.front() == '/')
    dir.erase(dir.begin());
  while (!dir.empty() && dir.back() == '/')
    dir.pop_back();
  return dir;
}

// Snapshots older than the ttl, and their records.
Result<std::vector<std::string>> expire(s3::Client& client, const config::Cluster& cluster,
                                        std::chrono::system_clock::time_point now) {
  auto ttl = ttl_minutes(cluster);
  if (!ttl)
    return std::move(ttl).error();
  auto objects = client.list(s3_key(cluster, std::string(k_prefix)));
  if (!objects)
    return std::move(objects).error();
  const auto cutoff = std::chrono::system_clock::to_time_t(now) - std::int64_t{*ttl} * 60;
  std::vector<std::string> gone;
  for (const auto& o : *objects) {
    if (!o.key.ends_with(".db") || o.modified >= cutoff)
      continue;
    for (const auto& key : {o.key, o.key + ".sha256"})
      if (auto ok = client.remove(key); !ok)
        return std::move(ok).error();
    gone.push_back(o.key.substr(o.key.rfind('/') + 1));
  }
  return gone;
}

} // namespace

Result<s3::Client> s3_client(const config::Cluster& cluster) {
  if (!cluster.etcd_backup || !cluster.etcd_backup->s3)
    return Error(Errc::invalid_input, "the config has no S3 storage for etcd snapshots")
        .at(cluster.where("spec.etcdBackup"))
        .with_hint("add spec.etcdBackup.remoteStorage.s3 (endpoint, bucket, accessKey, secretKey)");
  const auto& s3 = *cluster.etcd_backup->s3;
  auto key_id = credential(s3.access_key, cluster, "accessKey");
  if (!key_id)
    return std::move(key_id).error();
  auto secret = credential(s3.secret_key, cluster, "secretKey");
  if (!secret)
    return std::move(secret).error();
  s3::Endpoint endpoint;
  endpoint.url = s3.endpoint;
  while (endpoint.url.ends_with('/'))
    endpoint.url.pop_back();
  endpoint.region = s3.region;
  endpoint.bucket = s3.bucket;
  endpoint.path_style = s3.path_style.value_or(s3::default_path_style(endpoint.url));
  endpoint.verify_tls = !s3.skip_tls_verify;
  endpoint.ca_file = s3.ca_file;
  return s3::Client(std::move(endpoint), s3::Credentials{*key_id, *secret, ""});
}

std::string s3_key(const config::Cluster& cluster, const std::string& name) {
  const auto dir = dir_of(*cluster.etcd_backup->s3);
  return dir.empty() ? name : dir + "/" + name;
}

Result<S3Upload> upload_snapshot(s3::Client& client, const config::Cluster& cluster,
                                 const std::filesystem::path& local, const std::string& name,
                                 const std::string& sha256,
                                 std::chrono::system_clock::time_point now) {
  S3Upload out;
  out.key = s3_key(cluster, name);
  auto put = client.put_file(out.key, local);
  if (!put)
    return std::move(put).error();
  out.put = *put;
  if (auto ok = client.put_text(out.key + ".sha256", sha256 + "  " + name + "\n"); !ok)
    return std::move(ok).error();
  auto expired = expire(client, cluster, now);
  if (!expired)
    return std::move(expired).error();
  out.expired = std::move(*expired);
  return out;
}

Result<std::vector<StoredSnapshot>> list_s3(s3::Client& client, const config::Cluster& cluster) {
  auto objects = client.list(s3_key(cluster, std::string(k_prefix)));
  if (!objects)
    return std::move(objects).error();
  std::vector<StoredSnapshot> out;
  for (const auto& o : *objects) {
    if (!o.key.ends_with(".db"))
      continue;
    StoredSnapshot s;
    s.node = "s3";
    s.name = o.key.substr(o.key.rfind('/') + 1);
    s.size = o.size;
    s.modified = o.modified;
    if (auto text = client.get_text(o.key + ".sha256", 4096))
      s.recorded_sha256 = std::string(util::trim(text->substr(0, text->find(' '))));
    out.push_back(std::move(s));
  }
  return out;
}

Result<RestoreSource> fetch_s3(s3::Client& client, const config::Cluster& cluster,
                               const std::string& name, const std::filesystem::path& work_dir) {
  if (auto ok = check_snapshot_name(name); !ok)
    return std::move(ok).error();
  const auto key = s3_key(cluster, name);
  auto record = client.get_text(key + ".sha256", 4096);
  if (!record)
    return Error(std::move(record).error())
        .context(fmt::format("reading the sha256 recorded for {}", client.describe(key)));
  const auto local = work_dir / name;
  if (auto ok = client.get_file(key, local); !ok)
    return std::move(ok).error();
  return checked_source(name, client.describe(key), local,
                        std::string(util::trim(record->substr(0, record->find(' ')))));
}

} // namespace acp::etcd
