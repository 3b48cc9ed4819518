#include "acpctl/util/shell.hpp"

#include <array>
#include <cstdio>
#include <doctest/doctest.h>
#include <memory>
#include <string>

using namespace acp::util;

namespace {
// Runs `printf '%s\n' ARGS` through /bin/sh and returns what it printed.
std::string through_sh(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"printf", "%s\\n"};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string command = shell_join(argv);
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 256> buffer{};
  while (auto n = fread(buffer.data(), 1, buffer.size(), pipe.get()))
    out.append(buffer.data(), n);
  return out;
}
} // namespace

TEST_SUITE("util::shell") {
  TEST_CASE("safe words are left alone") {
    CHECK(shell_quote("etcdctl") == "etcdctl");
    CHECK(shell_quote("--endpoints=https://10.0.0.1:2379") == "--endpoints=https://10.0.0.1:2379");
  }

  TEST_CASE("everything else reaches the shell as one literal argument") {
    const std::vector<std::string> nasty = {"",     "a b",     "it's",  "$(reboot)",
                                            "`id`", "a;b|c&d", "x\ny",  "'\"'\"",
                                            "*",    "~root",   "$HOME", "\\"};
    std::string expected;
    for (const auto& arg : nasty)
      expected += arg + "\n";
    CHECK(through_sh(nasty) == expected);
  }

  TEST_CASE("environment variable names") {
    CHECK(is_env_name("ACP_REGISTRY_PASSWORD"));
    CHECK(is_env_name("_x1"));
    CHECK_FALSE(is_env_name("1X"));
    CHECK_FALSE(is_env_name("A-B"));
    CHECK_FALSE(is_env_name(""));
  }
}
