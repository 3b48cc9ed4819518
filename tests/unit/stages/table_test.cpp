#include "acpctl/plan/planner.hpp"
#include "acpctl/stages/step.hpp"

#include <doctest/doctest.h>

using namespace acp;

TEST_SUITE("stages::table") {
  TEST_CASE("every stage the planner knows has its row in the apply table, in the same order") {
    const auto planned = plan::stages();
    const auto applied = stages::stage_table();
    REQUIRE(planned.size() == applied.size());
    for (std::size_t i = 0; i < planned.size(); ++i) {
      CAPTURE(planned[i].name);
      CHECK(planned[i].name == applied[i].name);
      CHECK(((planned[i].plan != nullptr) != (planned[i].plan_cluster != nullptr)));
    }
  }

  TEST_CASE("stages run in the documented order; etcd one host at a time") {
    std::vector<std::string> names;
    for (const auto& s : plan::stages())
      names.emplace_back(s.name);
    CHECK(names.front() == "distribute");
    CHECK(names.back() == "prune");
    const auto at = [&](const char* n) {
      return std::find(names.begin(), names.end(), n) - names.begin();
    };
    CHECK(at("pki") < at("etcd"));
    CHECK(at("etcd") < at("services"));
    CHECK(plan::find_stage("etcd")->serial);
    CHECK_FALSE(plan::find_stage("distribute")->serial);
  }
}
