#include "acpctl/service/manager.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/shell.hpp"
#include "run_local.hpp"

#include <doctest/doctest.h>
#include <filesystem>

using namespace acp::service;

namespace {
ServiceSpec demo() {
  ServiceSpec s;
  s.name = "demo";
  s.command = {"/bin/echo", "a b", "$HOME", "100%", "say \"hi\""};
  s.user = "daemon";
  s.environment = {{"GREETING", "hello \"w\" 50%"}, {"PLAIN", "x"}};
  s.working_dir = "/tmp";
  return s;
}

bool have_systemd_analyze() {
  return std::filesystem::exists("/usr/bin/systemd-analyze") ||
         std::filesystem::exists("/bin/systemd-analyze");
}
} // namespace

TEST_SUITE("service::systemd") {
  TEST_CASE("a unit quotes arguments the systemd way and names the service acp-<name>") {
    const auto inst = make_systemd()->install(demo(), false);
    REQUIRE(inst.ok());
    REQUIRE(inst->files.size() == 1);
    CHECK(inst->files[0].path == "/etc/systemd/system/acp-demo.service");
    const auto& unit = inst->files[0].content;
    CHECK(unit.find("ExecStart=/bin/echo \"a b\" \"$$HOME\" \"100%%\" \"say \\\"hi\\\"\"\n") !=
          std::string::npos);
    CHECK(unit.find("Environment=\"GREETING=hello \\\"w\\\" 50%%\"\n") != std::string::npos);
    CHECK(unit.find("User=daemon\n") != std::string::npos);
    CHECK(unit.find("Restart=always\n") != std::string::npos);
    CHECK(inst->commands == std::vector<Argv>{{"systemctl", "daemon-reload"},
                                              {"systemctl", "enable", "--", "acp-demo.service"}});
  }

  TEST_CASE("generated units pass systemd-analyze verify") {
    if (!have_systemd_analyze()) {
      MESSAGE("systemd-analyze is not installed (Debian package systemd): skipped");
      return;
    }
    auto specs = std::vector<ServiceSpec>{demo(), demo(), demo()};
    specs[1].name = "minimal";
    specs[1].command = {"/bin/true"};
    specs[1].user.clear();
    specs[1].environment.clear();
    specs[1].working_dir.clear();
    specs[1].restart = RestartPolicy::never;
    specs[2].name = "on-failure";
    specs[2].restart = RestartPolicy::on_failure;
    for (const auto& spec : specs) {
      CAPTURE(spec.name);
      acp::util::TempDir dir;
      const auto inst = make_systemd()->install(spec, false).take();
      const auto path = dir.path() / std::filesystem::path(inst.files[0].path).filename();
      REQUIRE(acp::util::write_file_atomic(path, inst.files[0].content).ok());
      const auto ran = test_support::run_local(acp::util::shell_join(
          std::vector<std::string>{"systemd-analyze", "verify", "--man=no", path.string()}));
      INFO(ran.output);
      CHECK(ran.exit_code == 0);
      CHECK(ran.output.find(path.filename().string()) == std::string::npos);
    }
  }

  TEST_CASE("control commands are argv for systemctl") {
    const auto m = make_systemd();
    CHECK(m->restart("etcd") == Argv{"systemctl", "restart", "--", "acp-etcd.service"});
    CHECK(m->status("etcd").back() == "acp-etcd.service");
    CHECK(m->uninstall("etcd").front() ==
          Argv{"systemctl", "disable", "--now", "--", "acp-etcd.service"});
  }

  TEST_CASE("status is read from systemctl show") {
    const auto m = make_systemd();
    // Format of `systemctl show -p LoadState -p ActiveState -p SubState -p MainPID` (systemd 252).
    auto s =
        m->parse_status("MainPID=4242\nLoadState=loaded\nActiveState=active\nSubState=running\n");
    REQUIRE(s.ok());
    CHECK(s->exists);
    CHECK(s->running);
    CHECK(s->pid == 4242);
    s = m->parse_status("MainPID=0\nLoadState=loaded\nActiveState=failed\nSubState=failed\n");
    REQUIRE(s.ok());
    CHECK_FALSE(s->running);
    CHECK(s->detail == "failed (failed)");
    s = m->parse_status("MainPID=0\nLoadState=not-found\nActiveState=inactive\nSubState=dead\n");
    REQUIRE(s.ok());
    CHECK_FALSE(s->exists);
    CHECK_FALSE(m->parse_status("Failed to connect to bus: No such file or directory\n").ok());
  }

  TEST_CASE("specs that cannot be expressed safely are refused") {
    auto spec = demo();
    spec.command[0] = "echo";
    CHECK_FALSE(make_systemd()->install(spec, false).ok());
    spec = demo();
    spec.environment.push_back({"BAD-NAME", "x"});
    CHECK_FALSE(make_systemd()->install(spec, false).ok());
    spec = demo();
    spec.command.push_back("two\nlines");
    CHECK_FALSE(validate(spec).ok());
    spec = demo();
    spec.name = "Demo Service";
    CHECK(validate(spec).error().message().find("name") != std::string::npos);
  }
}
