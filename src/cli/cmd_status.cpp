// acpctl status -f cluster.yaml [--nodes a,b] [-o json]: what acpctl installed on each node,
// its services and the apply lock. Exit 1 if some node could not be reached.

#include "acpctl/config/load.hpp"
#include "acpctl/runner/status.hpp"
#include "app.hpp"
#include "commands.hpp"
#include "node_select.hpp"
#include "output.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <unistd.h>

namespace acp::cli {

namespace {

// All nodes answered but etcd cannot accept writes.
constexpr int k_exit_quorum_lost = 3;

struct Options {
  NodeSelection target;
};

bool stdout_color(const GlobalOptions& g) {
  const char* no_color = std::getenv("NO_COLOR");
  return !g.no_color && (no_color == nullptr || *no_color == '\0') && ::isatty(STDOUT_FILENO);
}

int run_status(const App& app, const Options& o) {
  const auto cluster = config::load_valid(o.target.file).take();
  const auto nodes = select_nodes(cluster, o.target).take();
  const auto status =
      runner::gather_status(nodes, runner::ssh_connect(cluster.ssh), o.target.parallel);
  const auto etcd = runner::etcd_status(cluster, status);
  const auto vip = runner::vip_status(cluster, status);
  if (app.globals().json()) {
    auto doc = runner::status_to_json(status);
    doc["etcd"] = runner::etcd_to_json(etcd);
    doc["vip"] = runner::vip_to_json(vip);
    print_json(doc);
  } else {
    const bool color = stdout_color(app.globals());
    fmt::print("{}", runner::render_status_text(status, color));
    fmt::print("{}", runner::render_etcd_text(etcd, color));
    fmt::print("{}", runner::render_vip_text(vip, color));
  }
  for (const auto& n : status)
    if (!n.reached())
      return k_exit_failed;
  return etcd && !etcd->quorum ? k_exit_quorum_lost : k_exit_ok;
}

} // namespace

void add_status_command(App& app) {
  auto* cmd = app.root().add_subcommand(
      "status", "Show what acpctl installed on each node, its services and the apply lock");
  auto o = std::make_shared<Options>();
  add_node_selection(app, cmd, o->target);
  cmd->footer("Exit code 1 if a node could not be reached (the others are still shown); 3 if "
              "all nodes answered but etcd has lost quorum (fewer than N/2+1 of its N members "
              "are up: writes fail).");
  app.on(cmd, [&app, o] { return run_status(app, *o); });
}

} // namespace acp::cli
