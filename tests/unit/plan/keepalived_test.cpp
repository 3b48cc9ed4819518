// The keepalived stage's planner: set up, converged, changed, down, no longer wanted.

#include "acpctl/components/keepalived/steps.hpp"
#include "acpctl/components/registry.hpp"
#include "acpctl/plan/planner.hpp"
#include "acpctl/stages/platform.hpp"
#include "fixtures.hpp"

#include <doctest/doctest.h>

using namespace acp;
using plan::Action;

namespace {

const plan::DesiredComponent k_binary{
    "keepalived", "2.2.7", "sha256:k1", {config::Role::control_plane}, std::nullopt, {}};

struct World {
  config::Cluster cluster = fixtures::example_cluster();
  facts::HostFacts facts;
  plan::PlatformInput platform;
  std::vector<plan::DesiredComponent> components{k_binary};

  World() {
    facts = fixtures::fresh_host(cluster.nodes[0]);
    platform.files["cp-1"]["keepalived"] = {{"/etc/acp/keepalived/keepalived.conf", "aa", 0600},
                                            {"/etc/acp/keepalived/check.sh", "bb", 0755}};
  }
  std::string want() const {
    return acp::plan::service_digest(platform.of("cp-1", "keepalived"), "sha256:k1");
  }
  void record(const std::string& digest, bool running) {
    state::PlatformRecord r;
    r.name = "keepalived";
    r.digest = digest;
    r.service = "keepalived";
    facts.state.platform["keepalived"] = r;
    facts.services["keepalived"] = running;
  }
  std::vector<plan::Step> plan(bool with_platform = true) const {
    const std::map<std::string, facts::HostFacts> all{{"cp-1", facts}};
    plan::PlanInput input{cluster, components, all, "c", "p", with_platform ? &platform : nullptr};
    plan::HostContext host{cluster.nodes[0], facts, {}};
    for (const auto& c : components)
      host.desired.push_back(&c);
    std::vector<plan::Step> out;
    acp::keepalived::plan_node(input, host, out);
    return out;
  }
};

} // namespace

TEST_SUITE("plan::keepalived") {
  TEST_CASE("a control-plane node without keepalived gets it set up") {
    World w;
    const auto steps = w.plan();
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].action == Action::create);
    CHECK(steps[0].component == "keepalived");
    CHECK(steps[0].digest == w.want());
    CHECK(steps[0].reason == "set up and start acp-keepalived");
  }

  TEST_CASE("a converged node plans nothing") {
    World w;
    w.record(w.want(), true);
    CHECK(w.plan().empty());
  }

  TEST_CASE("a changed keepalived.conf or binary rewrites and restarts it") {
    World w;
    w.record(w.want(), true);
    w.platform.files["cp-1"]["keepalived"][0].sha256 = "cc";
    auto steps = w.plan();
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].action == Action::change);
    World b;
    b.record(b.want(), true);
    b.components[0].digest = "sha256:k2";
    steps = b.plan();
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].action == Action::change);
  }

  TEST_CASE("keepalived down is restarted") {
    World w;
    w.record(w.want(), false);
    const auto steps = w.plan();
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].action == Action::restart);
    CHECK(steps[0].reason == "service is down");
  }

  TEST_CASE("a node that no longer needs keepalived has it removed in prune") {
    World w;
    w.record(w.want(), true);
    w.platform.files.clear(); // e.g. the config switched to an external load balancer
    w.cluster.endpoint.self_built_vip.reset();
    const auto steps = w.plan();
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].action == Action::remove);
    CHECK(steps[0].stage == "prune");
    CHECK(steps[0].params_as<stages::RecordParams>()->record == "keepalived");
    CHECK(steps[0].reason.find("no selfBuiltVIP") != std::string::npos);
  }

  TEST_CASE("nothing without platform inputs, or without a keepalived binary in the package") {
    World w;
    CHECK(w.plan(false).empty());
    w.components.clear();
    CHECK(w.plan().empty());
  }
}
