// Applying a plan's steps to the facts (as the runner will on real nodes) must leave nothing
// to do: the planner's steps are complete.

#include "acpctl/components/registry.hpp"
#include "acpctl/plan/planner.hpp"
#include "fixtures.hpp"

#include <doctest/doctest.h>

using namespace acp::plan;
using fixtures::Role;

namespace {

// What a successful runner does to a node's facts for each step.
void simulate(const Plan& plan, const std::vector<DesiredComponent>& pkg,
              std::map<std::string, acp::facts::HostFacts>& facts) {
  using acp::state::StateChange;
  for (const auto& step : plan.steps) {
    auto& f = facts.at(step.host);
    const auto* want = [&]() -> const DesiredComponent* {
      for (const auto& c : pkg)
        if (c.name == step.component)
          return &c;
      return nullptr;
    }();
    if (step.stage == "distribute") {
      REQUIRE(want != nullptr);
      f.state = commit(f.state, StateChange::put(record_of(*want, {}, "2026-11-27T15:00:00Z")));
    } else if (step.stage == "services") {
      f.services[want->service->name] = true;
      auto record = *f.state.find(step.component);
      record.service_digest = record.digest;
      f.state = commit(f.state, StateChange::put(record));
    } else if (step.stage == "prune") {
      const auto service = f.state.find(step.component)->service;
      f.state = commit(f.state, StateChange::remove(step.component));
      f.services.erase(service);
    }
  }
}

} // namespace

TEST_SUITE("plan::converge") {
  TEST_CASE("after a fresh install is applied the next plan has no changes") {
    const auto cluster = fixtures::example_cluster();
    const auto pkg = fixtures::package();
    auto facts = fixtures::fresh_facts(cluster);
    const auto first = acp::components::registry().plan({cluster, pkg, facts, "c", "p"}).take();
    simulate(first, pkg, facts);
    const auto second = acp::components::registry().plan({cluster, pkg, facts, "c", "p"}).take();
    CHECK(second.steps.empty());
    // One commit per component, and one more per service once it passed its gate.
    CHECK(second.node_serials.at("cp-1") == 5);
  }

  TEST_CASE("an upgrade plus a role change converges too") {
    auto cluster = fixtures::example_cluster();
    auto pkg = fixtures::package();
    auto facts = fixtures::converged_facts(cluster, pkg);
    pkg[0].version = "3.5.17";
    pkg[0].digest = "sha256:e2";
    cluster.nodes[2].roles = {Role::control_plane};
    const auto first = acp::components::registry().plan({cluster, pkg, facts, "c", "p"}).take();
    CHECK(first.summary().change == 2);
    CHECK(first.summary().restart == 2);
    CHECK(first.summary().remove == 1);
    simulate(first, pkg, facts);
    CHECK(acp::components::registry().plan({cluster, pkg, facts, "c", "p"}).take().steps.empty());
    CHECK(facts.at("cp-3").state.find("etcd") == nullptr);
    CHECK(facts.at("cp-1").state.find("etcd")->version == "3.5.17");
  }
}
