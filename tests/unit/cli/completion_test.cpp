#include "cli/app.hpp"
#include "cli/completion.hpp"

#include <algorithm>
#include <doctest/doctest.h>

using namespace acp::cli;

TEST_SUITE("cli::completion") {
  TEST_CASE("the command tree is described with options and choices") {
    App app;
    add_commands(app);
    const auto commands = completion::describe(app);
    REQUIRE_FALSE(commands.empty());
    CHECK(commands.front().path.empty());
    const auto& root = commands.front().subcommands;
    CHECK(std::find(root.begin(), root.end(), "validate") != root.end());
    const auto validate = std::find_if(commands.begin(), commands.end(),
                                       [](const auto& c) { return c.path == "/validate"; });
    REQUIRE(validate != commands.end());
    const auto file =
        std::find_if(validate->options.begin(), validate->options.end(), [](const auto& o) {
          return o.long_names == std::vector<std::string>{"file"};
        });
    REQUIRE(file != validate->options.end());
    CHECK(file->kind == ValueKind::file);
    const auto output = std::find_if(
        commands.front().options.begin(), commands.front().options.end(),
        [](const auto& o) { return o.long_names == std::vector<std::string>{"output"}; });
    REQUIRE(output != commands.front().options.end());
    CHECK(output->choices == std::vector<std::string>{"text", "json"});
  }

  TEST_CASE("each shell's script names every command") {
    App app;
    add_commands(app);
    const auto commands = completion::describe(app);
    for (const auto& script : {completion::bash_script(commands), completion::zsh_script(commands),
                               completion::fish_script(commands)}) {
      for (const auto& c : commands)
        for (const auto& sub : c.subcommands)
          CHECK(script.find(sub) != std::string::npos);
    }
  }
}
