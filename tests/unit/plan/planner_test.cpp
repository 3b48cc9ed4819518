#include "acpctl/components/registry.hpp"
#include "acpctl/plan/planner.hpp"
#include "acpctl/plan/render.hpp"
#include "fixtures.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace acp::plan;
using fixtures::Role;

namespace {

Plan plan_of(const acp::config::Cluster& cluster, const std::vector<DesiredComponent>& pkg,
             const std::map<std::string, acp::facts::HostFacts>& facts) {
  auto r = acp::components::registry().plan({cluster, pkg, facts, "sha256:c0", "sha256:p0"});
  REQUIRE(r.ok());
  return *r;
}

// "stage host action component" per step, to compare whole plans at once.
std::vector<std::string> lines_of(const Plan& plan) {
  std::vector<std::string> out;
  for (const auto& s : plan.steps)
    out.push_back(s.stage + " " + s.host + " " + std::string(to_string(s.action)) + " " +
                  s.component);
  return out;
}

} // namespace

TEST_SUITE("plan::planner") {
  TEST_CASE("a fresh 3-node cluster creates every component, then every service, in order") {
    const auto cluster = fixtures::example_cluster();
    const auto plan = plan_of(cluster, fixtures::package(), fixtures::fresh_facts(cluster));
    const std::vector<std::string> expected{
        "distribute cp-1 create etcd",           "distribute cp-1 create kube-apiserver",
        "distribute cp-1 create tools",          "distribute cp-2 create etcd",
        "distribute cp-2 create kube-apiserver", "distribute cp-2 create tools",
        "distribute cp-3 create etcd",           "distribute cp-3 create kube-apiserver",
        "distribute cp-3 create tools",          "services cp-1 create etcd",
        "services cp-1 create kube-apiserver",   "services cp-2 create etcd",
        "services cp-2 create kube-apiserver",   "services cp-3 create etcd",
        "services cp-3 create kube-apiserver",
    };
    CHECK(lines_of(plan) == expected);
    CHECK(plan.steps[0].to_version == "3.5.16");
    CHECK(plan.steps[0].digest == "sha256:e1");
    CHECK(plan.steps[0].reason == "new on this node (for etcd)");
    CHECK(plan.node_serials ==
          std::map<std::string, std::uint64_t>{{"cp-1", 0}, {"cp-2", 0}, {"cp-3", 0}});
    CHECK(summary_line(plan) == "Plan: 15 to create, 0 to change, 0 to restart, 0 to remove.");
    CHECK(detailed_exit_code(plan) == 2);
  }

  TEST_CASE("a converged cluster gives no changes") {
    const auto cluster = fixtures::example_cluster();
    const auto pkg = fixtures::package();
    const auto plan = plan_of(cluster, pkg, fixtures::converged_facts(cluster, pkg));
    CHECK(plan.steps.empty());
    CHECK(summary_line(plan) == "No changes. The cluster matches the configuration.");
    CHECK(detailed_exit_code(plan) == 0);
    CHECK(plan.node_serials.at("cp-2") == 7);
    CHECK(plan.config_digest == "sha256:c0");
    CHECK(plan.package_digest == "sha256:p0");
  }

  TEST_CASE("a changed digest gives one change and one restart on each host that has it") {
    const auto cluster = fixtures::example_cluster();
    auto pkg = fixtures::package();
    const auto facts = fixtures::converged_facts(cluster, pkg);
    pkg[0].version = "3.5.17";
    pkg[0].digest = "sha256:e2";
    const auto plan = plan_of(cluster, pkg, facts);
    const std::vector<std::string> expected{
        "distribute cp-1 change etcd", "distribute cp-2 change etcd", "distribute cp-3 change etcd",
        "services cp-1 restart etcd",  "services cp-2 restart etcd",  "services cp-3 restart etcd",
    };
    CHECK(lines_of(plan) == expected);
    CHECK(plan.steps[0].from_version == "3.5.16");
    CHECK(plan.steps[0].to_version == "3.5.17");
    CHECK(plan.steps[0].reason == "upgrade");
    CHECK(plan.steps[3].reason == "component changed");
  }

  TEST_CASE("an older version is called a downgrade, an unordered one a version change") {
    const auto cluster = fixtures::example_cluster();
    auto pkg = fixtures::package();
    const auto facts = fixtures::converged_facts(cluster, pkg);
    pkg[0].version = "3.5.9";
    pkg[0].digest = "sha256:e0";
    CHECK(plan_of(cluster, pkg, facts).steps[0].reason == "downgrade");
    pkg[0].version = "3.5.16-rc1";
    CHECK(plan_of(cluster, pkg, facts).steps[0].reason == "version changed");
    pkg[1].version = "v1.31.10";
    pkg[1].digest = "sha256:a2";
    CHECK(plan_of(cluster, pkg, facts).steps[1].reason == "upgrade");
  }

  TEST_CASE("a rebuilt component under the same version is refused: a version names one "
            "content") {
    const auto cluster = fixtures::example_cluster();
    auto pkg = fixtures::package();
    const auto facts = fixtures::converged_facts(cluster, pkg);
    pkg[2].digest = "sha256:t2";
    const auto r =
        acp::components::registry().plan({cluster, pkg, facts, "sha256:c0", "sha256:p0"});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == acp::Errc::conflict);
    CHECK(r.error().host() == "cp-1");
    CHECK(r.error().message().find("tools 1.0.0 is on this node with content sha256:t1") !=
          std::string::npos);
    CHECK(r.error().hint().find("new version") != std::string::npos);
  }

  TEST_CASE("a rebuilt component under a new version is an upgrade") {
    const auto cluster = fixtures::example_cluster();
    auto pkg = fixtures::package();
    const auto facts = fixtures::converged_facts(cluster, pkg);
    pkg[2].digest = "sha256:t2";
    pkg[2].version = "1.1.0";
    const auto plan = plan_of(cluster, pkg, facts);
    REQUIRE(plan.steps.size() == 3); // tools has no service: no restart
    CHECK(plan.steps[0].action == Action::change);
    CHECK(plan.steps[0].reason == "upgrade");
  }

  TEST_CASE("removing the etcd role from a node removes etcd on that node only") {
    auto cluster = fixtures::example_cluster();
    const auto pkg = fixtures::package();
    const auto facts = fixtures::converged_facts(cluster, pkg);
    cluster.nodes[2].roles = {Role::control_plane};
    const auto plan = plan_of(cluster, pkg, facts);
    REQUIRE(plan.steps.size() == 1);
    CHECK(plan.steps[0].host == "cp-3");
    CHECK(plan.steps[0].stage == "prune");
    CHECK(plan.steps[0].action == Action::remove);
    CHECK(plan.steps[0].component == "etcd");
    CHECK(plan.steps[0].from_version == "3.5.16");
    CHECK(plan.steps[0].reason == "this node no longer has a role it needs (etcd)");
  }

  TEST_CASE("a component dropped from the package is removed everywhere") {
    const auto cluster = fixtures::example_cluster();
    auto pkg = fixtures::package();
    const auto facts = fixtures::converged_facts(cluster, pkg);
    pkg.pop_back();
    const auto plan = plan_of(cluster, pkg, facts);
    CHECK(lines_of(plan) == std::vector<std::string>{"prune cp-1 remove tools",
                                                     "prune cp-2 remove tools",
                                                     "prune cp-3 remove tools"});
    CHECK(plan.steps[0].reason == "no longer in the package");
  }

  TEST_CASE("a service that is down is restarted") {
    const auto cluster = fixtures::example_cluster();
    const auto pkg = fixtures::package();
    auto facts = fixtures::converged_facts(cluster, pkg);
    facts["cp-2"].services["kube-apiserver"] = false;
    const auto plan = plan_of(cluster, pkg, facts);
    REQUIRE(plan.steps.size() == 1);
    CHECK(lines_of(plan)[0] == "services cp-2 restart kube-apiserver");
    CHECK(plan.steps[0].reason == "service is down");
  }

  TEST_CASE("an installed component whose service is missing gets it set up again") {
    const auto cluster = fixtures::example_cluster();
    const auto pkg = fixtures::package();
    auto facts = fixtures::converged_facts(cluster, pkg);
    facts["cp-1"].services.erase("etcd");
    const auto plan = plan_of(cluster, pkg, facts);
    REQUIRE(plan.steps.size() == 1);
    CHECK(lines_of(plan)[0] == "services cp-1 create etcd");
    CHECK(plan.steps[0].reason == "service acp-etcd is not set up");
  }

  TEST_CASE("a node added to a converged cluster gets only its own steps") {
    auto cluster = fixtures::example_cluster();
    const auto pkg = fixtures::package();
    auto facts = fixtures::converged_facts(cluster, pkg);
    auto worker = cluster.nodes[0];
    worker.name = "w-1";
    worker.address = "192.168.10.21";
    worker.roles = {Role::worker};
    cluster.nodes.push_back(worker);
    facts["w-1"] = fixtures::fresh_host(worker);
    const auto plan = plan_of(cluster, pkg, facts);
    CHECK(lines_of(plan) == std::vector<std::string>{"distribute w-1 create tools"});
  }

  TEST_CASE("a node without facts is an error naming it") {
    const auto cluster = fixtures::example_cluster();
    auto facts = fixtures::fresh_facts(cluster);
    facts.erase("cp-2");
    const auto pkg = fixtures::package();
    const auto r = acp::components::registry().plan({cluster, pkg, facts, "", ""});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().host() == "cp-2");
  }

  TEST_CASE("stages run in the listed order") {
    std::vector<std::string> names;
    for (const auto* s : acp::components::registry().stages())
      names.emplace_back(s->name);
    CHECK(names == std::vector<std::string>{
                       "distribute", "pki", "etcd", "etcd-auth", "etcd-backup", "keepalived",
                       "containerd", "registry", "images", "registry-pull", "services",
                       "kubernetes-remove", "kubernetes", "kubernetes-bootstrap",
                       "kubernetes-workers", "kubernetes-manifests", "prune", "release"});
  }
}
