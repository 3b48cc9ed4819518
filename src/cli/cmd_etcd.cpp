// acpctl etcd snapshot save -f cluster.yaml: a snapshot from a healthy member (a follower
// when there is one) into spec.etcdBackup.localStorage.path on that node, with its sha256;
// expired ones (ttl) removed.
// acpctl etcd snapshot list -f cluster.yaml: the snapshots on every etcd node, digests checked.

#include "acpctl/components/etcd/snapshot.hpp"
#include "acpctl/runner/session.hpp"
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

int run_save(const App& app, const Options& o) {
  auto session = open_session(o);
  const auto gathered = session.gather(etcd_nodes(session.cluster()));
  for (const auto& [host, err] : gathered.errors)
    log::warn(Error(err).with_host(host).describe());
  const auto source = etcd::snapshot_source(session.cluster(), gathered.facts).take();
  const auto& node = *session.cluster().find_node(source);
  const auto saved = etcd::save_snapshot(session.node(source), session.cluster(), node,
                                         std::chrono::system_clock::now())
                         .take();
  if (app.globals().json()) {
    auto doc = snapshot_json(saved.snapshot);
    doc["path"] = saved.path;
    doc["expired"] = saved.expired;
    print_json({{"schema", 1}, {"type", "etcd_snapshot"}, {"snapshot", doc}});
    return k_exit_ok;
  }
  fmt::print("{}: {} ({}, sha256 {})\n", source, saved.path, util::human_bytes(saved.snapshot.size),
             saved.snapshot.actual_sha256);
  for (const auto& name : saved.expired)
    fmt::print("{}: removed {} (older than the ttl)\n", source, name);
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
        fmt::print("{:<10} {:<50} {:>10}  {:%Y-%m-%d %H:%M:%S}  {}\n", s.node, s.name,
                   util::human_bytes(s.size), fmt::gmtime(static_cast<std::time_t>(s.modified)),
                   s.digest_ok() ? "digest ok"
                   : s.damaged() ? "DIGEST MISMATCH"
                                 : "no .sha256 beside it");
      code = s.damaged() ? k_exit_failed : code;
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
               "NAME.sha256 beside it; snapshots older than localStorage.ttl are removed.");
  app.on(save, [&app, o] { return run_save(app, *o); });
  auto* list = snapshot->add_subcommand("list", "List the snapshots on every etcd node");
  app.path_option(list->add_option("-f,--file", o->file, "The cluster config")->required());
  list->footer("Exit code 1 if a node could not be read or a snapshot's sha256 does not match "
               "its NAME.sha256 (damaged since it was saved); a file without one is listed as "
               "unrecorded.");
  app.on(list, [&app, o] { return run_list(app, *o); });
  add_etcd_restore_command(app, snapshot);
}

} // namespace acp::cli
