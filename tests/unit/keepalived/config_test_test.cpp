// Every generated keepalived.conf passes Debian's real `keepalived --config-test` (exit 0, no
// warning). The check script is copied to a scratch dir and the VIP put on one of this
// machine's own interfaces, because keepalived checks that both exist (and refuses `lo`).

#include "../service/run_local.hpp"
#include "acpctl/components/keepalived/render.hpp"
#include "acpctl/components/keepalived/service.hpp"
#include "acpctl/service/manager.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/shell.hpp"
#include "fixtures.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>

using namespace acp::keepalived;
using keepalived_fixtures::cluster;
using keepalived_fixtures::Shape;

namespace {

std::string keepalived_binary() {
  for (const auto* p : {"/usr/sbin/keepalived", "/usr/local/sbin/keepalived"})
    if (std::filesystem::exists(p))
      return p;
  return {};
}

// A non-loopback interface of this machine; empty if it has none.
// An interface other than lo that supports multicast (IFF_MULTICAST in its flags): a
// one-node config has no unicast peers, and keepalived refuses such a config on an interface
// without multicast (an ifb device, for one).
std::string machine_interface() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/sys/class/net", ec)) {
    if (entry.path().filename() == "lo")
      continue;
    std::ifstream in(entry.path() / "flags");
    unsigned long flags = 0;
    if (in >> std::hex >> flags && (flags & 0x1000UL) != 0)
      return entry.path().filename().string();
  }
  return {};
}

// keepalived --config-test on one node's config; returns exit code and output.
test_support::Ran config_test(const std::string& binary, const acp::config::Cluster& c,
                              const std::string& node, const std::string& iface) {
  acp::util::TempDir dir;
  const auto script = dir.path() / "check.sh";
  REQUIRE(acp::util::write_file_atomic(script, render_check_script(c, *c.find_node(node)),
                                       std::filesystem::perms(0755))
              .ok());
  auto text = render_config({c, *c.find_node(node), iface, "Zq9x-Y2a", script.string(),
                             "S4ltS4ltS4ltS4ltS4ltS4ltS4ltS4ltS4ltS4ltS4l"});
  REQUIRE_MESSAGE(text.ok(), text.error().describe());
  const auto conf = dir.path() / "keepalived.conf";
  REQUIRE(acp::util::write_file_atomic(conf, *text).ok());
  return test_support::run_local(acp::util::shell_join(
      std::vector<std::string>{binary, "--config-test", "-f", conf.string()}));
}

} // namespace

TEST_SUITE("keepalived::config-test") {
  TEST_CASE("every node's config for 1, 3 and 5 control-plane nodes passes keepalived's test") {
    const auto binary = keepalived_binary();
    if (binary.empty()) {
      MESSAGE("SKIPPED: keepalived is not installed (scripts/setup.sh installs it)");
      return;
    }
    const auto iface = machine_interface();
    if (iface.empty()) {
      MESSAGE("SKIPPED: this machine has no network interface but lo");
      return;
    }
    for (const int cps : {1, 3, 5})
      for (const auto& cidr : {std::string("10.88.0.0/24"), std::string()}) {
        const auto c = cluster({.control_planes = cps, .node_cidr = cidr});
        for (int i = 1; i <= cps; ++i) {
          const auto ran = config_test(binary, c, "n" + std::to_string(i), iface);
          CHECK_MESSAGE(ran.exit_code == 0, cps, " nodes, n", i, ": ", ran.output);
          CHECK_MESSAGE(ran.output.empty(), ran.output);
        }
      }
  }

  TEST_CASE("the test can fail: keepalived rejects an interface the machine lacks") {
    const auto binary = keepalived_binary();
    if (binary.empty()) {
      MESSAGE("SKIPPED: keepalived is not installed (scripts/setup.sh installs it)");
      return;
    }
    const auto ran = config_test(binary, cluster(), "n1", "acpnosuch0");
    CHECK(ran.exit_code != 0);
    CHECK(ran.output.find("acpnosuch0") != std::string::npos);
  }
}

TEST_SUITE("keepalived::service") {
  TEST_CASE("the service runs keepalived in the foreground with flags Debian's keepalived has") {
    const auto spec = acp::keepalived::service_spec();
    CHECK(acp::service::validate(spec).ok());
    CHECK(spec.name == "keepalived");
    CHECK(spec.command.front() == k_binary);
    const auto binary = keepalived_binary();
    if (binary.empty()) {
      MESSAGE("SKIPPED: keepalived is not installed (scripts/setup.sh installs it)");
      return;
    }
    const auto help = test_support::run_local(acp::util::shell_quote(binary) + " --help");
    for (std::size_t i = 1; i < spec.command.size(); ++i)
      if (spec.command[i].starts_with("--"))
        CHECK_MESSAGE(help.output.find(spec.command[i]) != std::string::npos, spec.command[i]);
  }
}
