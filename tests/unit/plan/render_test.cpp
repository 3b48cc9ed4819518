#include "acpctl/plan/render.hpp"

#include <doctest/doctest.h>

using namespace acp::plan;

namespace {
// A step kind whose create steps read "start <component>" (the services stage's).
struct Starts {
  bool operator==(const Starts&) const = default;
  std::string create_verb() const { return "start"; }
};
void to_json(nlohmann::json& j, const Starts&) {
  j = nlohmann::json::object();
}

Plan sample() {
  Plan p;
  p.steps = {
      {"cp-1", "distribute", Action::create, "etcd", "", "3.5.16", "sha256:e", "new on this node"},
      {"cp-2", "distribute", Action::change, "etcd", "3.5.15", "3.5.16", "sha256:e", "version"},
      {"cp-1", "services", Action::create, "etcd", "", "3.5.16", "", "set up",
       make_params(Starts{})},
      {"cp-2", "services", Action::restart, "etcd", "3.5.15", "3.5.16", "", "component changed"},
      {"cp-2", "prune", Action::remove, "tools", "1.0", "", "", "no longer in the package"},
  };
  return p;
}
} // namespace

TEST_SUITE("plan::render") {
  TEST_CASE("steps are grouped per host with Terraform-style symbols and a summary") {
    const auto text = render_text(sample());
    const auto cp1 = text.find("cp-1:\n");
    const auto cp2 = text.find("cp-2:\n");
    REQUIRE(cp1 != std::string::npos);
    REQUIRE(cp2 != std::string::npos);
    CHECK(cp1 < cp2);
    CHECK(text.find("  + etcd 3.5.16") > cp1);
    CHECK(text.find("  + etcd 3.5.16") < cp2);
    CHECK(text.find("  + start etcd") < cp2);
    CHECK(text.find("  ~ etcd 3.5.15 -> 3.5.16") > cp2);
    CHECK(text.find("  ~ restart etcd") > cp2);
    CHECK(text.find("  - tools 1.0") > cp2);
    CHECK(text.find("# prune: no longer in the package") != std::string::npos);
    CHECK(text.ends_with("Plan: 2 to create, 1 to change, 1 to restart, 1 to remove.\n"));
    CHECK(text.find('\x1b') == std::string::npos);
  }

  TEST_CASE("colors appear only when asked") {
    const auto text = render_text(sample(), {.color = true});
    CHECK(text.find("\x1b[32m+ etcd 3.5.16") != std::string::npos);
    CHECK(text.find("\x1b[31m- tools") != std::string::npos);
  }

  TEST_CASE("an empty plan says there is nothing to do") {
    CHECK(render_text(Plan{}) == "No changes. The cluster matches the configuration.\n");
    CHECK(detailed_exit_code(Plan{}) == 0);
  }
}
