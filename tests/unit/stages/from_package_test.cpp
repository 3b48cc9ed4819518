#include "acpctl/plan/from_package.hpp"

#include <doctest/doctest.h>

using namespace acp;

namespace {

package::Manifest manifest_with(package::Component c) {
  package::Manifest m;
  m.name = "core";
  m.version = "0.1.0";
  m.components.push_back(std::move(c));
  return m;
}

package::Component hello() {
  package::Component c;
  c.name = "hello";
  c.version = "1.0.0";
  c.roles = {"control-plane", "etcd"};
  c.files.push_back({"components/hello/bin/hello", 10, 0755, std::string(64, 'a'), ""});
  package::Service s;
  s.command = {"bin/hello", "--port", "8088"};
  s.environment = {{"A", "b"}};
  s.health_check = package::HealthCheck{{"bin/check", "x"}, 2, 2};
  s.restart = "on-failure";
  c.service = s;
  return c;
}

} // namespace

TEST_SUITE("plan::desired_from_manifest") {
  TEST_CASE("resolves relative service paths through the current link") {
    const auto d = plan::desired_from_manifest(manifest_with(hello())).take();
    REQUIRE(d.size() == 1);
    CHECK(d[0].name == "hello");
    CHECK(d[0].version == "1.0.0");
    CHECK(d[0].digest == hello().digest());
    CHECK(d[0].roles == std::vector{config::Role::control_plane, config::Role::etcd});
    REQUIRE(d[0].service);
    CHECK(d[0].service->command ==
          service::Argv{"/opt/acp/components/hello/current/bin/hello", "--port", "8088"});
    CHECK(d[0].service->health_check ==
          service::Argv{"/opt/acp/components/hello/current/bin/check", "x"});
    CHECK(d[0].service->working_dir == "/opt/acp/components/hello/current");
    CHECK(d[0].service->restart == service::RestartPolicy::on_failure);
    CHECK(d[0].service->user.empty());
  }

  TEST_CASE("refuses an unknown role naming the component") {
    auto c = hello();
    c.roles = {"wroker"};
    const auto d = plan::desired_from_manifest(manifest_with(c));
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().message().find("hello") != std::string::npos);
    CHECK(d.error().message().find("wroker") != std::string::npos);
  }

  TEST_CASE("strips components/<name>/ from file paths for the node") {
    CHECK(plan::node_relative_path(hello(), "components/hello/bin/hello") == "bin/hello");
    CHECK(plan::node_relative_path(hello(), "other/x") == "other/x");
  }
}
