// Upgrade resume: the services stage restarts a service until state.json records that it runs
// the installed content, so an apply killed between distribute and the restart is finished by
// the next plan. Facts come from the recorded lab host (tests/data/facts/lab-runit-amd64.txt).

#include "acpctl/components/registry.hpp"
#include "acpctl/facts/gather.hpp"
#include "acpctl/plan/planner.hpp"
#include "acpctl/util/fs.hpp"
#include "fixtures.hpp"

#include <doctest/doctest.h>
#include <filesystem>

using namespace acp;
using fixtures::Role;

namespace {

const std::string k_d1 = "sha256:" + std::string(64, '1');
const std::string k_d2 = "sha256:" + std::string(64, '2');
const std::string k_d3 = "sha256:" + std::string(64, '3');

std::string recorded() {
  return util::read_file(std::filesystem::path(ACPCTL_SOURCE_DIR) /
                         "tests/data/facts/lab-runit-amd64.txt")
      .take();
}

void replace(std::string& text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  text.replace(pos, from.size(), to);
}

// etcd and keepalived as the recorded host has them installed (digests 1.., 2..).
std::vector<plan::DesiredComponent> package_of(const std::string& etcd_digest = k_d1) {
  return {{"etcd", "3.5.16", etcd_digest, {Role::etcd}, fixtures::spec("etcd"), {2379, 2380}},
          {"keepalived", "2.2.7", k_d2, {Role::control_plane}, fixtures::spec("keepalived"), {}}};
}

// cp-1 is the recorded host (with `text` as its facts output); cp-2 and cp-3 are converged.
plan::Plan plan_with(const std::string& text, const std::vector<plan::DesiredComponent>& pkg,
                     facts::HostFacts* cp1 = nullptr) {
  const auto cluster = fixtures::example_cluster();
  auto facts = fixtures::converged_facts(cluster, pkg);
  facts["cp-1"] = facts::parse_facts(text, "cp-1").take();
  if (cp1)
    *cp1 = facts["cp-1"];
  return acp::components::registry().plan({cluster, pkg, facts, "c", "p"}).take();
}

std::vector<std::string> cp1_steps(const plan::Plan& p) {
  std::vector<std::string> out;
  for (const auto& s : p.steps)
    if (s.host == "cp-1")
      out.push_back(s.stage + " " + std::string(plan::to_string(s.action)) + " " + s.component +
                    ": " + s.reason);
  return out;
}

} // namespace

TEST_SUITE("plan::resume") {
  TEST_CASE("a state.json without serviceDigest restarts each service once, to be sure") {
    facts::HostFacts cp1;
    const auto p = plan_with(recorded(), package_of(), &cp1);
    CHECK(cp1.state.find("etcd")->service_digest.empty());
    CHECK(cp1_steps(p) ==
          std::vector<std::string>{
              "services restart etcd: not known to run the installed content (no start recorded)",
              "services restart keepalived: not known to run the installed content (no start "
              "recorded)"});
    CHECK(p.steps.size() == 2); // the converged nodes record their starts: nothing there
  }

  TEST_CASE("an upgrade killed after distribute restarts the service on the next plan") {
    // What the lab host records when v2 of etcd was distributed but the apply died before the
    // services stage: the new digest, and the old one as what the service was started with.
    auto text = recorded();
    replace(text, "\"digest\": \"" + k_d1 + "\"",
            "\"digest\": \"" + k_d3 + "\", \"serviceDigest\": \"" + k_d1 + "\"");
    replace(text, "\"digest\": \"" + k_d2 + "\"",
            "\"digest\": \"" + k_d2 + "\", \"serviceDigest\": \"" + k_d2 + "\"");
    const auto p = plan_with(text, package_of(k_d3));
    CHECK(cp1_steps(p) == std::vector<std::string>{
                              "services restart etcd: runs sha256:111111111111, not the installed "
                              "sha256:333333333333 (an apply stopped before the restart)",
                              "services restart keepalived: service is down"});
    // No distribute step: the files are already in place. cp-2 and cp-3 still have etcd 1..
    for (const auto& s : p.steps)
      if (s.host == "cp-1")
        CHECK(s.stage == "services");
  }

  TEST_CASE("once the restart is recorded and the service runs, nothing is left to do") {
    auto text = recorded();
    replace(text, "\"digest\": \"" + k_d1 + "\"",
            "\"digest\": \"" + k_d3 + "\", \"serviceDigest\": \"" + k_d3 + "\"");
    replace(text, "\"digest\": \"" + k_d2 + "\"",
            "\"digest\": \"" + k_d2 + "\", \"serviceDigest\": \"" + k_d2 + "\"");
    replace(text, "acp-keepalived down", "acp-keepalived run");
    const auto p = plan_with(text, package_of(k_d3));
    CHECK(cp1_steps(p).empty());
  }

  TEST_CASE("a changed component plans its restart even when its old start was recorded") {
    auto text = recorded();
    replace(text, "\"digest\": \"" + k_d1 + "\"",
            "\"digest\": \"" + k_d1 + "\", \"serviceDigest\": \"" + k_d1 + "\"");
    auto pkg = package_of(k_d3);
    pkg[0].version = "3.5.17";
    const auto p = plan_with(text, pkg);
    const auto steps = cp1_steps(p);
    REQUIRE(steps.size() >= 2);
    CHECK(steps[0] == "distribute change etcd: upgrade");
    CHECK(steps[1] == "services restart etcd: component changed");
  }
}

TEST_SUITE("state::node_state") {
  TEST_CASE("serviceDigest is written for components with a service and read back") {
    state::NodeState s;
    s.components["etcd"] = {"etcd", "3.5.16", k_d3, {}, "etcd", {}, "t", k_d1};
    s.components["tools"] = {"tools", "1", k_d2, {}, "", {}, "t", ""};
    const auto doc = state::to_json(s);
    CHECK(doc["components"]["etcd"]["serviceDigest"] == k_d1);
    CHECK_FALSE(doc["components"]["tools"].contains("serviceDigest"));
    CHECK(state::parse_state(state::to_text(s), "n1").take() == s);
  }
}
