#pragma once
// Shell completion scripts generated from the live command tree, so they cannot drift from
// the CLI (a test compares completions/ with what this prints).

#include "app.hpp"

#include <string>
#include <vector>

namespace acp::cli::completion {

struct OptionSpec {
  std::vector<std::string> short_names; ///< without "-"
  std::vector<std::string> long_names;  ///< without "--"
  ValueKind kind = ValueKind::none;
  std::vector<std::string> choices;
  std::string description;
};

struct CommandSpec {
  std::string path; ///< "" for the root, "/package/build" for `acpctl package build`
  std::string description;
  std::vector<std::string> subcommands;
  std::vector<OptionSpec> options;    ///< the command's own; global ones are on the root
  std::vector<std::string> arguments; ///< fixed choices for its positional arguments
};

/// Walks the command tree.
std::vector<CommandSpec> describe(const App& app);

std::string bash_script(const std::vector<CommandSpec>& commands);
std::string zsh_script(const std::vector<CommandSpec>& commands);
std::string fish_script(const std::vector<CommandSpec>& commands);

} // namespace acp::cli::completion
