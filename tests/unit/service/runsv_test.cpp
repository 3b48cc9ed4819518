// The runit files acpctl writes, run by the real runsv from Debian's runit package in a
// scratch directory standing in for /etc/service. runsv is started and stopped by its PID.

#include "acpctl/service/manager.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/shell.hpp"
#include "run_local.hpp"

#include <chrono>
#include <csignal>
#include <doctest/doctest.h>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>

using namespace acp::service;
namespace fs = std::filesystem;

namespace {

// The scratch dir plays /etc/service: every path and argument is moved below it.
struct ScratchServices {
  acp::util::TempDir dir;
  std::string rebase(const std::string& s) const {
    return s.starts_with("/etc/service") ? dir.path().string() + s.substr(12) : s;
  }
  Argv rebase(Argv argv) const {
    for (auto& a : argv)
      a = rebase(a);
    return argv;
  }
  test_support::Ran run(const Argv& argv) const {
    return test_support::run_local(acp::util::shell_join(rebase(argv)));
  }
  // Writes the files (without log/run: svlogd would write to /var/log) and runs the commands.
  void install(const ServiceManager& m, const ServiceSpec& spec) const {
    const auto inst = m.install(spec, false).take();
    for (const auto& f : inst.files)
      if (!f.path.ends_with("/log/run")) {
        fs::create_directories(fs::path(rebase(f.path)).parent_path());
        REQUIRE(acp::util::write_file_atomic(rebase(f.path), f.content, fs::perms(f.mode)).ok());
      }
    for (const auto& c : inst.commands)
      REQUIRE(run(c).exit_code == 0);
  }
};

pid_t spawn_runsv(const std::string& service_dir) {
  pid_t pid = 0;
  std::string prog = "runsv";
  std::string dir = service_dir;
  char* argv[] = {prog.data(), dir.data(), nullptr};
  REQUIRE(posix_spawnp(&pid, "runsv", nullptr, nullptr, argv, environ) == 0);
  return pid;
}

void stop_runsv(pid_t pid, const ScratchServices& s, const ServiceManager& m) {
  s.run({"sv", "exit", m.status("demo").back()});
  for (int i = 0; i < 50; ++i) {
    if (waitpid(pid, nullptr, WNOHANG) == pid)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

// Polls `sv status` until `want` says yes or 5 s pass.
ServiceStatus wait_status(const ScratchServices& s, const ServiceManager& m,
                          bool (*want)(const ServiceStatus&)) {
  ServiceStatus last;
  for (int i = 0; i < 50; ++i) {
    auto st = m.parse_status(s.run(m.status("demo")).output);
    if (st.ok()) {
      last = *st;
      if (want(last))
        break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return last;
}

bool have_runsv() {
  return test_support::run_local("command -v runsv").exit_code == 0;
}

} // namespace

TEST_SUITE("service::runsv") {
  TEST_CASE("a generated service runs under runsv and sv status reads back its pid") {
    if (!have_runsv()) {
      MESSAGE("runsv is not installed (Debian package runit): skipped");
      return;
    }
    const auto m = make_runit();
    ScratchServices s;
    s.install(*m, {"demo", {"/bin/sleep", "30"}, "", {}, "", {}, {}});
    CHECK(fs::exists(s.dir.path() / "acp-demo/run"));
    CHECK_FALSE(fs::exists(s.dir.path() / ".acp-demo"));
    const auto runsv = spawn_runsv(s.rebase("/etc/service/acp-demo"));
    const auto up = wait_status(s, *m, [](const ServiceStatus& st) { return st.running; });
    CHECK(up.running);
    CHECK(up.pid > 0);
    CHECK(up.pid != runsv);
    CHECK(s.run(m->stop("demo")).exit_code == 0);
    const auto down = wait_status(s, *m, [](const ServiceStatus& st) { return !st.running; });
    CHECK(down.exists);
    CHECK_FALSE(down.running);
    stop_runsv(runsv, s, *m);
  }

  TEST_CASE("restart policy never keeps a finished service down") {
    if (!have_runsv()) {
      MESSAGE("runsv is not installed (Debian package runit): skipped");
      return;
    }
    const auto m = make_runit();
    ScratchServices s;
    s.install(*m, {"demo", {"/bin/true"}, "", {}, "", {}, RestartPolicy::never});
    const auto runsv = spawn_runsv(s.rebase("/etc/service/acp-demo"));
    const auto st = wait_status(s, *m, [](const ServiceStatus& x) {
      return x.detail.find("normally up") != std::string::npos;
    });
    CHECK(st.exists);
    CHECK_FALSE(st.running);
    CHECK(st.detail.find("normally up") != std::string::npos);
    stop_runsv(runsv, s, *m);
  }

  TEST_CASE("restart issued before runsv picks the directory up waits for it") {
    if (!have_runsv()) {
      MESSAGE("runsv is not installed (Debian package runit): skipped");
      return;
    }
    const auto m = make_runit();
    ScratchServices s;
    s.install(*m, {"demo", {"/bin/sleep", "30"}, "", {}, "", {}, {}});
    int restart_exit = -1;
    std::thread restart([&] { restart_exit = s.run(m->restart("demo")).exit_code; });
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const auto runsv = spawn_runsv(s.rebase("/etc/service/acp-demo"));
    restart.join();
    CHECK(restart_exit == 0);
    const auto up = wait_status(s, *m, [](const ServiceStatus& st) { return st.running; });
    CHECK(up.running);
    stop_runsv(runsv, s, *m);
  }

  TEST_CASE("uninstall works when runsvdir already stopped the service's runsv") {
    const auto m = make_runit();
    ScratchServices s;
    s.install(*m, {"demo", {"/bin/sleep", "30"}, "", {}, "", {}, {}});
    // No runsv runs for it: every `sv` fails ("unable to open supervise/ok"), as when
    // runsvdir's scan beat us; the directory must still go.
    for (const auto& argv : m->uninstall("demo"))
      CHECK(s.run(argv).exit_code == 0);
    CHECK_FALSE(fs::exists(s.dir.path() / "acp-demo"));
    CHECK_FALSE(fs::exists(s.dir.path() / ".acp-demo-removed"));
  }
}
