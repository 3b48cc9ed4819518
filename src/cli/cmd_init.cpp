// acpctl init: print (or write) a commented example cluster.yaml.

#include "acpctl/config/load.hpp"
#include "acpctl/util/fs.hpp"
#include "app.hpp"
#include "commands.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace acp::cli {

void add_init_command(App& app) {
  auto* cmd = app.root().add_subcommand(
      "init", "Print an example cluster.yaml for a 3-node global cluster");
  auto out = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  app.path_option(cmd->add_option("-f,--file", *out, "Write to this file instead of stdout"));
  cmd->add_flag("--force", *force, "Overwrite the file if it exists");
  app.on(cmd, [out, force] {
    const auto text = config::example_config();
    if (out->empty() || *out == "-") {
      fmt::print("{}", text);
      return 0;
    }
    if (std::filesystem::exists(*out) && !*force)
      throw Failure(Error(Errc::usage, fmt::format("{} already exists", *out))
                        .with_hint("pass --force to overwrite it, or choose another file"));
    util::write_file_atomic(*out, text).take();
    fmt::print(stderr, "wrote {}; edit it, then run: acpctl validate -f {}\n", *out, *out);
    return 0;
  });
}

} // namespace acp::cli
