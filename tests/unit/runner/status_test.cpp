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
    t->respond({"sh", "-c", std::string(facts::k_facts_script)}, {0, recorded_facts(), "", {}});
    t->respond({"sv", "status"}, {0, "run: /etc/service/acp-etcd: (pid 4242) 45s", "", {}});
    const LockOwner holder{"ctl", 1234, "99", "2026-11-27T15:55:00Z", "acpctl apply"};
    t->respond({"sh", "-c"}, {0, owner_to_json(holder), "", {}});
  } else if (n.name == "n2") {
    t->respond({"sh", "-c", std::string(facts::k_facts_script)}, {0, recorded_facts(), "", {}});
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
    const auto status = gather_status({&n1, &n2, &n3}, scripted, 2);
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

    const auto json = status_to_json(status);
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
    std::vector<NodeStatus> nodes(3);
    nodes[0].name = "cp-1";
    nodes[0].addresses = {"127.0.0.1", "192.168.10.11"};
    nodes[1].name = "cp-2";
    nodes[1].addresses = {"192.168.10.12", vip};
    nodes[2].name = "cp-3";
    auto one = vip_status(*cluster, nodes);
    REQUIRE(one.has_value());
    CHECK(one->holders == std::vector<std::string>{"cp-2"});
    CHECK(render_vip_text(one, false) == "VIP " + vip + " on cp-2\n");
    CHECK(vip_to_json(one)["holders"] == nlohmann::json::array({"cp-2"}));
    nodes[2].addresses = {vip};
    CHECK(render_vip_text(vip_status(*cluster, nodes), false)
              .find("on 2 nodes at once (cp-2, cp-3)") != std::string::npos);
    nodes[1].addresses.clear();
    nodes[2].addresses.clear();
    CHECK(render_vip_text(vip_status(*cluster, nodes), false).find("is on no node shown") !=
          std::string::npos);
    cluster->endpoint.self_built_vip.reset();
    CHECK_FALSE(vip_status(*cluster, nodes).has_value());
    CHECK(render_vip_text(std::nullopt, false).empty());
  }
}
