#include "acpctl/components/registry.hpp"
#include "acpctl/util/shell.hpp"
#include "hello_fixture.hpp"

#include <doctest/doctest.h>
#include <filesystem>

using namespace acp;

namespace {

using Fixture = test::HelloFixture;

} // namespace

TEST_SUITE("stages::apply") {
  TEST_CASE("distribute uploads each file into the version dir, switches current, records it") {
    Fixture f;
    auto ctx = f.context();
    const auto change = acp::components::registry()
                            .phase("distribute")
                            ->apply(f.step("distribute", plan::Action::create), ctx)
                            .take();
    const auto files = f.node.files();
    REQUIRE(files.count("/opt/acp/components/hello/1.0.0/bin/hello") == 1);
    CHECK(files.at("/opt/acp/components/hello/1.0.0/bin/hello").spec.mode == 0755);
    CHECK(f.ran("mv -T"));
    CHECK(f.ran("/opt/acp/components/hello/current"));
    CHECK(change.kind == state::StateChange::Kind::put);
    CHECK(change.component.digest == f.desired.digest);
    REQUIRE(change.component.files.size() == 1);
    CHECK(change.component.files[0].sha256 == f.component.files[0].sha256);
  }

  TEST_CASE("distribute refuses a package whose component differs from the plan's") {
    Fixture f;
    auto ctx = f.context();
    auto step = f.step("distribute", plan::Action::create);
    step.digest = "sha256:other";
    const auto r = acp::components::registry().phase("distribute")->apply(step, ctx);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == Errc::conflict);
    CHECK(f.node.files().empty());
  }

  TEST_CASE("a dry run sends nothing to the node") {
    Fixture f;
    stages::Actions act(f.node, true);
    stages::StepContext ctx{act,          f.facts,      f.state,      &f.desired,
                            &f.component, f.dir.path(), f.runit.get()};
    CHECK(acp::components::registry()
              .phase("distribute")
              ->apply(f.step("distribute", plan::Action::create), ctx)
              .ok());
    CHECK(f.node.calls().empty());
    CHECK(f.node.files().empty());
  }

  TEST_CASE("services installs a new runit service and passes the gate when it runs") {
    Fixture f;
    f.state = state::commit(f.state, state::StateChange::put(plan::record_of(f.desired, {}, "t")));
    f.node.respond({"sv", "status"}, {0, "run: /etc/service/acp-hello: (pid 42) 1s\n", "", {}});
    auto ctx = f.context();
    const auto change = acp::components::registry()
                            .phase("services")
                            ->apply(f.step("services", plan::Action::create), ctx)
                            .take();
    CHECK(f.node.files().count("/etc/service/.acp-hello/run") == 1);
    CHECK(f.ran("mv -T -- /etc/service/.acp-hello /etc/service/acp-hello"));
    CHECK(change.component.name == "hello");
  }

  TEST_CASE("the health gate fails with the supervisor's words and what to do") {
    Fixture f;
    f.node.respond({"sv", "status"},
                   {0, "down: /etc/service/acp-hello: 3s, normally up\n", "", {}});
    auto ctx = f.context();
    const auto r = stages::health_gate(ctx, *f.desired.service, 0);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("not healthy") != std::string::npos);
    CHECK(r.error().message().find("down:") != std::string::npos);
    CHECK(r.error().host() == "n1");
    CHECK_FALSE(r.error().hint().empty());
  }

  TEST_CASE("prune uninstalls the service and removes the component directory") {
    Fixture f;
    f.state = state::commit(f.state, state::StateChange::put(plan::record_of(f.desired, {}, "t")));
    f.facts.services["hello"] = true;
    auto ctx = f.context(false);
    const auto change = acp::components::registry()
                            .phase("prune")
                            ->apply(f.step("prune", plan::Action::remove), ctx)
                            .take();
    CHECK(change.kind == state::StateChange::Kind::remove);
    CHECK(f.ran("force-stop"));
    CHECK(f.ran("/opt/acp/components/hello"));
  }

  TEST_CASE("prune never tolerates a failing rm") {
    Fixture f;
    f.state = state::commit(f.state, state::StateChange::put(plan::record_of(f.desired, {}, "t")));
    f.facts.services["hello"] = true;
    f.node.respond({"sh", "-c", util::k_remove_tree_script}, {1, "", "rm: cannot remove\n", {}});
    auto ctx = f.context(false);
    const auto r = acp::components::registry().phase("prune")->apply(
        f.step("prune", plan::Action::remove), ctx);
    REQUIRE_FALSE(r.ok()); // an `rm` failure is never tolerated
    CHECK(r.error().message().find("rm: cannot remove") != std::string::npos);
    f.node.respond({"sh", "-c", util::k_remove_tree_script}, {0, "", "", {}});
    CHECK(acp::components::registry()
              .phase("prune")
              ->apply(f.step("prune", plan::Action::remove), ctx)
              .ok());
  }
}
