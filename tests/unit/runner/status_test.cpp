#include "acpctl/components/keepalived/steps.hpp"
#include "acpctl/components/registry.hpp"
#include "acpctl/config/load.hpp"
#include "acpctl/facts/gather.hpp"
#include "acpctl/runner/status.hpp"
#include "acpctl/transport/fake.hpp"
#include "acpctl/util/fs.hpp"
#include "runner/lock_owner.hpp"

#include <doctest/doctest.h>

using namespace acp;
using namespace acp::runner;

namespace {

std::string recorded_facts() {
  return util::read_file(std::string(ACPCTL_SOURCE_DIR) + "/tests/data/facts/lab-runit-amd64.txt")
      .take();
}

config::Node node(const std::string& name, const std::string& address) {
  config::Node n;
  n.name = name;
  n.address = address;
  return n;
}

std::unique_ptr<transport::Transport> scripted(const config::Node& n) {
  auto t = std::make_unique<transport::FakeTransport>(n.name);
  if (n.name == "n1") {
    t->respond({"sh", "-c", facts::script(acp::components::registry().probes())},
               {0, recorded_facts(), "", {}});
    t->respond({"sv", "status"}, {0, "run: /etc/service/acp-etcd: (pid 4242) 45s", "", {}});
    const LockOwner holder{"ctl", 1234, "99", "2026-11-27T15:55:00Z", "acpctl apply"};
    t->respond({"sh", "-c"}, {0, owner_to_json(holder), "", {}});
  } else if (n.name == "n2") {
    t->respond({"sh", "-c", facts::script(acp::components::registry().probes())},
               {0, recorded_facts(), "", {}});
    t->respond({"sh", "-c"}, {3, "", "", {}}); // no lock
  } else {
    t->fail({"sh"}, Error(Errc::connect, "cannot connect to 10.88.0.13:22: no route to host"));
  }
  return t;
}

} // namespace

TEST_SUITE("runner::status") {
  TEST_CASE("reports components, services, pid and lock, and an unreachable node on its own") {
    const auto n1 = node("n1", "10.88.0.11"), n2 = node("n2", "10.88.0.12"),
               n3 = node("n3", "10.88.0.13");
    config::Cluster cluster;
    const auto report =
        gather_status(cluster, {&n1, &n2, &n3}, scripted, acp::components::registry(), 2);
    const auto& status = report.nodes;
    CHECK(report.exit_code() == 1);
    REQUIRE(status.size() == 3);
    REQUIRE(status[0].reached());
    CHECK(status[0].serial == 3);
    CHECK(status[0].supervisor == "runit");
    REQUIRE(status[0].components.size() == 2);
    const auto& etcd = status[0].components[0];
    CHECK(etcd.name == "etcd");
    CHECK(etcd.version == "3.5.16");
    CHECK(etcd.service_state == "running");
    CHECK(etcd.pid == 4242);
    CHECK(status[0].components[1].service_state == "down");
    REQUIRE(status[0].lock.has_value());
    CHECK(status[0].lock->pid == 1234);
    CHECK_FALSE(status[1].lock.has_value());
    CHECK(status[1].lock_error.empty());
    REQUIRE_FALSE(status[2].reached());
    CHECK(status[2].error->message().find("no route to host") != std::string::npos);

    const auto json = status_to_json(report);
    CHECK(json["schema"] == 1);
    CHECK(json["nodes"][0]["components"][0]["serviceState"] == "running");
    CHECK(json["nodes"][0]["lock"]["pid"] == 1234);
    CHECK(json["nodes"][1]["lock"].is_null());
    CHECK(json["nodes"][2]["reachable"] == false);

    const auto text = render_status_text(status, false);
    CHECK(text.find("n1 (10.88.0.11): reachable, state serial 3, runit") != std::string::npos);
    CHECK(text.find("acp-etcd running (pid 4242)") != std::string::npos);
    CHECK(text.find("acp-keepalived down") != std::string::npos);
    CHECK(text.find("apply lock held by acpctl apply (pid 1234 on ctl") != std::string::npos);
    CHECK(text.find("n3 (10.88.0.13): unreachable: ") != std::string::npos);
  }
}

TEST_SUITE("runner::status vip") {
  TEST_CASE(
      "the VIP's holder from the nodes' addresses: one is green, none or two say what to do") {
    auto loaded = config::load_text(config::example_config(), "cluster.yaml");
    REQUIRE(loaded.ok());
    auto cluster = loaded.cluster;
    REQUIRE(cluster.has_value());
    const auto vip = cluster->endpoint.self_built_vip->vip;
    std::map<std::string, facts::HostFacts> facts;
    facts["cp-1"].interfaces = {{"lo", {"127.0.0.1"}}, {"eth0", {"192.168.10.11"}}};
    facts["cp-2"].interfaces = {{"eth0", {"192.168.10.12", vip}}};
    facts["cp-3"];
    auto one = acp::keepalived::vip_status(*cluster, facts);
    REQUIRE(one.has_value());
    CHECK(one->key == "vip");
    CHECK(one->ok);
    CHECK(one->text == "VIP " + vip + " on cp-2");
    CHECK(one->json["holders"] == nlohmann::json::array({"cp-2"}));
    facts["cp-3"].interfaces = {{"eth0", {vip}}};
    auto two = acp::keepalived::vip_status(*cluster, facts);
    CHECK_FALSE(two->ok);
    CHECK(two->text.find("on 2 nodes at once (cp-2, cp-3)") != std::string::npos);
    facts["cp-2"].interfaces.clear();
    facts["cp-3"].interfaces.clear();
    CHECK(acp::keepalived::vip_status(*cluster, facts)->text.find("is on no node shown") !=
          std::string::npos);
    CHECK(render_cluster_text({*one}, false) == "VIP " + vip + " on cp-2\n");
    cluster->endpoint.self_built_vip.reset();
    CHECK_FALSE(acp::keepalived::vip_status(*cluster, facts).has_value());
  }
}
