// The keepalived stage's files: which nodes get them, their modes, and that the password and
// salt stay in acpctl's cluster directory and out of every digest and error.

#include "acpctl/components/keepalived/steps.hpp"
#include "acpctl/components/registry.hpp"
#include "acpctl/config/load.hpp"
#include "acpctl/stages/step.hpp"
#include "acpctl/util/fs.hpp"
#include "scratch_home.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>

using namespace acp;

namespace {

using test::ScratchHome;

config::Cluster lab_cluster() {
  auto r = config::load_text(config::example_config(), "cluster.yaml");
  REQUIRE(r.ok());
  auto c = *r.cluster;
  c.nodes.back().roles = {config::Role::worker};
  return c;
}

} // namespace

TEST_SUITE("stages::keepalived") {
  TEST_CASE("control-plane nodes get keepalived.conf (0600) and check.sh (0755); workers nothing") {
    ScratchHome home;
    const auto c = lab_cluster();
    const stages::PlatformSource source{c, nullptr};
    const auto files = acp::keepalived::render(source, c.nodes[0]);
    REQUIRE_MESSAGE(files.ok(), files.error().describe());
    REQUIRE(files->size() == 2);
    CHECK((*files)[0].path == "/etc/acp/keepalived/keepalived.conf");
    CHECK((*files)[0].mode == 0600);
    CHECK((*files)[1].path == "/etc/acp/keepalived/check.sh");
    CHECK((*files)[1].mode == 0755);
    CHECK(acp::keepalived::render(source, c.nodes.back())->empty());
    const auto dir = home.dir.path() / "clusters" / c.name;
    CHECK(std::filesystem::exists(dir / "keepalived-auth"));
    CHECK(std::filesystem::exists(dir / "keepalived-salt"));
    // Rendering again gives the same bytes: a re-apply changes nothing.
    CHECK(acp::keepalived::render(source, c.nodes[0])->at(0).content == (*files)[0].content);
  }

  TEST_CASE("a cluster behind an external load balancer runs no keepalived") {
    ScratchHome home;
    auto c = lab_cluster();
    c.endpoint.self_built_vip.reset();
    c.endpoint.external_load_balancer = config::ExternalLoadBalancer{"192.168.10.200", 6443};
    const stages::PlatformSource source{c, nullptr};
    for (const auto& n : c.nodes)
      CHECK(acp::keepalived::render(source, n)->empty());
    CHECK_FALSE(std::filesystem::exists(home.dir.path() / "clusters"));
  }

  TEST_CASE("without an interface in the config, the one holding the node's address is used") {
    ScratchHome home;
    auto c = lab_cluster();
    c.endpoint.self_built_vip->interface.clear();
    std::map<std::string, facts::HostFacts> facts;
    facts[c.nodes[0].name].interfaces = {{"lo", {"127.0.0.1"}}, {"ens7", {c.nodes[0].address}}};
    const stages::PlatformSource source{c, nullptr, &facts};
    const auto files = acp::keepalived::render(source, c.nodes[0]);
    REQUIRE_MESSAGE(files.ok(), files.error().describe());
    CHECK((*files)[0].content.find("  interface ens7\n") != std::string::npos);
    CHECK((*files)[0].content.find(" dev ens7\n") != std::string::npos);
    // No facts for the node (or none at all): the error says to set the interface.
    for (const auto* given :
         {&facts, static_cast<std::map<std::string, facts::HostFacts>*>(nullptr)}) {
      const auto other = acp::keepalived::render({c, nullptr, given}, c.nodes[1]);
      REQUIRE_FALSE(other.ok());
      CHECK(other.error().describe().find("selfBuiltVIP.interface") != std::string::npos);
    }
  }

  TEST_CASE("a too long authPassword fails the render without showing it") {
    ScratchHome home;
    auto c = lab_cluster();
    const auto file = home.dir.path() / "vrrp";
    REQUIRE(util::write_file_atomic(file, "much-too-long-password\n").ok());
    c.endpoint.self_built_vip->auth_password.from_file = file.string();
    const auto files = acp::keepalived::render({c, nullptr}, c.nodes[0]);
    REQUIRE_FALSE(files.ok());
    CHECK(files.error().describe().find("much-too-long") == std::string::npos);
    CHECK(files.error().describe().find(file.string()) != std::string::npos);
  }
}
