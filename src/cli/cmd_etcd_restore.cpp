// acpctl etcd snapshot restore NAME|FILE -f cluster.yaml [--yes] [--dry-run]: fetches and
// checks the snapshot, shows the restore plan, asks, then rebuilds every member from it.

#include "acpctl/components/etcd/restore.hpp"
#include "acpctl/runner/lock.hpp"
#include "acpctl/runner/session.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/log.hpp"
#include "app.hpp"
#include "commands.hpp"
#include "output.hpp"
#include "run_output.hpp"

#include <fmt/format.h>

namespace acp::cli {

namespace {

struct Options {
  std::string file;
  std::string snapshot;
  bool yes = false;
  bool dry_run = false;
  bool force_unlock = false;
};

nlohmann::json plan_json(const etcd::RestorePlan& plan) {
  auto members = nlohmann::json::array();
  for (const auto& m : plan.members)
    members.push_back({{"node", m.node}, {"dataDir", m.data_dir}, {"aside", m.aside}});
  return {{"snapshot", plan.source.name}, {"origin", plan.source.origin},
          {"sha256", plan.source.sha256}, {"size", plan.source.size},
          {"token", plan.token},          {"members", members}};
}

int run_restore(const App& app, const Options& o) {
  runner::SessionOptions so;
  so.config = o.file;
  auto session = runner::Session::open(so).take();
  const auto& cluster = session.cluster();
  std::vector<std::string> names;
  for (const auto* n : cluster.nodes_with(config::Role::etcd))
    names.push_back(n->name);
  const auto gathered = session.gather(names);
  for (const auto& [host, err] : gathered.errors)
    throw Failure(Error(err).with_host(host).with_hint(
        "every etcd node must be reachable for a restore; nothing was stopped"));
  const bool json = app.globals().json();
  etcd::RestoreNodes nodes{
      [&session](const std::string& n) -> transport::Transport& { return session.node(n); },
      &gathered.facts,
      [json, t0 = std::chrono::steady_clock::now()](const std::string& line) {
        if (!json)
          fmt::print(stderr, "[{:5.1f}s] {}\n",
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                     line);
      }};
  util::TempDir work{"acpctl-snapshot"};
  auto source = etcd::fetch_snapshot(cluster, o.snapshot, nodes, work.path()).take();
  nodes.progress(fmt::format("fetched {} from {}, sha256 checked", source.name, source.origin));
  const auto plan =
      etcd::plan_restore(cluster, std::move(source), std::chrono::system_clock::now());
  if (!json)
    for (const auto& line : plan.lines())
      fmt::print("{}\n", line);
  if (o.dry_run) {
    if (json)
      print_json({{"schema", 1}, {"type", "etcd_restore_plan"}, {"plan", plan_json(plan)}});
    return k_exit_ok;
  }
  confirm_or_throw(o.yes, "Stop every etcd member and restore it from this snapshot?");
  // An apply must not run while the members are down and their data dirs change.
  std::vector<transport::Transport*> members;
  for (const auto& m : plan.members)
    members.push_back(&session.node(m.node));
  const auto locks =
      runner::NodeLocks::take(members, runner::this_process("acpctl etcd snapshot restore"),
                              o.force_unlock)
          .take();
  const auto done = etcd::apply_restore(cluster, plan, nodes).take();
  if (json)
    print_json({{"schema", 1},
                {"type", "etcd_restore"},
                {"plan", plan_json(plan)},
                {"snapshotRevision", done.snapshot_revision},
                {"revision", done.revision},
                {"keys", done.keys}});
  else
    fmt::print("etcd restored from {}: revision {} (the snapshot's {}, {} keys); every member "
               "healthy\n",
               plan.source.name, done.revision, done.snapshot_revision, done.keys);
  return k_exit_ok;
}

} // namespace

void add_etcd_restore_command(App& app, CLI::App* snapshot) {
  auto o = std::make_shared<Options>();
  auto* cmd = snapshot->add_subcommand(
      "restore", "Rebuild every etcd member from a snapshot (shows the plan, then asks)");
  cmd->add_option("snapshot", o->snapshot,
                  "A snapshot's name (as `snapshot list` shows it) or a local file")
      ->required();
  app.path_option(cmd->add_option("-f,--file", o->file, "The cluster config")->required());
  cmd->add_flag("-y,--yes", o->yes, "Do not ask for confirmation (needed without a terminal)");
  cmd->add_flag("--dry-run", o->dry_run, "Fetch and check the snapshot, show the plan, stop");
  cmd->add_flag("--force-unlock", o->force_unlock,
                "Take over the nodes' apply lock even if another acpctl holds it");
  cmd->footer("The snapshot's sha256 is checked against the one recorded when it was saved, "
              "and etcd restores it on every member into a prepared data dir, before any member "
              "stops. Each member's old data dir is kept aside until every member is healthy; "
              "a failure after the stop puts them back. The nodes' apply lock is held "
              "throughout.");
  app.on(cmd, [&app, o] { return run_restore(app, *o); });
}

} // namespace acp::cli
