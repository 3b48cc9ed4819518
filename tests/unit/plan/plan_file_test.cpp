#include "acpctl/components/registry.hpp"
#include "acpctl/plan/plan_file.hpp"
#include "acpctl/stages/platform.hpp"
#include "acpctl/util/fs.hpp"

#include <doctest/doctest.h>
#include <filesystem>

using namespace acp::plan;

namespace {
Plan sample() {
  Plan p;
  p.config_digest = "sha256:aaaaaaaaaaaaaaaaaaaa";
  p.package_digest = "sha256:bbbbbbbbbbbbbbbbbbbb";
  p.node_serials = {{"n1", 4}, {"n2", 5}};
  p.steps.push_back({"n1", "distribute", Action::change, "etcd", "3.5.15", "3.5.16", "sha256:e2",
                     "version 3.5.15 -> 3.5.16"});
  p.steps.push_back({"n2", "prune", Action::remove, "tools", "1.0", "", "", "gone"});
  return p;
}
CurrentInputs same_as(const Plan& p) {
  return {p.config_digest, p.package_digest, p.node_serials};
}
} // namespace

TEST_SUITE("plan::file") {
  TEST_CASE("a saved plan loads back identical") {
    acp::util::TempDir dir;
    const auto path = dir.path() / "plan.json";
    REQUIRE(save_plan(sample(), path).ok());
    auto loaded = load_plan(path, acp::components::registry().stages());
    REQUIRE(loaded.ok());
    CHECK(loaded->steps == sample().steps);
    CHECK(loaded->node_serials == sample().node_serials);
    CHECK(loaded->config_digest == sample().config_digest);
    CHECK(to_json(*loaded)["summary"]["change"] == 1);
    CHECK(to_json(*loaded)["schema"] == k_plan_schema);
  }

  TEST_CASE("a file that is not a plan is refused naming the file") {
    acp::util::TempDir dir;
    const auto path = dir.path() / "plan.json";
    REQUIRE(acp::util::write_file_atomic(path, "{\"kind\": \"something\"}").ok());
    auto r = load_plan(path, acp::components::registry().stages());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == acp::Errc::invalid_input);
    CHECK(r.error().describe().find(path.string()) != std::string::npos);

    REQUIRE(acp::util::write_file_atomic(path, "{ not json").ok());
    r = load_plan(path, acp::components::registry().stages());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("not JSON") != std::string::npos);
  }

  TEST_CASE("a plan with an unknown action or a missing field is refused") {
    auto doc = to_json(sample());
    doc["steps"][0]["action"] = "explode";
    auto r = from_json(doc, "p.json", acp::components::registry().stages());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("explode") != std::string::npos);
    doc = to_json(sample());
    doc.erase("nodeSerials");
    r = from_json(doc, "p.json", acp::components::registry().stages());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("nodeSerials") != std::string::npos);
  }

  TEST_CASE("a plan from a newer acpctl is refused with what to do") {
    auto doc = to_json(sample());
    doc["schema"] = k_plan_schema + 1;
    const auto r = from_json(doc, "p.json", acp::components::registry().stages());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().hint().find("make a new plan") != std::string::npos);
  }

  TEST_CASE("a plan of an older schema is refused") {
    auto doc = to_json(sample());
    doc["schema"] = 1;
    const auto r = from_json(doc, "p.json", acp::components::registry().stages());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("older") != std::string::npos);
  }

  TEST_CASE("a step of an unknown stage is refused before anything runs") {
    auto doc = to_json(sample());
    doc["steps"][1]["stage"] = "exfiltrate";
    const auto r = from_json(doc, "p.json", acp::components::registry().stages());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("step 2: unknown stage \"exfiltrate\"") != std::string::npos);
  }

  TEST_CASE("a step naming a host the plan does not have is refused clearly") {
    auto doc = to_json(sample());
    doc["steps"][0]["host"] = "evil";
    const auto r = from_json(doc, "p.json", acp::components::registry().stages());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("step 1: host \"evil\" is not one of the plan's nodes") !=
          std::string::npos);
  }

  TEST_CASE("a plan file edited after it was written is refused; it is written 0600") {
    acp::util::TempDir dir;
    const auto path = dir.path() / "plan.json";
    REQUIRE(save_plan(sample(), path).ok());
    CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::all) ==
          std::filesystem::perms(0600));
    auto text = *acp::util::read_file(path);
    const auto at = text.find("version 3.5.15");
    REQUIRE(at != std::string::npos);
    text.replace(at, 7, "VERSION");
    REQUIRE(acp::util::write_file_atomic(path, text).ok());
    const auto r = load_plan(path, acp::components::registry().stages());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("changed after acpctl wrote it") != std::string::npos);
    // Without its digest it is refused too.
    auto doc = nlohmann::json::parse(text);
    doc.erase("digest");
    REQUIRE(acp::util::write_file_atomic(path, doc.dump()).ok());
    CHECK_FALSE(load_plan(path, acp::components::registry().stages()).ok());
  }

  TEST_CASE("a saved plan applies only if the plan made now has the same steps") {
    const auto saved = sample();
    auto now = sample();
    CHECK(check_same(saved, now, same_as(saved)).ok());
    now.steps[1].params = acp::plan::make_params(acp::stages::RecordParams{"pki"});
    auto r = check_same(saved, now, same_as(saved));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == acp::Errc::conflict);
    CHECK(r.error().message().find("step 2 differs") != std::string::npos);
    now = sample();
    now.steps.pop_back();
    r = check_same(saved, now, same_as(saved));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("planned now: none") != std::string::npos);
    now = sample();
    now.package_key = "SHA256:other";
    CHECK(check_same(saved, now, same_as(saved)).error().message().find("package key") !=
          std::string::npos);
  }

  TEST_CASE("a fresh plan has no stale reasons") {
    CHECK(stale_reasons(sample(), same_as(sample())).empty());
    CHECK(check_fresh(sample(), same_as(sample())).ok());
  }

  TEST_CASE("each kind of staleness is reported") {
    const auto plan = sample();
    auto now = same_as(plan);
    now.config_digest = "sha256:cccccccccccccccccc";
    CHECK(stale_reasons(plan, now) ==
          std::vector<std::string>{
              "cluster.yaml changed since the plan was made (aaaaaaaaaaaa -> cccccccccccc)"});

    now = same_as(plan);
    now.package_digest = "sha256:dddddddddddddddddd";
    CHECK(stale_reasons(plan, now).at(0).starts_with("the package is not the one"));

    now = same_as(plan);
    now.node_serials["n2"] = 6;
    CHECK(stale_reasons(plan, now) ==
          std::vector<std::string>{
              "the state of n2 changed since the plan was made (serial 5 -> 6)"});

    now = same_as(plan);
    now.node_serials.erase("n1");
    now.node_serials["n3"] = 0;
    CHECK(stale_reasons(plan, now) ==
          std::vector<std::string>{"n1 was in the plan but is not among the nodes now",
                                   "n3 is a node now but was not when the plan was made"});
  }

  TEST_CASE("applying a stale plan is a conflict that lists every reason") {
    auto now = same_as(sample());
    now.config_digest = "sha256:x";
    now.node_serials["n1"] = 9;
    const auto status = check_fresh(sample(), now);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code() == acp::Errc::conflict);
    CHECK(status.error().message().find("cluster.yaml changed") != std::string::npos);
    CHECK(status.error().message().find("serial 4 -> 9") != std::string::npos);
    CHECK(status.error().hint().find("acpctl plan") != std::string::npos);
  }
}
