// acpctl upgrade plan|apply|rollback|status: a release or a patch rolled out node by node,
// after an etcd snapshot, with a rollback of the node whose gate fails.

#include "acpctl/components/etcd/snapshot.hpp"
#include "acpctl/plan/render.hpp"
#include "acpctl/runner/rolling.hpp"
#include "acpctl/util/log.hpp"
#include "app.hpp"
#include "commands.hpp"
#include "output.hpp"
#include "run_output.hpp"
#include "trust_options.hpp"
#include "upgrade_view.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace acp::cli {

namespace {

struct Options {
  std::string file;
  std::string package;
  std::string key;
  bool insecure = false;
  bool yes = false;
  bool force_unlock = false;
  bool dry_run = false;
  bool detailed = false;
  bool no_snapshot = false;
  int parallel = 16;
  int max_unavailable = 1;
  int gate_seconds = 120;
};

runner::Session open_session(const Options& o, bool rollback) {
  runner::SessionOptions so;
  so.config = o.file;
  so.parallel = o.parallel;
  so.insecure_skip_signature = o.insecure;
  so.upgrade = true;
  so.rollback = rollback;
  if (!rollback)
    so.package = o.package;
  if (!o.key.empty())
    so.public_key = o.key;
  return runner::Session::open(so).take();
}

// Plans and shows the per-node view; nullopt (after printing why) when planning failed.
std::optional<runner::Planned> plan_and_show(const App& app, runner::Session& session) {
  auto planned = runner::plan_cluster(session).take();
  if (!report_planning_problems(app.globals(), planned))
    return std::nullopt;
  const auto view = upgrade_view(session.cluster(), planned.gathered.facts, session.desired(),
                                 session.release(), *planned.plan);
  if (app.globals().json())
    print_json({{"schema", k_json_schema},
                {"type", "upgrade_plan"},
                {"nodes", view.at("nodes")},
                {"plan", plan::to_json(*planned.plan)}});
  else
    fmt::print("{}{}\n", render_upgrade_view(view), plan::summary_line(*planned.plan));
  return planned;
}

int run_plan(const App& app, const Options& o) {
  auto session = open_session(o, false);
  const auto planned = plan_and_show(app, session);
  if (!planned)
    return k_exit_failed;
  return o.detailed ? plan::detailed_exit_code(*planned->plan) : k_exit_ok;
}

// The etcd snapshot taken before the first change; "" when the cluster has no etcd nodes
// or --no-snapshot.
std::string take_snapshot(runner::Session& session, const facts::Gathered& gathered,
                          const Options& o) {
  const auto& cluster = session.cluster();
  const bool etcd = std::any_of(cluster.nodes.begin(), cluster.nodes.end(),
                                [](const auto& n) { return n.has_role(config::Role::etcd); });
  if (!etcd || o.no_snapshot || o.dry_run)
    return "";
  const auto fail = [](const Error& e) {
    return Error(e)
        .context("taking the etcd snapshot before the upgrade; nothing was changed")
        .with_hint("check `acpctl status`; --no-snapshot skips the snapshot (not advised)");
  };
  auto source = etcd::snapshot_source(cluster, gathered.facts);
  if (!source)
    throw Failure(fail(source.error()));
  auto saved = etcd::save_snapshot(session.node(*source), cluster, *cluster.find_node(*source),
                                   std::chrono::system_clock::now());
  if (!saved)
    throw Failure(fail(saved.error()));
  fmt::print(stderr, "etcd snapshot: {} (on {}: {})\n", saved->snapshot.name, *source, saved->path);
  return saved->snapshot.name;
}

int report_rollout(const App& app, const runner::RollingReport& report) {
  const int code = print_apply_report(app.globals(), report.report);
  for (const auto& host : report.rolled_back)
    log::error(fmt::format("{}: the upgrade failed there and the node was rolled back to the "
                           "versions it ran before; the nodes after it were not changed",
                           host));
  if (report.rollback_error)
    log::error(Error(*report.rollback_error)
                   .context("the rollback of the failed node failed too")
                   .with_hint("fix the node, then run `acpctl upgrade apply` again or "
                              "`acpctl upgrade rollback`")
                   .describe());
  if (report.gate_error)
    log::error(report.gate_error->describe());
  return report.ok() && code == k_exit_ok ? k_exit_ok : k_exit_failed;
}

int run_rollout(const App& app, const Options& o, bool rollback) {
  auto session = open_session(o, rollback);
  const auto planned = plan_and_show(app, session);
  if (!planned)
    return k_exit_failed;
  if (!planned->plan->has_changes())
    return k_exit_ok;
  confirm_or_throw(o.yes, rollback ? "roll back these nodes" : "upgrade these nodes");
  const auto* target = session.release();
  runner::RollingOptions ro;
  ro.apply = {o.parallel, o.dry_run, o.force_unlock,
              rollback ? "acpctl upgrade rollback" : "acpctl upgrade apply"};
  ro.max_unavailable = o.max_unavailable;
  ro.gate_seconds = o.gate_seconds;
  ro.kind = rollback ? "rollback" : "upgrade";
  ro.target = target ? target->name + " " + target->version : "";
  ro.snapshot = take_snapshot(session, planned->gathered, o);
  const bool terminal = ::isatty(STDERR_FILENO) && !app.globals().json();
  auto progress = runner::make_progress(app.globals().json(), terminal, !app.globals().no_color);
  const auto report = runner::apply_rolling(session, *planned->plan, planned->gathered,
                                            session.desired(), *progress, ro)
                          .take();
  return report_rollout(app, report);
}

int run_releases(const App& app, const std::string& file, bool history) {
  runner::SessionOptions so;
  so.config = file;
  auto session = runner::Session::open(so).take();
  const auto gathered = session.gather();
  for (const auto& [host, err] : gathered.errors)
    log::error(Error(err).with_host(host).describe());
  const auto view = releases_view(session.cluster(), gathered.facts);
  if (app.globals().json())
    print_json({{"schema", k_json_schema},
                {"type", history ? "history" : "upgrade_status"},
                {"nodes", view.at("nodes")}});
  else
    fmt::print("{}", history ? render_history(view) : render_upgrade_status(view));
  return gathered.ok() ? k_exit_ok : k_exit_failed;
}

void add_rollout_options(App& app, CLI::App* cmd, Options& o) {
  cmd->add_flag("-y,--yes", o.yes, "Do not ask for confirmation (needed without a terminal)");
  cmd->add_flag("--force-unlock", o.force_unlock,
                "Take the nodes' apply lock even if another apply holds it");
  cmd->add_flag("--dry-run", o.dry_run, "Log every change instead of making it");
  cmd->add_flag("--no-snapshot", o.no_snapshot,
                "Do not take the etcd snapshot before the first change (not advised)");
  cmd->add_option("--max-unavailable", o.max_unavailable,
                  "Nodes without an etcd or control-plane role changed at once")
      ->capture_default_str()
      ->check(whole_number(1, 1024));
  cmd->add_option("--gate-timeout", o.gate_seconds,
                  "Seconds the cluster may take to be healthy again between nodes")
      ->capture_default_str()
      ->check(whole_number(1, 3600));
  cmd->add_option("--parallel", o.parallel, "At most this many nodes at once (facts, bytes)")
      ->capture_default_str()
      ->check(whole_number(1, 1024));
  (void)app;
}

} // namespace

void add_upgrade_command(App& app) {
  auto* up = app.root().add_subcommand(
      "upgrade", "Upgrade to a release or patch node by node, roll back, show releases");
  up->require_subcommand(1);
  const auto with_package = [&app](CLI::App* cmd, Options& o) {
    app.path_option(cmd->add_option("-f,--file", o.file, "The cluster config")->required());
    app.path_option(
        cmd->add_option("--package", o.package, "The release or patch package")->required());
    add_trust_options(app, cmd, o.key, o.insecure);
  };
  auto po = std::make_shared<Options>();
  auto* plan_cmd = up->add_subcommand(
      "plan", "Show per node which components are replaced and restarted, relabelled or kept");
  with_package(plan_cmd, *po);
  plan_cmd->add_flag("--detailed-exitcode", po->detailed,
                     "Exit 2 when there are changes, 0 when none");
  app.on(plan_cmd, [&app, po] { return run_plan(app, *po); });

  auto ao = std::make_shared<Options>();
  auto* apply_cmd = up->add_subcommand(
      "apply", "Take an etcd snapshot, then switch, restart and gate one node at a time");
  with_package(apply_cmd, *ao);
  add_rollout_options(app, apply_cmd, *ao);
  apply_cmd->footer("Exit 1 when a node failed its gate: that node was rolled back, the nodes "
                    "after it were not changed. Run it again to continue after an interruption.");
  app.on(apply_cmd, [&app, ao] { return run_rollout(app, *ao, false); });

  auto ro = std::make_shared<Options>();
  auto* back = up->add_subcommand("rollback", "Return every node to its previous release");
  app.path_option(back->add_option("-f,--file", ro->file, "The cluster config")->required());
  add_rollout_options(app, back, *ro);
  app.on(back, [&app, ro] { return run_rollout(app, *ro, true); });

  auto so = std::make_shared<std::string>();
  auto* status = up->add_subcommand("status", "Show each node's release and its last upgrade");
  app.path_option(status->add_option("-f,--file", *so, "The cluster config")->required());
  app.on(status, [&app, so] { return run_releases(app, *so, false); });
}

void add_history_command(App& app) {
  auto file = std::make_shared<std::string>();
  auto* cmd = app.root().add_subcommand("history", "Show each node's release changes");
  app.path_option(cmd->add_option("-f,--file", *file, "The cluster config")->required());
  app.on(cmd, [&app, file] { return run_releases(app, *file, true); });
}

} // namespace acp::cli
