// service.ports and healthCheck.startSeconds in package.yaml: parsed, validated with the line,
// emitted, in the digest only when given, and mapped onto what the planner and gate use.

#include "acpctl/package/manifest.hpp"
#include "acpctl/plan/from_package.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace acp;
using namespace acp::package;

namespace {
std::string manifest_with(const std::string& service_extra, const std::string& check_extra = "") {
  return R"(apiVersion: acpctl.alauda.io/v1alpha1
kind: Package
metadata: {name: core}
spec:
  type: core
  version: "1.0.0"
  arch: amd64
  components:
    - name: web
      version: "1.0.0"
      files:
        - {path: components/web/bin/web, size: 3, mode: "0755", sha256: 0000000000000000000000000000000000000000000000000000000000000000}
      service:
        command: [bin/web]
        healthCheck:
          command: [bin/web, --check]
          intervalSeconds: 3
          timeoutSeconds: 4
)" + check_extra +
         "        restart: always\n" + service_extra;
}
} // namespace

TEST_SUITE("package::manifest") {
  TEST_CASE("service.ports and healthCheck.startSeconds are read, emitted and read back") {
    const auto m = parse_manifest(manifest_with("        ports: [8080, 8443]\n",
                                                "          startSeconds: 40\n"),
                                  "package.yaml")
                       .take();
    const auto& s = *m.components.at(0).service;
    CHECK(s.ports == std::vector<int>{8080, 8443});
    REQUIRE(s.health_check.has_value());
    CHECK(s.health_check->start_seconds == 40);
    const auto again = parse_manifest(emit_manifest(m), "again").take();
    CHECK(again.components.at(0).service->ports == s.ports);
    CHECK(again.components.at(0).service->health_check->start_seconds == 40);
    CHECK(emit_manifest(again) == emit_manifest(m));
  }

  TEST_CASE("the digest covers ports and startSeconds, and is unchanged when they are absent") {
    const auto plain = parse_manifest(manifest_with(""), "p").take().components.at(0);
    const auto ported =
        parse_manifest(manifest_with("        ports: [8080]\n"), "p").take().components.at(0);
    const auto started = parse_manifest(manifest_with("", "          startSeconds: 40\n"), "p")
                             .take()
                             .components.at(0);
    CHECK(plain.digest() != ported.digest());
    CHECK(plain.digest() != started.digest());
    CHECK_FALSE(plain.service->health_check->start_seconds.has_value());
    CHECK(emit_manifest(parse_manifest(manifest_with(""), "p").take()).find("ports") ==
          std::string::npos);
  }

  TEST_CASE("a port out of range, repeated or not a number is refused with its line") {
    struct Bad {
      const char* ports;
      const char* says;
    };
    for (const auto& bad :
         {Bad{"[0]", "from 1 to 65535, not 0"}, Bad{"[65536]", "from 1 to 65535, not 65536"},
          Bad{"[80, 80]", "lists port 80 twice"}, Bad{"[http]", "must be a whole number"},
          Bad{"8080", "must be a list of TCP port numbers"}}) {
      CAPTURE(bad.ports);
      const auto r = parse_manifest(
          manifest_with("        ports: " + std::string(bad.ports) + "\n"), "pkg/package.yaml");
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().message().find(bad.says) != std::string::npos);
      CHECK(r.error().message().find("spec.components[0].service.ports") != std::string::npos);
      CHECK(r.error().location().line == 20);
    }
  }

  TEST_CASE("health timing outside 1..3600 seconds is refused") {
    for (const char* bad : {"          startSeconds: 0\n", "          startSeconds: 3601\n"}) {
      const auto r = parse_manifest(manifest_with("", bad), "package.yaml");
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().message().find("must be between 1 and 3600 (seconds)") != std::string::npos);
    }
    std::string text = manifest_with("");
    text.replace(text.find("intervalSeconds: 3"), 18, "intervalSeconds: 0");
    CHECK_FALSE(parse_manifest(text, "package.yaml").ok());
  }

  TEST_CASE("the planner and the health gate get the ports and the timing") {
    const auto m =
        parse_manifest(manifest_with("        ports: [8080]\n", "          startSeconds: 40\n"),
                       "package.yaml")
            .take();
    const auto d = plan::desired_from_manifest(m).take().at(0);
    CHECK(d.ports == std::vector<int>{8080});
    REQUIRE(d.service.has_value());
    CHECK(d.service->start_seconds == 40);
    CHECK(d.service->check_interval_seconds == 3);
    CHECK(d.service->check_timeout_seconds == 4);
    const auto plain =
        plan::desired_from_manifest(parse_manifest(manifest_with(""), "p").take()).take().at(0);
    CHECK(plain.service->start_seconds == 15);
    CHECK(plain.ports.empty());
  }
}
