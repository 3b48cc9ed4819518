#include "acpctl/service/manager.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/shell.hpp"
#include "run_local.hpp"

#include <doctest/doctest.h>
#include <filesystem>

using namespace acp::service;

namespace {
std::string recorded(const std::string& name) {
  return acp::util::read_file(std::filesystem::path(ACPCTL_SOURCE_DIR) / "tests/data/service" /
                              name)
      .take();
}

// Writes the run script of `spec` to a scratch dir and runs it with sh.
test_support::Ran run_script_of(const ServiceSpec& spec) {
  const auto inst = make_runit()->install(spec, true).take();
  acp::util::TempDir dir;
  const auto path = dir.path() / "run";
  REQUIRE(acp::util::write_file_atomic(path, inst.files.at(0).content).ok());
  const auto syntax = test_support::run_local("sh -n " + acp::util::shell_quote(path.string()));
  REQUIRE(syntax.exit_code == 0);
  return test_support::run_local("sh " + acp::util::shell_quote(path.string()));
}
} // namespace

TEST_SUITE("service::runit") {
  TEST_CASE("a run script passes arguments through literally") {
    ServiceSpec spec{"demo", {"/bin/echo", "a b", "$HOME", "it's", "`id`", "*"}, "", {}, "", {},
                     {}};
    const auto ran = run_script_of(spec);
    CHECK(ran.exit_code == 0);
    CHECK(ran.output == "a b $HOME it's `id` *\n");
  }

  TEST_CASE("a run script sets the environment and working directory") {
    acp::util::TempDir work;
    ServiceSpec spec{"demo",
                     {"/bin/sh", "-c", "echo \"$GREETING|$(pwd)\""},
                     "",
                     {{"GREETING", "hello 'w' $x"}},
                     work.path().string(),
                     {},
                     {}};
    const auto ran = run_script_of(spec);
    CHECK(ran.output == "hello 'w' $x|" + work.path().string() + "\n");
  }

  TEST_CASE("a new service is prepared under a dot-name and renamed in") {
    ServiceSpec spec{"etcd", {"/usr/bin/etcd"}, "etcd", {}, "", {}, RestartPolicy::on_failure};
    const auto inst = make_runit()->install(spec, false).take();
    std::vector<std::string> paths;
    for (const auto& f : inst.files)
      paths.push_back(f.path);
    CHECK(paths == std::vector<std::string>{"/etc/service/.acp-etcd/run",
                                            "/etc/service/.acp-etcd/log/run",
                                            "/etc/service/.acp-etcd/finish"});
    CHECK(inst.files[0].mode == 0755);
    CHECK(inst.files[0].content.find("chpst -u etcd /usr/bin/etcd\n") != std::string::npos);
    CHECK(inst.commands ==
          std::vector<Argv>{{"mv", "-T", "--", "/etc/service/.acp-etcd", "/etc/service/acp-etcd"}});
    for (const auto& f : inst.files) {
      acp::util::TempDir dir;
      REQUIRE(acp::util::write_file_atomic(dir.path() / "s", f.content).ok());
      CHECK(test_support::run_local("sh -n " + (dir.path() / "s").string()).exit_code == 0);
    }
  }

  TEST_CASE("an installed service is updated in place") {
    ServiceSpec spec{"etcd", {"/usr/bin/etcd"}, "", {}, "", {}, {}};
    const auto inst = make_runit()->install(spec, true).take();
    CHECK(inst.files[0].path == "/etc/service/acp-etcd/run");
    CHECK(inst.commands == std::vector<Argv>{{"rm", "-f", "--", "/etc/service/acp-etcd/finish"}});
  }

  TEST_CASE("control commands are argv for sv") {
    const auto m = make_runit();
    CHECK(m->start("etcd").front() == "sh");
    CHECK(m->start("etcd")[4] == "/etc/service/acp-etcd");
    CHECK(m->start("etcd").back() == "up");
    CHECK(m->restart("etcd").back() == "restart");
    CHECK(m->status("etcd") == Argv{"sv", "status", "/etc/service/acp-etcd"});
    CHECK(m->uninstall("etcd").front() ==
          Argv{"mv", "-T", "--", "/etc/service/acp-etcd", "/etc/service/.acp-etcd-removed"});
    // The service directory is removed only if it resolves below /etc/service on the node.
    CHECK(m->uninstall("etcd").back() ==
          acp::util::remove_tree_argv("/etc/service",
                                      std::vector<std::string>{"/etc/service/.acp-etcd-removed"}));
  }

  TEST_CASE("sv status output recorded from runsv is understood") {
    const auto m = make_runit();
    auto s = m->parse_status(recorded("sv-status-run.txt"));
    REQUIRE(s.ok());
    CHECK(s->exists);
    CHECK(s->running);
    CHECK(s->pid == 19);
    s = m->parse_status(recorded("sv-status-down.txt"));
    REQUIRE(s.ok());
    CHECK(s->exists);
    CHECK_FALSE(s->running);
    CHECK(s->pid == 0);
    s = m->parse_status(recorded("sv-status-missing.txt"));
    REQUIRE(s.ok());
    CHECK_FALSE(s->exists);
    s = m->parse_status("run: /etc/service/acp-x: (pid 123) 45s; run: log: (pid 122) 45s\n");
    REQUIRE(s.ok());
    CHECK(s->pid == 123);
    CHECK_FALSE(m->parse_status("sv: command not found\n").ok());
  }

  TEST_CASE("the manager is chosen from the supervisor the facts found") {
    CHECK(for_host(ManagerKind::runit, "n1").take()->kind() == "runit");
    CHECK(for_host(ManagerKind::systemd, "n1").take()->kind() == "systemd");
    CHECK(to_string(ManagerKind::systemd) == "systemd");
    const auto r = for_host(ManagerKind::unknown, "n1");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().host() == "n1");
  }
}
