// acpctl status -f cluster.yaml [--nodes a,b] [-o json]: what acpctl installed on each node,
// its services and the apply lock. Exit 1 if some node could not be reached.

#include "acpctl/components/registry.hpp"
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
  const auto report = runner::gather_status(cluster, nodes, runner::ssh_connect(cluster.ssh),
                                            components::registry(), o.target.parallel);
  if (app.globals().json()) {
    print_json(runner::status_to_json(report));
  } else {
    const bool color = stdout_color(app.globals());
    fmt::print("{}", runner::render_status_text(report.nodes, color));
    fmt::print("{}", runner::render_cluster_text(report.cluster, color));
  }
  return report.exit_code();
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
