// acpctl completion bash|zsh|fish: print the completion script for a shell.

#include "app.hpp"
#include "commands.hpp"
#include "completion.hpp"

#include <fmt/format.h>

namespace acp::cli {

void add_completion_command(App& app) {
  auto* cmd = app.root().add_subcommand("completion", "Print a shell completion script");
  auto shell = std::make_shared<std::string>();
  app.choice_option(cmd->add_option("shell", *shell, "bash, zsh or fish")->required(),
                    {"bash", "zsh", "fish"});
  app.on(cmd, [&app, shell] {
    const auto commands = completion::describe(app);
    if (*shell == "bash")
      fmt::print("{}", completion::bash_script(commands));
    else if (*shell == "zsh")
      fmt::print("{}", completion::zsh_script(commands));
    else
      fmt::print("{}", completion::fish_script(commands));
    return 0;
  });
}

} // namespace acp::cli
