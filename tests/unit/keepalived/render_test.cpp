#include "acpctl/components/keepalived/inputs.hpp"
#include "acpctl/components/keepalived/render.hpp"
#include "acpctl/util/fs.hpp"
#include "fixtures.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <string>

using namespace acp::keepalived;
using keepalived_fixtures::cluster;
using keepalived_fixtures::Shape;

namespace {

std::string render(const acp::config::Cluster& c, const std::string& node,
                   const std::string& password = "s3cret-1") {
  auto r = render_config({c, *c.find_node(node), "eth0", password});
  REQUIRE_MESSAGE(r.ok(), r.error().describe());
  return *r;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_SUITE("keepalived::render") {
  TEST_CASE("priorities follow config order and every node peers with the others") {
    const auto c = cluster();
    const auto n1 = render(c, "n1");
    const auto n3 = render(c, "n3");
    CHECK(contains(n1, "  router_id n1\n"));
    CHECK(contains(n1, "  priority 200\n"));
    CHECK(contains(render(c, "n2"), "  priority 190\n"));
    CHECK(contains(n3, "  priority 180\n"));
    CHECK(contains(n1, "  unicast_src_ip 10.88.0.11\n  unicast_peer {\n    10.88.0.12\n"
                       "    10.88.0.13\n  }\n"));
    CHECK(contains(n3, "  unicast_src_ip 10.88.0.13\n  unicast_peer {\n    10.88.0.11\n"
                       "    10.88.0.12\n  }\n"));
    CHECK_FALSE(contains(n1, "10.88.0.14")); // the worker is no peer
    for (const auto* line :
         {"  state BACKUP\n", "  nopreempt\n", "  virtual_router_id 51\n", "  advert_int 1\n",
          "  interface eth0\n", "    auth_pass s3cret-1\n", "    10.88.0.100/24 dev eth0\n",
          "  script_user root\n", "  enable_script_security\n",
          "  script \"/etc/acp/keepalived/check.sh\"\n"})
      CHECK_MESSAGE(contains(n1, line), line);
  }

  TEST_CASE("priorities go down by 10 and stop at 10; a worker has none") {
    const auto c = cluster({.control_planes = 5});
    CHECK(priority_of(c, *c.find_node("n5")) == 160);
    CHECK(priority_of(c, *c.find_node("n6")) == 0);
  }

  TEST_CASE("the VIP takes nodeCIDR's prefix, else a host route") {
    CHECK(vip_prefix(cluster({.node_cidr = "10.88.0.0/16"})) == 16);
    const auto c = cluster({.node_cidr = ""});
    CHECK(vip_prefix(c) == 32);
    CHECK(contains(render(c, "n2"), "    10.88.0.100/32 dev eth0\n"));
  }

  TEST_CASE("a lone control-plane node gets no unicast keywords") {
    const auto text = render(cluster({.control_planes = 1}), "n1");
    CHECK_FALSE(contains(text, "unicast"));
    CHECK(contains(text, "  priority 200\n"));
  }

  TEST_CASE("a worker, or a cluster without selfBuiltVIP, gets no keepalived.conf") {
    const auto c = cluster();
    auto worker = render_config({c, *c.find_node("n4"), "eth0", "pw"});
    REQUIRE_FALSE(worker.ok());
    CHECK(worker.error().host() == "n4");
    auto lb = c;
    lb.endpoint.self_built_vip.reset();
    lb.endpoint.external_load_balancer = acp::config::ExternalLoadBalancer{"10.88.0.200", 6443};
    CHECK_FALSE(render_config({lb, *lb.find_node("n1"), "eth0", "pw"}).ok());
  }

  TEST_CASE("refuses a password keepalived would truncate, without quoting it") {
    const auto c = cluster();
    auto r = render_config({c, *c.find_node("n1"), "eth0", "longer-than-8"});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == acp::Errc::invalid_input);
    CHECK(contains(r.error().describe(), "13 characters"));
    CHECK(contains(r.error().describe(), "first 8"));
    CHECK_FALSE(contains(r.error().describe(), "longer-than-8"));
    CHECK(check_auth_password("12345678").ok());
    CHECK_FALSE(check_auth_password("").ok());
  }

  TEST_CASE("refuses password characters that keepalived.conf would read as syntax") {
    for (const auto* bad : {"a b", "pa#ss", "pa!ss", "$VAR", "q\"uote", "{x}", "tab\tx"}) {
      auto ok = check_auth_password(bad);
      CHECK_MESSAGE(!ok.ok(), bad);
      if (!ok.ok())
        CHECK_FALSE(contains(ok.error().describe(), bad));
    }
  }

  TEST_CASE("an IPv6 VIP is refused with the reason") {
    auto c = cluster();
    c.endpoint.self_built_vip->vip = "fd00::100";
    auto r = render_config({c, *c.find_node("n1"), "eth0", "pw"});
    REQUIRE_FALSE(r.ok());
    CHECK(contains(r.error().describe(), "VRRPv3"));
  }

  TEST_CASE("the salt, when given, is a comment line near the top") {
    const auto c = cluster();
    NodeConfigInput in{c, *c.find_node("n1"), "eth0", "pw-12345"};
    in.salt = "S4ltS4ltS4ltS4ltS4ltS4ltS4ltS4ltS4lt";
    const auto text = render_config(in);
    REQUIRE(text.ok());
    CHECK(contains(*text, "\n# salt S4ltS4ltS4ltS4ltS4ltS4ltS4ltS4ltS4lt "));
    CHECK(text->find("# salt") < text->find("global_defs"));
    CHECK_FALSE(contains(render(c, "n1"), "salt"));
  }
}

TEST_SUITE("keepalived::inputs") {
  TEST_CASE("the interface comes from the config, else from the interface holding the address") {
    acp::facts::HostFacts facts;
    facts.interfaces = {{"lo", {"127.0.0.1"}}, {"ens3", {"10.88.0.12", "fe80::1"}}};
    const auto with = cluster();
    CHECK(*interface_for(with, *with.find_node("n2"), facts) == "eth0");
    const auto without = cluster({.interface = ""});
    CHECK(*interface_for(without, *without.find_node("n2"), facts) == "ens3");
    auto none = interface_for(without, *without.find_node("n1"), facts);
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().host() == "n1");
    CHECK(contains(none.error().describe(), "selfBuiltVIP.interface"));
  }

  TEST_CASE("without authPassword one is made once, kept 0600 in the cluster dir, and reused") {
    acp::util::TempDir dir;
    const auto c = cluster();
    const auto first = auth_password(c, dir.path() / "lab");
    REQUIRE(first.ok());
    CHECK(first->size() == 8);
    CHECK(check_auth_password(*first).ok());
    const auto kept = dir.path() / "lab" / "keepalived-auth";
    CHECK((std::filesystem::status(kept).permissions() & std::filesystem::perms::all) ==
          std::filesystem::perms(0600));
    CHECK(*auth_password(c, dir.path() / "lab") == *first);
    acp::util::TempDir other;
    CHECK(*auth_password(c, other.path()) != *first);
  }

  TEST_CASE("the digest salt is made once per cluster dir, kept 0600, and reused") {
    acp::util::TempDir dir;
    const auto first = digest_salt(dir.path());
    REQUIRE(first.ok());
    CHECK(first->size() == 43);
    CHECK((std::filesystem::status(dir.path() / "keepalived-salt").permissions() &
           std::filesystem::perms::all) == std::filesystem::perms(0600));
    CHECK(*digest_salt(dir.path()) == *first);
    acp::util::TempDir other;
    CHECK(*digest_salt(other.path()) != *first);
  }

  TEST_CASE("authPassword from a file is used, and refused naming the file when too long") {
    acp::util::TempDir dir;
    auto c = cluster();
    const auto file = dir.path() / "vrrp";
    REQUIRE(acp::util::write_file_atomic(file, "abcd1234\n").ok());
    c.endpoint.self_built_vip->auth_password.from_file = file.string();
    CHECK(*auth_password(c, dir.path()) == "abcd1234");
    REQUIRE(acp::util::write_file_atomic(file, "abcd12345\n").ok());
    auto r = auth_password(c, dir.path());
    REQUIRE_FALSE(r.ok());
    CHECK(contains(r.error().describe(), file.string()));
    CHECK_FALSE(contains(r.error().describe(), "abcd12345"));
  }
}
