// Where a restore's snapshot comes from: a local file, or a node's snapshot directory. The
// bytes are checked on the workstation against the sha256 recorded when they were saved,
// before the plan is even shown.

#include "acpctl/components/etcd/restore.hpp"
#include "acpctl/components/etcd/s3_store.hpp"
#include "acpctl/components/etcd/snapshot.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"
#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace acp::etcd {

namespace {

// "SUM  NAME" as sha256sum and save.sh write it; empty when there is no such file.
Result<std::string> recorded_beside(const std::filesystem::path& file) {
  auto sidecar = file;
  sidecar += ".sha256";
  std::error_code ec;
  if (!std::filesystem::exists(sidecar, ec))
    return std::string();
  auto text = util::read_file(sidecar, 4096);
  if (!text)
    return std::move(text).error();
  return std::string(util::trim(text->substr(0, text->find(' '))));
}

} // namespace

Status check_snapshot_name(const std::string& name) {
  const bool plain = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
           c == ':';
  });
  if (plain && name.size() <= 200 && name.starts_with("snapshot-etcd-") && name.ends_with(".db"))
    return {};
  return Error(Errc::invalid_input, fmt::format("{} is not a snapshot's name", util::quoted(name)))
      .with_hint("names look like snapshot-etcd-20261202-020000-10.0.0.11.db, as `acpctl etcd "
                 "snapshot list` shows them");
}

Result<RestoreSource> fetch_from_node(const config::Cluster& cluster, const std::string& name,
                                      const RestoreNodes& nodes,
                                      const std::filesystem::path& work_dir) {
  if (auto ok = check_snapshot_name(name); !ok)
    return std::move(ok).error();
  std::vector<std::string> damaged;
  for (const auto* node : cluster.nodes_with(config::Role::etcd)) {
    auto found = find_snapshot(nodes.transport(node->name), cluster, *node, name);
    if (!found)
      return Error(std::move(found).error()).with_host(node->name);
    if (!*found)
      continue;
    const auto local = work_dir / name;
    if (auto ok =
            nodes.transport(node->name).download(snapshot_dir(cluster) + "/" + name, local, true);
        !ok)
      return std::move(ok).error();
    auto checked = checked_source(name, "node " + node->name, local, (*found)->recorded_sha256);
    if (checked || checked.error().code() != Errc::verify)
      return checked;
    damaged.push_back(node->name); // another node may hold a good copy
  }
  if (!damaged.empty())
    return Error(Errc::verify,
                 fmt::format("{} on {} no longer matches its sha256 (damaged since it was saved)",
                             name, util::join(damaged, ", ")))
        .with_hint("nothing was stopped; restore another snapshot (`acpctl etcd snapshot list`)");
  return Error(Errc::invalid_input, fmt::format("no etcd node holds the snapshot {}", name))
      .with_hint("`acpctl etcd snapshot list -f cluster.yaml` shows the snapshots there are; give "
                 "a path (./file.db) for a local file");
}

Result<RestoreSource> checked_source(std::string name, std::string origin,
                                     std::filesystem::path local, const std::string& recorded) {
  auto sum = util::sha256_file(local);
  if (!sum)
    return std::move(sum).error();
  if (!recorded.empty() && *sum != recorded)
    return Error(Errc::verify, fmt::format("{} from {} has sha256 {}, but {} was recorded when it "
                                           "was saved",
                                           name, origin, *sum, recorded))
        .with_hint("the snapshot is damaged or was changed; nothing was stopped. Restore "
                   "another snapshot (`acpctl etcd snapshot list`)");
  std::error_code ec;
  const auto size = std::filesystem::file_size(local, ec);
  return RestoreSource{std::move(name), std::move(origin), std::move(local), *sum,
                       ec ? 0 : static_cast<std::uint64_t>(size)};
}

Result<RestoreSource> fetch_snapshot(const config::Cluster& cluster, const std::string& from,
                                     const RestoreNodes& nodes,
                                     const std::filesystem::path& work_dir) {
  std::error_code ec;
  if (from.find('/') != std::string::npos || std::filesystem::is_regular_file(from, ec)) {
    const std::filesystem::path local(from);
    if (!std::filesystem::is_regular_file(local, ec))
      return Error(Errc::invalid_input, fmt::format("{} is not a file", util::quoted(from)))
          .with_hint("give a snapshot file, or a snapshot's name as `acpctl etcd snapshot list` "
                     "shows it");
    auto recorded = recorded_beside(local);
    if (!recorded)
      return std::move(recorded).error();
    return checked_source(local.filename().string(), "file " + from, local, *recorded);
  }
  if (auto ok = check_snapshot_name(from); !ok)
    return Error(Errc::invalid_input,
                 fmt::format("{} is neither a file nor a snapshot's name", util::quoted(from)))
        .with_hint(ok.error().hint());
  auto found = fetch_from_node(cluster, from, nodes, work_dir);
  const bool s3 = cluster.etcd_backup && cluster.etcd_backup->s3;
  if (found || found.error().code() != Errc::invalid_input || !s3)
    return found;
  // On no node: the S3 copy (the disaster the S3 copy is for: the nodes lost their disks).
  auto client = s3_client(cluster);
  if (!client)
    return std::move(client).error();
  return fetch_s3(*client, cluster, from, work_dir);
}

} // namespace acp::etcd
