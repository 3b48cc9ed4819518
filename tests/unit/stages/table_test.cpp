// The registry of acpctl's components: every stage has both halves, stages run in the
// documented order, names are unique.

#include "acpctl/components/registry.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <stdexcept>

using namespace acp;

TEST_SUITE("stages::registry") {
  TEST_CASE("every stage of every component has a planner and an apply half") {
    const auto& registry = components::registry();
    REQUIRE(registry.stages().size() == 18);
    for (const auto* stage : registry.stages()) {
      CAPTURE(stage->name);
      const auto* phase = registry.phase(stage->name);
      REQUIRE(phase != nullptr);
      CHECK(static_cast<bool>(phase->apply));
      CHECK(((stage->plan != nullptr) != (stage->plan_cluster != nullptr)));
    }
  }

  TEST_CASE("stages run in the documented order; etcd one host at a time") {
    std::vector<std::string> names;
    for (const auto* s : components::registry().stages())
      names.emplace_back(s->name);
    CHECK(names == std::vector<std::string>{
                       "distribute", "pki", "etcd", "etcd-auth", "etcd-backup", "keepalived",
                       "containerd", "registry", "images", "registry-pull", "services",
                       "kubernetes-remove", "kubernetes", "kubernetes-bootstrap",
                       "kubernetes-workers", "kubernetes-manifests", "prune", "release"});
    CHECK(components::registry().phase("etcd")->stage.serial);
    CHECK_FALSE(components::registry().phase("distribute")->stage.serial);
    CHECK(components::registry().phase("kubernetes-bootstrap")->stage.serial);
    CHECK(components::registry().phase("kubernetes-workers")->stage.batch == 3);
    CHECK(components::registry().phase("nope") == nullptr);
  }

  TEST_CASE("two components registering one stage name is refused") {
    const std::array<stages::Phase, 1> phases{
        {{{"pki", 1, "again", nullptr, nullptr, false, nullptr}, nullptr, nullptr}}};
    const stages::Component twin{"twin", phases, {}, nullptr, nullptr, nullptr};
    CHECK_THROWS_AS(stages::Registry({&components::pki(), &twin}), std::logic_error);
  }

  TEST_CASE("the components' probes and port claims come from their registrations") {
    const auto probes = components::registry().probes();
    REQUIRE(probes.size() == 3);
    CHECK(probes[0].name == "etcd");
    CHECK(probes[1].name == "containerd");
    CHECK(probes[2].name == "kubernetes");
    const auto cluster = config::Cluster{};
    const auto claims = components::registry().port_claims(cluster);
    REQUIRE(claims.size() == 2);
    CHECK(claims[0].service == "etcd");
    CHECK(claims[0].ports == std::vector<int>{2379, 2380});
    CHECK(claims[1].between_peers);
    CHECK(claims[1].purpose == "etcd peer");
  }
}
