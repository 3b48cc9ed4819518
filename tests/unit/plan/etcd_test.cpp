// etcd membership planning on facts recorded from a real etcd 3.4 cluster (tests/data/etcd):
// members r1..r5 on one machine, so the test config names its nodes r1..r5.

#include "acpctl/components/etcd/facts.hpp"
#include "acpctl/components/etcd/steps.hpp"
#include "acpctl/components/etcd/view.hpp"
#include "acpctl/components/registry.hpp"
#include "acpctl/facts/gather.hpp"
#include "acpctl/plan/planner.hpp"
#include "acpctl/plan/render.hpp"
#include "acpctl/util/fs.hpp"
#include "fixtures.hpp"

#include <doctest/doctest.h>
#include <filesystem>

using namespace acp;
using plan::Action;

namespace {

facts::HostFacts recorded(const std::string& file, const std::string& node) {
  const auto text =
      util::read_file(std::filesystem::path(ACPCTL_SOURCE_DIR) / "tests/data/etcd" / file).take();
  auto f = facts::parse_facts(text, node, acp::components::registry().probes());
  REQUIRE(f.ok());
  auto out = fixtures::fresh_host({});
  if (const auto* e = acp::etcd::facts_of(*f))
    acp::etcd::set_facts(out, *e);
  return out;
}

// r1..rN, the first `etcd` with the etcd role.
config::Cluster cluster_of(int nodes, int etcd) {
  auto c = fixtures::example_cluster();
  c.nodes.clear();
  for (int i = 1; i <= nodes; ++i) {
    config::Node n;
    n.name = "r" + std::to_string(i);
    n.address = "10.88.0." + std::to_string(10 + i);
    n.roles = {i <= etcd ? config::Role::etcd : config::Role::worker};
    c.nodes.push_back(n);
  }
  return c;
}

// A node that runs a member acpctl set up: the etcd record with the digest the plan wants.
void converged(facts::HostFacts& f, const std::string& digest, bool running = true) {
  state::PlatformRecord r;
  r.name = "etcd";
  r.digest = digest;
  r.service = "etcd";
  f.state.platform["etcd"] = r;
  f.state.serial = 3;
  f.services["etcd"] = running;
}

const std::vector<plan::DesiredComponent> k_package{
    {"etcd", "3.4.23", "sha256:e1", {config::Role::etcd}, std::nullopt, {}}};

struct World {
  config::Cluster cluster;
  std::map<std::string, facts::HostFacts> facts;
  plan::PlatformInput platform;

  World(int nodes, int etcd) : cluster(cluster_of(nodes, etcd)) {
    for (const auto& n : cluster.nodes) {
      facts[n.name] = fixtures::fresh_host(n);
      if (n.has_role(config::Role::etcd))
        platform.files[n.name]["etcd"] = {{"/etc/acp/etcd/etcd.conf.yml", "c-" + n.name, 0644}};
    }
  }
  std::string digest(const std::string& node) const {
    return acp::etcd::member_digest(platform.of(node, "etcd"), platform.of(node, "pki"),
                                    "sha256:e1");
  }
  void member(const std::string& node, const std::string& file, bool running = true) {
    facts[node] = recorded(file, node);
    converged(facts[node], digest(node), running);
  }
  Result<plan::Plan> plan() const {
    return acp::components::registry().plan({cluster, k_package, facts, "c", "p", &platform});
  }
  std::vector<plan::Step> etcd_steps() const {
    auto p = plan();
    REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().describe()));
    std::vector<plan::Step> out;
    for (const auto& s : p->steps)
      if (s.stage == "etcd")
        out.push_back(s);
    return out;
  }
};

} // namespace

TEST_SUITE("plan::etcd") {
  TEST_CASE("recorded facts: three healthy members") {
    World w(3, 3);
    w.member("r1", "healthy-r1.txt");
    w.member("r2", "healthy-r2.txt");
    w.member("r3", "healthy-r3.txt");
    const auto view = acp::etcd::view_of(w.cluster, w.facts);
    REQUIRE(view.size() == 3);
    CHECK(view.up() == 3);
    CHECK(view.has_quorum());
    for (const auto& m : view.members)
      CHECK(m.healthy);
    CHECK(acp::etcd::quorum_line(view) ==
          "etcd: 3/3 members healthy, quorum ok (tolerates 1 more failure)");
  }

  TEST_CASE("recorded facts: five members, r3 the leader") {
    World w(5, 5);
    for (int i = 1; i <= 5; ++i)
      w.member("r" + std::to_string(i), "five-r" + std::to_string(i) + ".txt");
    const auto view = acp::etcd::view_of(w.cluster, w.facts);
    REQUIRE(view.size() == 5);
    for (const auto& m : view.members) {
      CHECK(m.healthy);
      CHECK(m.leader == (m.node == "r3"));
    }
    CHECK(acp::etcd::quorum_line(view) ==
          "etcd: 5/5 members healthy, quorum ok (tolerates 2 more failures)");
    CHECK(w.etcd_steps().empty());
  }

  TEST_CASE("bootstrap 3: every member bootstraps, all marked to start together") {
    World w(3, 3);
    const auto steps = w.etcd_steps();
    REQUIRE(steps.size() == 3);
    for (int i = 0; i < 3; ++i) {
      const auto& s = steps[static_cast<std::size_t>(i)];
      CHECK(s.host == "r" + std::to_string(i + 1));
      CHECK(s.action == Action::create);
      CHECK(s.params_as<acp::etcd::StepParams>()->mode == "bootstrap");
      CHECK(s.together);
      CHECK(s.digest == w.digest(s.host));
      CHECK(s.reason == "bootstrap a new etcd cluster: member " + std::to_string(i + 1) +
                            " of 3, the members start together");
    }
    CHECK(acp::components::registry().phase("etcd")->stage.serial);
  }

  TEST_CASE("an interrupted bootstrap: the member never started finishes it, one at a time") {
    World w(3, 3);
    w.facts["r1"] = recorded("bootpending-r1.txt", "r1"); // r1, r2 up; r3 named, never started
    w.facts["r2"] = recorded("bootpending-r2.txt", "r2");
    const auto view = acp::etcd::view_of(w.cluster, w.facts);
    REQUIRE(view.size() == 3);
    CHECK(view.of_node(w.cluster, w.cluster.nodes[2])->member.bootstrap_pending());
    CHECK_FALSE(view.of_node(w.cluster, w.cluster.nodes[0])->member.bootstrap_pending());
    const auto steps = w.etcd_steps();
    REQUIRE(steps.size() == 3);
    // r1 and r2 run but were not recorded (killed before the commit): they rejoin; r3 starts
    // with the bootstrap config. The cluster has quorum, so the steps run one at a time.
    CHECK(steps[0].params_as<acp::etcd::StepParams>()->mode == "join");
    CHECK(steps[1].params_as<acp::etcd::StepParams>()->mode == "join");
    CHECK(steps[2].host == "r3");
    CHECK(steps[2].params_as<acp::etcd::StepParams>()->mode == "bootstrap");
    CHECK(steps[2].reason == "finish the bootstrap: start this member of the new cluster");
    for (const auto& s : steps)
      CHECK_FALSE(s.together);
  }

  TEST_CASE("converged: no steps, even though the member list order differs per node") {
    World w(3, 3);
    w.member("r1", "healthy-r1.txt");
    w.member("r2", "healthy-r2.txt");
    w.member("r3", "healthy-r3.txt");
    CHECK(w.etcd_steps().empty());
  }

  TEST_CASE("a member down is restarted, and nothing else") {
    World w(3, 3);
    w.member("r1", "onedown-r1.txt");
    w.member("r2", "healthy-r2.txt");
    w.member("r3", "down-r3.txt", false);
    const auto steps = w.etcd_steps();
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].host == "r3");
    CHECK(steps[0].action == Action::restart);
    CHECK(steps[0].reason == "service is down");
    CHECK_FALSE(steps[0].together); // quorum holds: one at a time
    const auto view = acp::etcd::view_of(w.cluster, w.facts);
    CHECK(acp::etcd::quorum_line(view) ==
          "etcd: 2/3 members healthy, quorum ok (tolerates 0 more failures)");
  }

  TEST_CASE("a changed config or certificate restarts exactly that member") {
    World w(3, 3);
    w.member("r1", "healthy-r1.txt");
    w.member("r2", "healthy-r2.txt");
    w.member("r3", "healthy-r3.txt");
    w.platform.files["r2"]["pki"] = {{"/etc/acp/pki/etcd/server.crt", "new", 0644}};
    const auto steps = w.etcd_steps();
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].host == "r2");
    CHECK(steps[0].action == Action::change);
  }

  TEST_CASE("quorum lost: status says so; the stopped members are restarted") {
    World w(3, 3);
    w.member("r1", "quorumlost-r1.txt");
    w.member("r2", "down-r3.txt", false);
    w.member("r3", "down-r3.txt", false);
    const auto view = acp::etcd::view_of(w.cluster, w.facts);
    CHECK(view.up() == 1);
    CHECK_FALSE(view.has_quorum());
    CHECK(acp::etcd::quorum_line(view).starts_with("etcd: 1/3 healthy — QUORUM LOST: writes fail"));
    const auto steps = w.etcd_steps();
    REQUIRE(steps.size() == 2);
    for (const auto& s : steps) {
      CHECK(s.action == Action::restart);
      // Neither can pass its health gate alone: the runner starts them together.
      CHECK(s.together);
    }
  }

  TEST_CASE("grow 3 -> 5: r4 and r5 join one at a time after the existing members") {
    World w(5, 5);
    w.member("r1", "healthy-r1.txt");
    w.member("r2", "healthy-r2.txt");
    w.member("r3", "healthy-r3.txt");
    const auto steps = w.etcd_steps();
    REQUIRE(steps.size() == 2);
    CHECK(steps[0].host == "r4");
    CHECK(steps[1].host == "r5");
    for (const auto& s : steps) {
      CHECK(s.action == Action::create);
      CHECK(s.params_as<acp::etcd::StepParams>()->mode == "join");
    }
  }

  TEST_CASE("grow while quorum is lost is refused, explaining quorum") {
    World w(5, 5);
    w.member("r1", "quorumlost-r1.txt");
    w.facts["r2"] = recorded("down-r3.txt", "r2"); // never set up by acpctl: no restart
    w.facts["r3"] = recorded("down-r3.txt", "r3");
    const auto p = w.plan();
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().code() == Errc::conflict);
    CHECK(p.error().message().find("lost quorum: 1 of 3 members are up and 3 members need 2") !=
          std::string::npos);
  }

  TEST_CASE("shrink 5 -> 3: the plan removes r4 and r5 on their own nodes, first thing shown") {
    World w(5, 3);
    for (int i = 1; i <= 5; ++i)
      w.member("r" + std::to_string(i), "five-r" + std::to_string(i) + ".txt");
    const auto p = w.plan().take();
    std::vector<plan::Step> etcd;
    for (const auto& s : p.steps)
      if (s.stage == "etcd")
        etcd.push_back(s);
    REQUIRE(etcd.size() == 2);
    CHECK(etcd[0].action == Action::remove);
    CHECK(etcd[0].host == "r4");
    CHECK(etcd[0].params_as<acp::etcd::StepParams>()->member == "r4");
    CHECK(etcd[0].params_as<acp::etcd::StepParams>()->local);
    CHECK(etcd[1].host == "r5");
    const auto text = plan::render_text(p);
    CHECK(text.find("- etcd member r4") != std::string::npos);
  }

  TEST_CASE("shrink 5 -> 2 at once is refused: 5 members tolerate 2 failures") {
    World w(5, 2);
    for (int i = 1; i <= 5; ++i)
      w.member("r" + std::to_string(i), "five-r" + std::to_string(i) + ".txt");
    const auto p = w.plan();
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().message().find("removing 3 of 5 members at once is not safe: 5 members "
                                   "tolerate 2 failures") != std::string::npos);
  }

  TEST_CASE("removing a healthy member while another is down is refused") {
    World w(3, 2);
    w.cluster.nodes[1].roles = {config::Role::worker}; // r2 loses the role, r3 keeps it
    w.cluster.nodes[2].roles = {config::Role::etcd};
    w.member("r1", "onedown-r1.txt");
    w.member("r2", "healthy-r2.txt");
    w.member("r3", "down-r3.txt", false);
    // r3 is down and acpctl restarts it first; without that restart r2's removal would leave
    // 1 of 2 up. Make r3 unmanaged (no record): no restart is planned.
    w.facts["r3"].state.platform.clear();
    w.facts["r3"].services.clear();
    const auto p = w.plan();
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().message().find("removing member r2 would leave 1 of 2 members up") !=
          std::string::npos);
  }

  TEST_CASE("a member of a node deleted from the config is removed from a healthy member") {
    World w(3, 3);
    w.member("r1", "five-r1.txt");
    w.member("r2", "five-r2.txt");
    w.member("r3", "five-r3.txt");
    // r4 and r5 are gone from the config; remove at most 2 of 5 at once is fine.
    const auto steps = w.etcd_steps();
    REQUIRE(steps.size() == 2);
    CHECK(steps[0].host == "r1");
    CHECK(steps[0].params_as<acp::etcd::StepParams>()->local == false);
    CHECK(steps[1].params_as<acp::etcd::StepParams>()->member == "r5");
  }

  TEST_CASE("a member added but never started (a resumed join) is started, not added again") {
    World w(3, 3);
    w.member("r1", "unstarted-r1.txt");
    w.member("r2", "healthy-r2.txt");
    w.member("r3", "healthy-r3.txt");
    // the recording's unstarted member has r4's peer URL; config r4 at that address
    w.cluster.nodes.push_back(w.cluster.nodes[0]);
    w.cluster.nodes.back().name = "r4";
    w.cluster.nodes.back().address = "127.0.0.1";
    w.cluster.etcd.peer_port = 23804;
    w.facts["r4"] = fixtures::fresh_host(w.cluster.nodes.back());
    w.platform.files["r4"]["etcd"] = {{"/etc/acp/etcd/etcd.conf.yml", "c-r4", 0644}};
    const auto steps = w.etcd_steps();
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].host == "r4");
    CHECK(steps[0].reason == "finish joining: the member was added before; start it");
  }

  TEST_CASE("without platform inputs (reset, component tests) etcd plans nothing") {
    World w(3, 3);
    CHECK(acp::components::registry()
              .plan({w.cluster, k_package, w.facts, "c", "p"})
              .take()
              .steps.size() == 3);
  }
}

TEST_SUITE("plan::etcd_auth") {
  std::vector<plan::Step> auth_steps(const World& w) {
    auto p = w.plan();
    REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().describe()));
    std::vector<plan::Step> out;
    for (const auto& s : p->steps)
      if (s.stage == acp::etcd::k_auth)
        out.push_back(s);
    return out;
  }

  TEST_CASE("the probe, recorded from etcd 3.4 before and after auth enable") {
    World w(1, 1);
    w.member("r1", "auth-off-r1.txt");
    REQUIRE(acp::etcd::facts_of(w.facts["r1"]) != nullptr);
    CHECK(acp::etcd::facts_of(w.facts["r1"])->auth == std::optional<bool>(false));
    w.member("r1", "auth-on-r1.txt");
    CHECK(acp::etcd::facts_of(w.facts["r1"])->answered);
    CHECK(acp::etcd::facts_of(w.facts["r1"])->auth == std::optional<bool>(true));
    // facts without the probe's section (recorded before it existed): not known
    w.member("r1", "healthy-r1.txt");
    CHECK_FALSE(acp::etcd::facts_of(w.facts["r1"])->auth.has_value());
  }

  TEST_CASE("a new cluster: one step on the first etcd node, after the members' bootstrap") {
    World w(4, 3);
    const auto steps = auth_steps(w);
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].host == "r1");
    CHECK(steps[0].target == plan::Target::cluster);
    CHECK(steps[0].action == Action::create);
    auto p = w.plan();
    REQUIRE(p.ok());
    std::size_t last_etcd = 0, auth = 0;
    for (std::size_t i = 0; i < p->steps.size(); ++i) {
      if (p->steps[i].stage == "etcd")
        last_etcd = i;
      if (p->steps[i].stage == acp::etcd::k_auth)
        auth = i;
    }
    CHECK(auth > last_etcd);
  }

  TEST_CASE("a member that says authorization is on: no step; off: a step") {
    World on(1, 1);
    on.member("r1", "auth-on-r1.txt");
    CHECK(auth_steps(on).empty());
    World off(1, 1);
    off.member("r1", "auth-off-r1.txt");
    const auto steps = auth_steps(off);
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].host == "r1");
    // three healthy members whose facts lack the probe (not known to be on): a step on r1,
    // which repeats harmlessly where it is already on
    World unknown(3, 3);
    unknown.member("r1", "healthy-r1.txt");
    unknown.member("r2", "healthy-r2.txt");
    unknown.member("r3", "healthy-r3.txt");
    REQUIRE(auth_steps(unknown).size() == 1);
    CHECK(auth_steps(unknown)[0].host == "r1");
  }

  TEST_CASE("no etcd node, or no platform stages (reset): no step") {
    World none(2, 0);
    CHECK(auth_steps(none).empty());
    World w(3, 3);
    auto p = acp::components::registry().plan({w.cluster, k_package, w.facts, "c", "p", nullptr});
    REQUIRE(p.ok());
    for (const auto& s : p->steps)
      CHECK(s.stage != acp::etcd::k_auth);
  }
}
