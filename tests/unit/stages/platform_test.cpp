// The etcd stage's apply half and platform records, through FakeTransport.

#include "../plan/fixtures.hpp"
#include "acpctl/components/etcd/etcd.hpp"
#include "acpctl/components/etcd/steps.hpp"
#include "acpctl/components/registry.hpp"
#include "acpctl/stages/platform.hpp"
#include "acpctl/transport/fake.hpp"
#include "acpctl/util/shell.hpp"

#include <doctest/doctest.h>

using namespace acp;

namespace {

constexpr const char* k_members =
    R"({"header":{"cluster_id":1,"member_id":11,"raft_term":2},"members":[{"ID":11,"name":"cp-1",)"
    R"("peerURLs":["https://192.168.10.11:2380"],"clientURLs":["https://192.168.10.11:2379"]}]})";

struct Etcd {
  config::Cluster cluster = fixtures::example_cluster();
  plan::DesiredComponent binary{"etcd", "3.4.23", "sha256:e1", {config::Role::etcd}, {}, {}};
  facts::HostFacts facts;
  state::NodeState state;
  transport::FakeTransport node;
  std::unique_ptr<service::ServiceManager> runit = service::make_runit();
  stages::PlatformSource source{cluster, nullptr};
  std::filesystem::path unpacked = "/nonexistent";

  explicit Etcd(const std::string& host) : node(host) {
    facts.service_manager = facts::ServiceManagerKind::runit;
    node.respond({"sv", "status"}, {0, "run: /etc/service/acp-etcd: (pid 42) 1s\n", "", {}});
    node.respond({etcd::k_etcdctl}, {0, k_members, "", {}});
  }
  const config::Node& me() { return *cluster.find_node(node.host()); }
  plan::Step step(plan::Action action, const std::string& mode) {
    const auto files = acp::etcd::render(source, me()).take();
    plan::Step s{node.host(), "etcd", action, "etcd", "", "", "", "test"};
    s.digest = acp::etcd::member_digest(stages::digests_of(files), {}, binary.digest);
    s.params = plan::make_params(acp::etcd::StepParams{node.host(), mode, "", false});
    return s;
  }
  Result<state::StateChange> apply(const plan::Step& s, bool dry = false) {
    stages::Actions act(node, dry);
    stages::StepContext ctx{act,      facts,       state, &binary, nullptr,
                            unpacked, runit.get(), &me(), &source};
    return acp::components::registry().phase("etcd")->apply(s, ctx);
  }
  std::string config_text() { return node.files().at(etcd::k_config_file).content; }
  // True if a command ran with exactly `argv`.
  bool ran_argv(const std::vector<std::string>& argv) {
    for (const auto& c : node.calls())
      if (c.command.argv == argv)
        return true;
    return false;
  }
  bool removed(std::string_view root, const std::vector<std::string>& paths) {
    return ran_argv(util::remove_tree_argv(root, paths));
  }
  bool ran(const std::string& needle) {
    for (const auto& c : node.calls())
      if (c.line.find(needle) != std::string::npos)
        return true;
    return false;
  }
};

} // namespace

TEST_SUITE("stages::etcd") {
  TEST_CASE("bootstrap: TLS with client-cert auth, every etcd node, state new, a record") {
    Etcd e("cp-1");
    const auto step = e.step(plan::Action::create, "bootstrap");
    const auto change = e.apply(step).take();
    const auto text = e.config_text();
    CHECK(text.find("client-cert-auth: true") != std::string::npos);
    CHECK(text.find("trusted-ca-file: /etc/acp/pki/ca.crt") != std::string::npos);
    // A VIP holder listens on every address, so etcd answers on the VIP too.
    CHECK(text.find("listen-client-urls: https://0.0.0.0:2379\n") != std::string::npos);
    CHECK(text.find("advertise-client-urls: https://192.168.10.11:2379\n") != std::string::npos);
    CHECK(text.find("initial-cluster: \"cp-1=https://192.168.10.11:2380,cp-2=https://"
                    "192.168.10.12:2380,cp-3=https://192.168.10.13:2380\"") != std::string::npos);
    CHECK(text.find("initial-cluster-state: new") != std::string::npos);
    CHECK(text.find("logger: zap") != std::string::npos);
    CHECK(e.node.files().at(etcd::k_endpoint_file).content == "https://127.0.0.1:2379\n");
    CHECK(e.node.files().count("/etc/service/.acp-etcd/run") == 1);
    CHECK_FALSE(e.ran("member add"));
    REQUIRE(change.kind == state::StateChange::Kind::put_record);
    CHECK(change.record.name == "etcd");
    CHECK(change.record.digest == step.digest);
    CHECK(change.record.service == "etcd");
    CHECK(change.record.dirs == std::vector<std::string>{"/etc/acp/etcd", "/var/lib/etcd"});
    CHECK(change.record.ports == std::vector<int>{2379, 2380});
  }

  TEST_CASE("listen-client-urls: every address where the VIP may land, else address + loopback") {
    auto c = fixtures::example_cluster();
    const auto& n1 = *c.find_node("cp-1");
    CHECK(etcd::listen_client_urls(c, n1) == "https://0.0.0.0:2379");
    auto etcd_only = n1;
    etcd_only.roles = {config::Role::etcd};
    CHECK(etcd::listen_client_urls(c, etcd_only) ==
          "https://192.168.10.11:2379,https://127.0.0.1:2379");
    c.endpoint.self_built_vip->vip = "fd00::100";
    CHECK(etcd::listen_client_urls(c, n1) == "https://[::]:2379");
    c.endpoint.self_built_vip.reset();
    c.endpoint.external_load_balancer = config::ExternalLoadBalancer{"192.168.10.200", 6443};
    CHECK(etcd::listen_client_urls(c, n1) == "https://192.168.10.11:2379,https://127.0.0.1:2379");
  }

  TEST_CASE("join: member add against the other members, then state existing with them") {
    Etcd e("cp-2");
    e.apply(e.step(plan::Action::create, "join")).take();
    CHECK(e.ran("--endpoints=https://192.168.10.11:2379,https://192.168.10.13:2379"));
    CHECK(e.ran("member add cp-2 --peer-urls=https://192.168.10.12:2380"));
    // Not a member yet: an old data dir is stale; it goes only if it is below /var/lib.
    CHECK(e.removed("/var/lib", {"/var/lib/etcd"}));
    const auto text = e.config_text();
    CHECK(text.find("initial-cluster: \"cp-1=https://192.168.10.11:2380,cp-2=https://"
                    "192.168.10.12:2380\"") != std::string::npos);
    CHECK(text.find("initial-cluster-state: existing") != std::string::npos);
  }

  TEST_CASE("join of a node that is already a member (resumed apply) adds nothing") {
    Etcd e("cp-1");
    e.apply(e.step(plan::Action::create, "join")).take();
    CHECK_FALSE(e.ran("member add"));
    CHECK_FALSE(e.ran("rm -rf"));
  }

  TEST_CASE("a digest that differs from the plan's writes nothing") {
    Etcd e("cp-1");
    auto step = e.step(plan::Action::change, "member");
    step.digest = "sha256:other";
    const auto r = e.apply(step);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == Errc::conflict);
    CHECK(e.node.files().empty());
  }

  TEST_CASE("a dry run sends nothing") {
    Etcd e("cp-2");
    CHECK(e.apply(e.step(plan::Action::create, "join"), true).ok());
    CHECK(e.node.calls().empty());
    CHECK(e.node.files().empty());
  }

  TEST_CASE("remove on its own node: member remove by hex ID, then service, data and certs go") {
    Etcd e("cp-1");
    e.facts.services["etcd"] = true;
    state::PlatformRecord etcd_rec{
        "etcd", "d", {{etcd::k_config_file, "x"}}, {"/etc/acp/etcd", "/var/lib/etcd"}, "etcd",
        {2379}, "t"};
    state::PlatformRecord pki_rec{
        "pki", "d", {{"/etc/acp/pki/ca.crt", "y"}}, {"/etc/acp/pki/etcd"}, "", {}, "t"};
    e.state.platform = {{"etcd", etcd_rec}, {"pki", pki_rec}};
    plan::Step s{"cp-1", "etcd", plan::Action::remove, "etcd", "", "", "", "test"};
    s.params = plan::make_params(acp::etcd::StepParams{"cp-1", "", "b", true});
    const auto change = e.apply(s).take();
    CHECK(e.ran("member remove b"));
    CHECK(e.ran("force-stop"));
    CHECK(e.removed("/etc/acp", {"/etc/acp/etcd/etcd.conf.yml", "/etc/acp/etcd"}));
    CHECK(e.removed("/var/lib", {"/var/lib/etcd"}));
    CHECK(e.removed("/etc/acp", {"/etc/acp/pki/ca.crt", "/etc/acp/pki/etcd"}));
    REQUIRE(change.kind == state::StateChange::Kind::remove_records);
    CHECK(change.records == std::vector<std::string>{"etcd", "pki"});
    const auto after = state::commit(e.state, change);
    CHECK(after.platform.empty());
    CHECK(after.schema == 1);
  }

  TEST_CASE("prune of a platform record (reset) removes what it lists") {
    Etcd e("cp-1");
    e.state.platform["pki"] = {
        "pki", "d", {{"/etc/acp/pki/ca.crt", "y"}}, {"/etc/acp/pki/etcd"}, "", {}, "t"};
    stages::Actions act(e.node, false);
    stages::StepContext ctx{act, e.facts, e.state, nullptr, nullptr, e.unpacked, e.runit.get()};
    plan::Step s{"cp-1", "prune", plan::Action::remove, "pki", "", "", "", "reset"};
    s.params = plan::make_params(stages::RecordParams{"pki"});
    const auto change = acp::components::registry().phase("prune")->apply(s, ctx).take();
    CHECK(e.removed("/etc/acp", {"/etc/acp/pki/ca.crt", "/etc/acp/pki/etcd"}));
    CHECK_FALSE(e.ran("/opt/acp/components/pki"));
    CHECK(change.records == std::vector<std::string>{"pki"});
  }

  TEST_CASE("a platform record listing a path acpctl never writes stops and removes nothing") {
    for (const std::string bad : {"/", "/etc", "/var/lib/etcd/../../../usr", "/var/lib/x;reboot"}) {
      CAPTURE(bad);
      Etcd e("cp-1");
      e.state.platform["etcd"] = {
          "etcd", "d", {{etcd::k_config_file, "x"}}, {"/etc/acp/etcd", bad}, "etcd", {}, "t"};
      e.facts.services["etcd"] = true;
      stages::Actions act(e.node, false);
      stages::StepContext ctx{act, e.facts, e.state, nullptr, nullptr, e.unpacked, e.runit.get()};
      plan::Step s{"cp-1", "prune", plan::Action::remove, "etcd", "", "", "", "reset"};
      s.params = plan::make_params(stages::RecordParams{"etcd"});
      const auto r = acp::components::registry().phase("prune")->apply(s, ctx);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().message().find(bad) != std::string::npos);
      CHECK(r.error().hint().find("/etc/acp") != std::string::npos);
      CHECK(e.node.calls().empty()); // not even the service is stopped
    }
  }
}
