// Releases in the planner: a patch overlaid on the installed release, relabels, the
// version-names-one-content rule, and what a rollback returns to.

#include "acpctl/components/registry.hpp"
#include "acpctl/plan/release.hpp"
#include "fixtures.hpp"

#include <doctest/doctest.h>

using namespace acp;
using fixtures::Role;

namespace {

const state::Release k_base{"core", "4.0.0", "core", "4.0.0", "sha256:r0", "t0"};

// The example cluster converged on the fixture package, released as core 4.0.0; every
// component has a content digest ("c-" + digest) and its owning release.
std::map<std::string, facts::HostFacts> released(const config::Cluster& cluster,
                                                 std::vector<plan::DesiredComponent> pkg) {
  for (auto& c : pkg)
    c.content_digest = "c-" + c.digest;
  auto facts = fixtures::converged_facts(cluster, pkg);
  for (auto& [node, f] : facts) {
    f.state.release = k_base;
    f.state.history = {{"t0", "install", "", "4.0.0", ""}};
    for (auto& [name, c] : f.state.components) {
      c.content_digest = "c-" + c.digest;
      c.release = "4.0.0";
    }
  }
  return facts;
}

package::Manifest patch_manifest(const std::string& base = "4.0.0") {
  package::Manifest m;
  m.name = "core";
  m.type = "patch";
  m.version = "4.0.0-p1";
  m.base_version = base;
  return m;
}

plan::DesiredComponent apiserver(const std::string& version, const std::string& digest,
                                 const std::string& content) {
  plan::DesiredComponent d{"kube-apiserver",
                           version,
                           digest,
                           {Role::control_plane},
                           fixtures::spec("kube-apiserver"),
                           {6443}};
  d.content_digest = content;
  d.release = "4.0.0-p1";
  return d;
}

std::vector<std::string> lines_of(const plan::Plan& plan, const std::string& host) {
  std::vector<std::string> out;
  for (const auto& s : plan.steps)
    if (s.host == host)
      out.push_back(s.stage + " " + std::string(plan::to_string(s.action)) + " " + s.component +
                    ": " + s.reason);
  return out;
}

Result<plan::Plan> plan_patch(const config::Cluster& cluster,
                              const std::map<std::string, facts::HostFacts>& facts,
                              const package::Manifest& m,
                              std::vector<plan::DesiredComponent> carried) {
  auto desired = plan::overlay_patch(m, std::move(carried), facts);
  if (!desired)
    return std::move(desired).error();
  static state::Release target;
  target = plan::release_of(m, "sha256:r1");
  plan::PlanInput input{cluster, *desired, facts, "sha256:c0", "sha256:p1"};
  input.release = &target;
  return components::registry().plan(input);
}

} // namespace

TEST_SUITE("plan::release") {
  TEST_CASE("a patch replaces and restarts only what it carries; the rest is kept, never "
            "pruned") {
    const auto cluster = fixtures::example_cluster();
    const auto facts = released(cluster, fixtures::package());
    const auto plan =
        plan_patch(cluster, facts, patch_manifest(), {apiserver("1.31.7", "sha256:a2", "c-a2")})
            .take();
    CHECK(lines_of(plan, "cp-2") ==
          std::vector<std::string>{"distribute change kube-apiserver: upgrade",
                                   "services restart kube-apiserver: component changed",
                                   "release change core: upgrade core 4.0.0-p1 (was 4.0.0)"});
    CHECK(plan.steps.size() == 9);
  }

  TEST_CASE("the same bytes under a new version are relabelled: no upload, no restart") {
    const auto cluster = fixtures::example_cluster();
    const auto facts = released(cluster, fixtures::package());
    const auto plan = plan_patch(cluster, facts, patch_manifest(),
                                 {apiserver("1.31.7", "sha256:a2", "c-sha256:a1")})
                          .take();
    const auto lines = lines_of(plan, "cp-1");
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "distribute change kube-apiserver: relabel 1.31.6 -> 1.31.7 (same bytes, "
                      "no restart)");
    CHECK(plan.steps[0].params->to_json() ==
          nlohmann::json{{"mode", "relabel"}, {"from", "1.31.6"}});
    CHECK(lines[1].starts_with("release change core"));
  }

  TEST_CASE("a patch for another base is refused, naming the node and both versions") {
    const auto cluster = fixtures::example_cluster();
    auto facts = released(cluster, fixtures::package());
    facts["cp-3"].state.release = state::Release{"core", "4.1.0", "core", "4.1.0", "sha256:r9", ""};
    const auto r =
        plan_patch(cluster, facts, patch_manifest(), {apiserver("1.31.7", "sha256:a2", "c-a2")});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == Errc::conflict);
    CHECK(r.error().host() == "cp-3");
    CHECK(r.error().message() ==
          "the patch core 4.0.0-p1 applies to core 4.0.0, but this node runs core 4.1.0");
  }

  TEST_CASE("a patch on nodes without a recorded release is refused with what to do") {
    const auto cluster = fixtures::example_cluster();
    auto facts = released(cluster, fixtures::package());
    facts["cp-1"].state.release.reset();
    auto r = plan_patch(cluster, facts, patch_manifest(), {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().hint().find("apply the package core 4.0.0 with this acpctl first") !=
          std::string::npos);
    facts = fixtures::fresh_facts(cluster);
    r = plan_patch(cluster, facts, patch_manifest(), {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("runs no release") != std::string::npos);
  }

  TEST_CASE("a version already on a node as its previous version with other content is "
            "refused") {
    const auto cluster = fixtures::example_cluster();
    auto facts = released(cluster, fixtures::package());
    facts["cp-2"].state.components["tools"].previous =
        state::PreviousVersion{"0.9.0", "sha256:t0", "", {}, {}, "3.9.0"};
    std::vector<plan::DesiredComponent> pkg = fixtures::package();
    pkg[2].version = "0.9.0";
    pkg[2].digest = "sha256:tX";
    const auto r = plan::check_versions(pkg, facts);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().host() == "cp-2");
    pkg[2].digest = "sha256:t0";
    CHECK(plan::check_versions(pkg, facts).ok());
  }
}

namespace {

// The cluster after the patch: kube-apiserver 1.31.7 (previous 1.31.6 kept), a new
// component `agent` the patch added, tools untouched; release 4.0.0-p1, previous 4.0.0.
std::map<std::string, facts::HostFacts> patched(const config::Cluster& cluster) {
  auto facts = released(cluster, fixtures::package());
  for (auto& [node, f] : facts) {
    auto& api = f.state.components["kube-apiserver"];
    api.previous = state::PreviousVersion{api.version,
                                          api.digest,
                                          api.content_digest,
                                          api.files,
                                          plan::spec_to_json(fixtures::spec("kube-apiserver")),
                                          "4.0.0"};
    api.version = "1.31.7";
    api.digest = api.service_digest = "sha256:a2";
    api.content_digest = "c-sha256:a2";
    api.release = "4.0.0-p1";
    auto& agent = f.state.components["agent"];
    agent.name = "agent";
    agent.version = "1.0.0";
    agent.digest = "sha256:g1";
    agent.release = "4.0.0-p1";
    f.state.previous_release = k_base;
    f.state.release = state::Release{"core", "4.0.0-p1", "patch", "4.0.0", "sha256:r1", "t1"};
    f.state.history.push_back({"t1", "upgrade", "4.0.0", "4.0.0-p1", "snapshot-etcd-x.db"});
  }
  return facts;
}

} // namespace

TEST_SUITE("plan::release") {
  TEST_CASE("a rollback returns what the release changed to the kept version, removes what it "
            "added, keeps the rest") {
    const auto cluster = fixtures::example_cluster();
    const auto facts = patched(cluster);
    auto back = plan::rollback_of(facts).take();
    CHECK(back.target == k_base);
    plan::PlanInput input{cluster, back.components, facts, "sha256:c0", ""};
    input.release = &back.target;
    input.release_action = "rollback";
    const auto plan = components::registry().plan(input).take();
    CHECK(lines_of(plan, "cp-1") ==
          std::vector<std::string>{
              "distribute change kube-apiserver: switch to 1.31.6 (kept on the node)",
              "services restart kube-apiserver: component changed",
              "prune remove agent: no longer in the package",
              "release change core: rollback core 4.0.0 (was 4.0.0-p1)"});
    // The kept version's service comes back from the spec the node recorded.
    const auto api = std::find_if(back.components.begin(), back.components.end(),
                                  [](const auto& d) { return d.name == "kube-apiserver"; });
    REQUIRE(api != back.components.end());
    REQUIRE(api->service);
    CHECK(api->service->command == fixtures::spec("kube-apiserver").command);
    CHECK(std::none_of(back.components.begin(), back.components.end(),
                       [](const auto& d) { return d.name == "agent"; }));
  }

  TEST_CASE("a rollback is refused when no node records a previous release, or nodes "
            "disagree") {
    const auto cluster = fixtures::example_cluster();
    auto r = plan::rollback_of(released(cluster, fixtures::package()));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message() == "no node records a release to roll back to");
    auto facts = patched(cluster);
    facts["cp-2"].state.release = state::Release{"core", "3.9.0", "core", "3.9.0", "sha256:o", ""};
    r = plan::rollback_of(facts);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().host() == "cp-2");
  }

  TEST_CASE("a half-done rollback continues to the same release, never forward again") {
    const auto cluster = fixtures::example_cluster();
    auto facts = patched(cluster);
    auto& back1 = facts["cp-1"].state; // rolled back already: the newest event is that rollback
    back1 = released(cluster, fixtures::package())["cp-1"].state;
    back1.previous_release =
        state::Release{"core", "4.0.0-p1", "patch", "4.0.0", "sha256:r1", "t1"};
    back1.history.push_back({"t1", "upgrade", "4.0.0", "4.0.0-p1", ""});
    back1.history.push_back({"t2", "rollback", "4.0.0-p1", "4.0.0", ""});
    auto back = plan::rollback_of(facts).take();
    CHECK(back.target == k_base);
    plan::PlanInput input{cluster, back.components, facts, "sha256:c0", ""};
    input.release = &back.target;
    auto plan = components::registry().plan(input).take();
    CHECK(lines_of(plan, "cp-1").empty());
    CHECK(lines_of(plan, "cp-2").size() == 4);
    // Once every node is back, a rerun has nothing to do.
    for (const auto& n : {"cp-2", "cp-3"})
      facts[n].state = back1;
    back = plan::rollback_of(facts).take();
    CHECK(back.target == k_base);
    plan::PlanInput again{cluster, back.components, facts, "sha256:c0", ""};
    again.release = &back.target;
    CHECK_FALSE(components::registry().plan(again).take().has_changes());
  }

  TEST_CASE("a rollback killed after one node switched back, before its release was "
            "recorded, still returns the other nodes") {
    const auto cluster = fixtures::example_cluster();
    auto facts = patched(cluster);
    auto& api = facts["cp-1"].state.components["kube-apiserver"];
    std::swap(api.version, api.previous->version);
    std::swap(api.digest, api.previous->digest);
    std::swap(api.content_digest, api.previous->content_digest);
    std::swap(api.release, api.previous->release);
    api.service_digest = api.digest;
    // Whichever node comes first, the other nodes still go back.
    const auto back = plan::rollback_of(facts).take();
    plan::PlanInput input{cluster, back.components, facts, "sha256:c0", ""};
    input.release = &back.target;
    const auto plan = components::registry().plan(input).take();
    const auto cp1 = lines_of(plan, "cp-1");
    CHECK(std::none_of(cp1.begin(), cp1.end(),
                       [](const std::string& l) { return l.starts_with("distribute"); }));
    CHECK(lines_of(plan, "cp-3")[0] ==
          "distribute change kube-apiserver: switch to 1.31.6 (kept on the node)");
  }

  TEST_CASE("a recorded service spec reads back as it was written") {
    auto spec = fixtures::spec("hello");
    spec.environment = {{"A", "1"}};
    spec.health_check = {"/bin/true"};
    spec.restart = service::RestartPolicy::on_failure;
    spec.start_seconds = 7;
    const auto back = plan::spec_from_json(plan::spec_to_json(spec)).take();
    CHECK(back.name == "hello");
    CHECK(back.environment == spec.environment);
    CHECK(back.health_check == spec.health_check);
    CHECK(back.restart == service::RestartPolicy::on_failure);
    CHECK(back.start_seconds == 7);
    CHECK_FALSE(plan::spec_from_json(nlohmann::json{{"name", "x"}}).ok());
  }
}
