// acpctl package {build,keygen,show,verify,unpack}: air-gapped packages. The verbs live in
// cmd_package_*.cpp; every file parses and prints, the work is in the package layer.

#include "commands.hpp"
#include "package_verbs.hpp"

namespace acp::cli {

void add_package_command(App& app) {
  auto* pkg = app.root().add_subcommand("package", "Build, inspect, verify and unpack packages");
  pkg->require_subcommand(1);
  add_package_build(app, pkg);
  add_package_keygen(app, pkg);
  add_package_show(app, pkg);
  add_package_verify(app, pkg);
  add_package_unpack(app, pkg);
}

} // namespace acp::cli
