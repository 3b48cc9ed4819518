#include "acpctl/transport/fake.hpp"
#include "acpctl/transport/transport.hpp"

#include <doctest/doctest.h>
#include <sstream>

using namespace acp;
using namespace acp::transport;

TEST_SUITE("transport::command_line") {
  TEST_CASE("quotes every argument so user values cannot reach the shell") {
    Command c;
    c.argv = {"echo", "a b", "it's", "$(reboot)", ";rm -rf /", ""};
    auto line = command_line(c, {});
    REQUIRE(line.ok());
    CHECK(*line == R"(echo 'a b' 'it'\''s' '$(reboot)' ';rm -rf /' '')");
  }

  TEST_CASE("passes the environment through env, quoted") {
    Command c;
    c.argv = {"printenv", "A"};
    c.env = {{"A", "x y"}, {"B", "1"}};
    auto line = command_line(c, {});
    REQUIRE(line.ok());
    CHECK(*line == "env 'A=x y' B=1 printenv A");
  }

  TEST_CASE("refuses an invalid environment name and an empty command") {
    Command c;
    c.argv = {"true"};
    c.env = {{"A;B", "1"}};
    auto bad_env = command_line(c, {});
    REQUIRE_FALSE(bad_env.ok());
    CHECK(bad_env.error().code() == Errc::usage);
    CHECK(bad_env.error().message().find("A;B") != std::string::npos);
    CHECK_FALSE(command_line(Command{}, {}).ok());
  }

  TEST_CASE("wraps with sudo -n without a password and sudo -S with one, env inside sudo") {
    Command c;
    c.argv = {"id", "-u"};
    c.env = {{"X", "1"}};
    auto plain = command_line(c, Wrapping{true, false});
    auto with_password = command_line(c, Wrapping{true, true});
    REQUIRE(plain.ok());
    REQUIRE(with_password.ok());
    CHECK(*plain == "sudo -n -- env X=1 id -u");
    CHECK(*with_password == "sudo -k -S -p '' -- env X=1 id -u");
  }

  TEST_CASE("the fake records the wrapped line, sudo only where asked, and the stdin") {
    FakeTransport fake("n1", Wrapping{true, false});
    std::istringstream in("secret input\n");
    Command root;
    root.argv = {"cat"};
    root.sudo = true;
    root.stdin_stream = &in;
    Command user;
    user.argv = {"ls", "/tmp dir"};
    REQUIRE(fake.run(root).ok());
    REQUIRE(fake.run(user).ok());
    const auto calls = fake.calls();
    REQUIRE(calls.size() == 2);
    CHECK(calls[0].line == "sudo -n -- cat");
    CHECK(calls[0].stdin_data == "secret input\n");
    CHECK(calls[1].line == "ls '/tmp dir'");
  }

  TEST_CASE("the fake answers by the longest matching argv prefix") {
    FakeTransport fake("n1");
    fake.respond({"systemctl"}, CommandResult{3, "", "", {}});
    fake.respond({"systemctl", "is-active"}, CommandResult{0, "active\n", "", {}});
    fake.fail({"reboot"}, Error(Errc::connect, "gone"));
    Command c;
    c.argv = {"systemctl", "is-active", "etcd"};
    auto active = fake.run(c);
    REQUIRE(active.ok());
    CHECK(active->out == "active\n");
    c.argv = {"systemctl", "stop", "etcd"};
    CHECK(fake.run(c)->exit_code == 3);
    c.argv = {"reboot"};
    CHECK(fake.run(c).error().code() == Errc::connect);
  }

  TEST_CASE("temporary upload names are hidden, beside the target and distinct") {
    const auto a = temp_path_for("/etc/acp/ca.crt");
    const auto b = temp_path_for("/etc/acp/ca.crt");
    CHECK(a.starts_with("/etc/acp/.ca.crt.acpctl-tmp-"));
    CHECK(a != b);
    CHECK(temp_path_for("file").starts_with(".file.acpctl-tmp-"));
  }
}

TEST_SUITE("transport::sudo") {
  // {wanted, login_is_root, enabled, password_configured, asks_password}
  TEST_CASE("a NOPASSWD user never gets the configured password, so it cannot reach stdin") {
    const SudoSetup nopasswd{true, false, true, true, false};
    CHECK_FALSE(needs_probe(nopasswd));
    const auto w = wrapping_for(nopasswd);
    CHECK(w.sudo);
    CHECK_FALSE(w.sudo_password);
    Command c;
    c.argv = {"cat"};
    CHECK(*command_line(c, w) == "sudo -n -- cat");
  }

  TEST_CASE("the password goes to sudo only once sudo was seen to ask for it") {
    SudoSetup s{true, false, true, true, std::nullopt};
    CHECK(needs_probe(s));
    s.asks_password = true;
    CHECK_FALSE(needs_probe(s));
    CHECK(wrapping_for(s).sudo_password);
    Command c;
    c.argv = {"cat"};
    CHECK(*command_line(c, wrapping_for(s)) == "sudo -k -S -p '' -- cat");
  }

  TEST_CASE("no sudo for root, for a command that needs none, or when sudo is off") {
    CHECK_FALSE(wrapping_for({true, true, true, true, true}).sudo);
    CHECK_FALSE(wrapping_for({false, false, true, true, true}).sudo);
    CHECK_FALSE(wrapping_for({true, false, false, true, true}).sudo);
    CHECK_FALSE(needs_probe({true, true, true, true, std::nullopt}));
    CHECK_FALSE(needs_probe({true, false, true, false, std::nullopt}));
  }
}
