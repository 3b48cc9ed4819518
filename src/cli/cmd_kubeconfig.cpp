// acpctl kubeconfig -f cluster.yaml [--path FILE]: writes the admin kubeconfig (mode 0600) for
// the cluster's API endpoint and prints where; never prints the kubeconfig itself (it holds a
// private key).

#include "acpctl/config/load.hpp"
#include "acpctl/runner/kubeconfig.hpp"
#include "app.hpp"
#include "commands.hpp"
#include "output.hpp"

#include <fmt/format.h>

namespace acp::cli {

namespace {

struct Options {
  std::string file;
  std::string path;
};

int run(const App& app, const Options& o) {
  const auto cluster = config::load_valid(o.file).take();
  const auto path =
      o.path.empty() ? runner::default_kubeconfig_path(cluster) : std::filesystem::path(o.path);
  const auto written = runner::write_admin_kubeconfig(cluster, path).take();
  if (app.globals().json()) {
    print_json(
        {{"schema", k_json_schema}, {"path", written.path.string()}, {"server", written.server}});
    return k_exit_ok;
  }
  fmt::print("Wrote the admin kubeconfig for {} to {} (mode 0600).\n", written.server,
             written.path.string());
  fmt::print("Try: kubectl --kubeconfig {} get nodes\n", written.path.string());
  return k_exit_ok;
}

} // namespace

void add_kubeconfig_command(App& app) {
  auto* cmd = app.root().add_subcommand(
      "kubeconfig", "Write an admin kubeconfig (mode 0600) for the cluster's API endpoint");
  auto o = std::make_shared<Options>();
  app.path_option(cmd->add_option("-f,--file", o->file, "The cluster config")->required());
  app.path_option(cmd->add_option(
      "--path", o->path,
      "Where to write it (default: $ACPCTL_HOME/clusters/<name>/admin.kubeconfig)"));
  app.on(cmd, [&app, o] { return run(app, *o); });
}

} // namespace acp::cli
