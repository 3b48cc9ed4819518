// acpctl version: our version, the commit, and the libraries linked in.

#include "acpctl/version/version.hpp"
#include "app.hpp"
#include "commands.hpp"
#include "output.hpp"

#include <fmt/format.h>

namespace acp::cli {

void add_version_command(App& app) {
  auto* cmd = app.root().add_subcommand("version", "Print acpctl's version and its libraries'");
  app.on(cmd, [&app] {
    auto libraries = version::libraries();
    libraries.push_back({"CLI11", CLI11_VERSION});
    if (app.globals().json()) {
      nlohmann::json libs = nlohmann::json::object();
      for (const auto& lib : libraries)
        libs[lib.name] = lib.version;
      print_json({{"schema", k_json_schema},
                  {"version", version::acpctl_version()},
                  {"gitCommit", version::git_commit()},
                  {"libraries", libs}});
      return 0;
    }
    fmt::print("acpctl {} (commit {})\n", version::acpctl_version(), version::git_commit());
    for (const auto& lib : libraries)
      fmt::print("  {:<14} {}\n", lib.name, lib.version);
    return 0;
  });
}

} // namespace acp::cli
