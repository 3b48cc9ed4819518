// acpctl reset -f cluster.yaml [--nodes a,b] [--yes]: removes what acpctl installed.

#include "acpctl/plan/render.hpp"
#include "acpctl/runner/reset.hpp"
#include "acpctl/util/log.hpp"
#include "app.hpp"
#include "commands.hpp"
#include "node_select.hpp"
#include "run_output.hpp"

namespace acp::cli {

namespace {

struct Options {
  NodeSelection target;
  bool yes = false;
  bool force_unlock = false;
};

int run_reset(const App& app, const Options& o) {
  runner::SessionOptions so;
  so.config = o.target.file;
  so.parallel = o.target.parallel;
  auto session = runner::Session::open(so).take();
  std::vector<std::string> names;
  for (const auto* n : select_nodes(session.cluster(), o.target).take())
    names.push_back(n->name);
  const auto gathered = session.gather(names);
  if (!gathered.ok()) {
    for (const auto& [host, err] : gathered.errors)
      log::error(Error(err).with_host(host).describe());
    return k_exit_failed;
  }
  // Kubernetes nodes leave the cluster through its API (acpctl's admin certificate) before
  // kubeadm reset; without the local PKI they are reset all the same.
  if (auto ok = session.read_pki(); !ok)
    log::debug("reset without the cluster's PKI: " + ok.error().describe());
  const auto plan = runner::reset_plan(session, gathered, names);
  print_plan(app.globals(), plan);
  const runner::ApplyOptions ao{o.target.parallel, false, o.force_unlock, "acpctl reset"};
  auto report = confirm_and_apply(app.globals(), session, plan, gathered, o.yes,
                                  "remove everything acpctl installed on these nodes", ao);
  if (report.ok())
    for (auto& [host, err] : runner::finish_reset(session, names, gathered, ao)) {
      for (auto& h : report.hosts)
        if (h.host == host)
          h.error = err;
      log::error(Error(err).with_host(host).describe());
    }
  return print_apply_report(app.globals(), report);
}

} // namespace

void add_reset_command(App& app) {
  auto* cmd = app.root().add_subcommand(
      "reset", "Remove everything acpctl installed on nodes (services, components, state)");
  auto o = std::make_shared<Options>();
  add_node_selection(app, cmd, o->target);
  cmd->add_flag("-y,--yes", o->yes, "Do not ask for confirmation (needed without a terminal)");
  cmd->add_flag("--force-unlock", o->force_unlock,
                "Take the nodes' apply lock even if another apply holds it");
  app.on(cmd, [&app, o] { return run_reset(app, *o); });
}

} // namespace acp::cli
