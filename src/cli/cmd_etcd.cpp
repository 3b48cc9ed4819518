// acpctl etcd snapshot save -f cluster.yaml: a snapshot from a healthy member (a follower
// when there is one) into spec.etcdBackup.localStorage.path on that node, with its sha256;
// expired ones (ttl) removed.
// acpctl etcd snapshot list -f cluster.yaml: the snapshots on every etcd node, digests checked.

#include "acpctl/components/etcd/restore.hpp"
#include "acpctl/components/etcd/s3_store.hpp"
#include "acpctl/components/etcd/snapshot.hpp"
#include "acpctl/runner/session.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"
#include "app.hpp"
#include "commands.hpp"
#include "output.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace acp::cli {

void add_etcd_restore_command(App& app, CLI::App* snapshot);

namespace {

struct Options {
  std::string file;
  int parallel = 16;
  bool s3 = false;    ///< --s3: S3 must be configured
  bool no_s3 = false; ///< --no-s3: keep the snapshot on the node only
};

runner::Session open_session(const Options& o) {
  runner::SessionOptions so;
  so.config = o.file;
  so.parallel = o.parallel;
  return runner::Session::open(so).take();
}

std::vector<std::string> etcd_nodes(const config::Cluster& cluster) {
  std::vector<std::string> out;
  for (const auto* n : cluster.nodes_with(config::Role::etcd))
    out.push_back(n->name);
  return out;
}

nlohmann::json snapshot_json(const etcd::StoredSnapshot& s) {
  return {{"node", s.node},
          {"name", s.name},
          {"size", s.size},
          {"modified", s.modified},
          {"sha256", s.actual_sha256},
          {"digest", s.digest_state()},
          {"digestOk", s.digest_ok()}};
}

bool with_s3(const Options& o, const config::Cluster& cluster) {
  const bool configured = cluster.etcd_backup && cluster.etcd_backup->s3;
  if (o.s3 && !configured)
    throw Failure(Error(Errc::invalid_input, "--s3: the config has no S3 storage for snapshots")
                      .at(cluster.where("spec.etcdBackup"))
                      .with_hint("add spec.etcdBackup.remoteStorage.s3, or leave out --s3"));
  return configured && !o.no_s3;
}

// The snapshot comes to the workstation (the S3 credentials never go to a node), its bytes
// are checked against the sha256 the node recorded, then it goes to S3.
Result<etcd::S3Upload> upload(runner::Session& session, const std::string& name) {
  const auto& cluster = session.cluster();
  auto client = etcd::s3_client(cluster);
  if (!client)
    return std::move(client).error();
  util::TempDir work{"acpctl-snapshot"};
  const etcd::RestoreNodes nodes{
      [&session](const std::string& n) -> transport::Transport& { return session.node(n); },
      nullptr, nullptr};
  auto source = etcd::fetch_from_node(cluster, name, nodes, work.path());
  if (!source)
    return std::move(source).error();
  return etcd::upload_snapshot(*client, cluster, source->local, name, source->sha256,
                               std::chrono::system_clock::now());
}

etcd::S3Upload upload_or_throw(runner::Session& session, const std::string& node,
                               const std::string& name) {
  auto done = upload(session, name);
  if (!done)
    throw Failure(std::move(done).error().with_hint(fmt::format(
        "the snapshot is saved on {} as {}; send it again with `acpctl etcd snapshot upload "
        "{} -f {}` (an interrupted multipart upload resumes)",
        node, name, name, session.cluster().source)));
  return *done;
}

int run_save(const App& app, const Options& o) {
  auto session = open_session(o);
  // S3 settings and credentials are checked before the snapshot is taken.
  const bool to_s3 = with_s3(o, session.cluster());
  if (to_s3)
    (void)etcd::s3_client(session.cluster()).take();
  auto source = etcd::quick_snapshot_source(
      session.cluster(),
      [&session](const std::string& n) -> transport::Transport& { return session.node(n); });
  if (!source) {
    // No member answered as it should: the full facts say which and why.
    const auto gathered = session.gather(etcd_nodes(session.cluster()));
    for (const auto& [host, err] : gathered.errors)
      log::warn(Error(err).with_host(host).describe());
    source = etcd::snapshot_source(session.cluster(), gathered.facts).take();
  }
  const auto& node = *session.cluster().find_node(*source);
  const auto saved = etcd::save_snapshot(session.node(*source), session.cluster(), node,
                                         std::chrono::system_clock::now())
                         .take();
  const auto uploaded =
      to_s3 ? std::optional(upload_or_throw(session, *source, saved.snapshot.name)) : std::nullopt;
  if (app.globals().json()) {
    auto doc = snapshot_json(saved.snapshot);
    doc["path"] = saved.path;
    doc["expired"] = saved.expired;
    if (uploaded)
      doc["s3"] = {{"key", uploaded->key},
                   {"bytes", uploaded->put.bytes},
                   {"multipart", uploaded->put.multipart},
                   {"expired", uploaded->expired}};
    print_json({{"schema", 1}, {"type", "etcd_snapshot"}, {"snapshot", doc}});
    return k_exit_ok;
  }
  fmt::print("{}: {} ({}, sha256 {})\n", *source, saved.path,
             util::human_bytes(saved.snapshot.size), saved.snapshot.actual_sha256);
  for (const auto& name : saved.expired)
    fmt::print("{}: removed {} (older than the ttl)\n", *source, name);
  if (uploaded) {
    fmt::print("s3: uploaded {}\n", uploaded->key);
    for (const auto& name : uploaded->expired)
      fmt::print("s3: removed {} (older than the ttl)\n", name);
  }
  return k_exit_ok;
}

void print_line(const etcd::StoredSnapshot& s) {
  const auto state = s.digest_state();
  fmt::print("{:<10} {:<50} {:>10}  {:%Y-%m-%d %H:%M:%S}  {}\n", s.node, s.name,
             util::human_bytes(s.size), fmt::gmtime(static_cast<std::time_t>(s.modified)),
             state == "ok"           ? "digest ok"
             : state == "mismatch"   ? "DIGEST MISMATCH"
             : state == "unrecorded" ? "no .sha256 beside it"
                                     : "sha256 recorded (checked when restored)");
}

int run_upload(const App& app, const Options& o, const std::string& name) {
  auto session = open_session(o);
  const auto done = upload(session, name).take();
  if (app.globals().json())
    print_json({{"schema", 1},
                {"type", "etcd_snapshot_upload"},
                {"key", done.key},
                {"bytes", done.put.bytes},
                {"partsSent", done.put.parts_sent},
                {"partsReused", done.put.parts_reused},
                {"expired", done.expired}});
  else {
    fmt::print("s3: uploaded {} ({}{})\n", done.key, util::human_bytes(done.put.bytes),
               done.put.parts_reused > 0
                   ? fmt::format(", {} parts already there", done.put.parts_reused)
                   : "");
    for (const auto& gone : done.expired)
      fmt::print("s3: removed {} (older than the ttl)\n", gone);
  }
  return k_exit_ok;
}

int run_list(const App& app, const Options& o) {
  auto session = open_session(o);
  int code = k_exit_ok;
  auto list = nlohmann::json::array();
  for (const auto& name : etcd_nodes(session.cluster())) {
    const auto& node = *session.cluster().find_node(name);
    auto found = etcd::list_snapshots(session.node(name), session.cluster(), node);
    if (!found) {
      log::error(Error(found.error()).with_host(name).describe());
      code = k_exit_failed;
      continue;
    }
    for (const auto& s : *found) {
      list.push_back(snapshot_json(s));
      if (!app.globals().json())
        print_line(s);
      code = s.damaged() ? k_exit_failed : code;
    }
  }
  if (const auto& b = session.cluster().etcd_backup; b && b->s3) {
    auto client = etcd::s3_client(session.cluster()).take();
    auto found = etcd::list_s3(client, session.cluster());
    if (!found) {
      log::error(found.error().describe());
      code = k_exit_failed;
    }
    for (const auto& s : found ? *found : std::vector<etcd::StoredSnapshot>{}) {
      list.push_back(snapshot_json(s));
      if (!app.globals().json())
        print_line(s);
    }
  }
  if (app.globals().json())
    print_json({{"schema", 1}, {"type", "etcd_snapshots"}, {"snapshots", list}});
  else if (list.empty())
    fmt::print("No etcd snapshots on the etcd nodes.\n");
  return code;
}

} // namespace

void add_etcd_command(App& app) {
  auto* etcd = app.root().add_subcommand("etcd", "Operate the cluster's etcd");
  etcd->require_subcommand(1);
  auto* snapshot = etcd->add_subcommand("snapshot", "Take, list and restore etcd snapshots");
  snapshot->require_subcommand(1);
  auto o = std::make_shared<Options>();
  auto* save = snapshot->add_subcommand(
      "save", "Take a snapshot from a healthy member into spec.etcdBackup.localStorage.path");
  app.path_option(save->add_option("-f,--file", o->file, "The cluster config")->required());
  save->footer("The snapshot is taken on a follower when there is one, stored on that node "
               "(directory 0700) as snapshot-etcd-<yyyymmdd>-<hhmmss>-<node-ip>.db with "
               "NAME.sha256 beside it; snapshots older than localStorage.ttl are removed. With "
               "spec.etcdBackup.remoteStorage.s3 it is uploaded from the workstation as well "
               "(with NAME.sha256; expired ones removed there too).");
  save->add_flag("--s3", o->s3, "Fail unless the snapshot goes to S3 as well");
  save->add_flag("--no-s3", o->no_s3, "Keep the snapshot on the node only");
  app.on(save, [&app, o] { return run_save(app, *o); });
  auto* list = snapshot->add_subcommand("list", "List the snapshots on every etcd node");
  app.path_option(list->add_option("-f,--file", o->file, "The cluster config")->required());
  list->footer("Exit code 1 if a node could not be read or a snapshot's sha256 does not match "
               "its NAME.sha256 (damaged since it was saved); a file without one is listed as "
               "unrecorded.");
  app.on(list, [&app, o] { return run_list(app, *o); });
  auto name = std::make_shared<std::string>();
  auto* up = snapshot->add_subcommand("upload", "Send a node's snapshot to S3 (again)");
  up->add_option("name", *name, "The snapshot's name, as `snapshot list` shows it")->required();
  app.path_option(up->add_option("-f,--file", o->file, "The cluster config")->required());
  up->footer("Fetches the snapshot from the first etcd node that holds it, checks it against "
             "its NAME.sha256, and uploads it; a multipart upload that was interrupted resumes "
             "with the parts already sent.");
  app.on(up, [&app, o, name] { return run_upload(app, *o, *name); });
  add_etcd_restore_command(app, snapshot);
}

} // namespace acp::cli
