// What the stages send to a node when they link or remove: `--` before operands, and every
// recursive removal through the checked remove_tree script.

#include "acpctl/components/registry.hpp"
#include "acpctl/util/shell.hpp"
#include "hello_fixture.hpp"

#include <doctest/doctest.h>
#include <filesystem>

using namespace acp;

namespace {

struct Fixture : test::HelloFixture {
  Fixture() : HelloFixture("#!/bin/sh\n", true) {}
};

} // namespace

TEST_SUITE("stages::removal") {
  TEST_CASE("distribute links with -- before the target and the link") {
    Fixture f;
    auto ctx = f.context();
    REQUIRE(acp::components::registry()
                .phase("distribute")
                ->apply(f.step("distribute", plan::Action::create), ctx)
                .ok());
    CHECK(f.ran_argv({"ln", "-sfn", "--", "hello", "/opt/acp/components/hello/1.0.0/bin/alias"}));
    CHECK(f.ran_argv({"mkdir", "-p", "--", "/opt/acp/components/hello/1.0.0",
                      "/opt/acp/components/hello/1.0.0/bin"}));
    CHECK(f.ran("ln -sfn -- \"$1\" \"$2\" && mv -T -- \"$2\" \"$3\""));
  }

  TEST_CASE("prune removes the component directory only below /opt/acp/components") {
    Fixture f;
    f.state = state::commit(f.state, state::StateChange::put(plan::record_of(f.desired, {}, "t")));
    f.facts.services["hello"] = true;
    auto ctx = f.context(false);
    REQUIRE(acp::components::registry()
                .phase("prune")
                ->apply(f.step("prune", plan::Action::remove), ctx)
                .ok());
    CHECK(f.ran_argv(util::remove_tree_argv(
        "/opt/acp/components", std::vector<std::string>{"/opt/acp/components/hello"})));
    // runit's service directory goes the same way, bounded by /etc/service.
    CHECK(f.ran_argv(util::remove_tree_argv(
        "/etc/service", std::vector<std::string>{"/etc/service/.acp-hello-removed"})));
    CHECK(f.ran_argv(
        {"mv", "-T", "--", "/etc/service/acp-hello", "/etc/service/.acp-hello-removed"}));
    for (const auto& c : f.node.calls())
      CHECK(c.command.argv.front() != "rm");
  }

  TEST_CASE("prune refuses a component name from state.json that is not a plain name") {
    Fixture f;
    auto ctx = f.context(false);
    for (const std::string bad : {"../../srv", "..", "a/b", "-rf"}) {
      CAPTURE(bad);
      const auto r = acp::components::registry().phase("prune")->apply(
          f.step("prune", plan::Action::remove, bad), ctx);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().message().find("not a component name") != std::string::npos);
      CHECK(r.error().hint().find("state.json") != std::string::npos);
    }
    CHECK(f.node.calls().empty());
  }

  TEST_CASE("a refused removal fails the step with the node's words and a hint") {
    Fixture f;
    f.node.respond({"sh", "-c", util::k_remove_tree_script},
                   {3,
                    "",
                    "refusing to remove /opt/acp/components/hello: it resolves to /srv, which is "
                    "not below /opt/acp/components\n",
                    {}});
    auto ctx = f.context(false);
    const auto r = acp::components::registry().phase("prune")->apply(
        f.step("prune", plan::Action::remove), ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("removing /opt/acp/components/hello failed (exit 3)") !=
          std::string::npos);
    CHECK(r.error().message().find("resolves to /srv") != std::string::npos);
    CHECK(r.error().host() == "n1");
    CHECK(r.error().hint().find("/opt/acp/components") != std::string::npos);
  }

  TEST_CASE("a dry run of remove_tree sends nothing") {
    Fixture f;
    stages::Actions act(f.node, true);
    CHECK(act.remove_tree({"/opt/acp/components/x"}, "/opt/acp/components").ok());
    CHECK(f.node.calls().empty());
  }
}
