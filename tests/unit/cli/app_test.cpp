#include "acpctl/util/fs.hpp"
#include "cli/app.hpp"
#include "cli/node_select.hpp"

#include <cstdio>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <string>
#include <unistd.h>

using namespace acp::cli;

namespace {
// What CLI11 says about `args` given to a command with the node selection flags; "" if fine.
std::string parse_error(std::vector<std::string> args) {
  App app;
  NodeSelection selection;
  auto* cmd = app.root().add_subcommand("status", "");
  add_node_selection(app, cmd, selection);
  args.insert(args.begin(), {"status", "-f", "cluster.yaml"});
  std::reverse(args.begin(), args.end()); // CLI11 takes the words last to first
  try {
    app.root().parse(args);
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  return {};
}

// Runs the whole CLI on `argv`; returns its exit code and what it wrote to stderr.
std::pair<int, std::string> run_capturing_stderr(std::vector<const char*> argv) {
  acp::util::TempDir dir;
  const auto path = dir.path() / "stderr";
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ::dup2(fd, STDERR_FILENO);
  ::close(fd);
  const int code = run_main(static_cast<int>(argv.size()), argv.data());
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  return {code, acp::util::read_file(path).take()};
}
} // namespace

TEST_SUITE("cli::App") {
  TEST_CASE("whole_number accepts decimal numbers in range only") {
    const auto check = whole_number(1, 1024);
    std::string ok = "16";
    CHECK(check(ok).empty());
    for (std::string bad : {"0", "1025", "99999999999999999999", "0x10", "1e3", "", "-1", " 2"})
      CHECK_MESSAGE(check(bad).find("is not a whole number from 1 to 1024") != std::string::npos,
                    bad);
  }

  TEST_CASE("an overflowing --parallel is a parse error naming the flag") {
    CHECK(parse_error({"--parallel", "99999999999999999999"}) ==
          "--parallel: \"99999999999999999999\" is not a whole number from 1 to 1024");
    CHECK(parse_error({"--parallel", "8"}).empty());
  }

  TEST_CASE("an empty --nodes or --role is a parse error, not every node") {
    CHECK(parse_error({"--nodes", ""}).starts_with("--nodes: the value is empty"));
    CHECK(parse_error({"--nodes", " , ,"}).starts_with("--nodes: the value is empty"));
    CHECK(parse_error({"--role", " "}).starts_with("--role: the value is empty"));
    CHECK(parse_error({"--nodes", "cp-1,"}).empty());
  }

  TEST_CASE("an unknown flag is named even when a command or a required flag is missing") {
    auto [code, err] = run_capturing_stderr({"acpctl", "--bogus"});
    CHECK(code == acp::k_exit_usage);
    CHECK(err.starts_with("error: unknown option --bogus\n"));
    std::tie(code, err) = run_capturing_stderr({"acpctl", "plan", "--bogus", "-f", "x"});
    CHECK(code == acp::k_exit_usage);
    CHECK(err.starts_with("error: unknown option --bogus\n"));
    std::tie(code, err) = run_capturing_stderr({"acpctl", "status", "--noeds", "a", "-f", "x"});
    CHECK(err.starts_with("error: unknown option --noeds (did you mean --nodes?)\n"));
    std::tie(code, err) = run_capturing_stderr({"acpctl", "validat"});
    CHECK(err.starts_with("error: unknown command validat (did you mean validate?)\n"));
  }
}
