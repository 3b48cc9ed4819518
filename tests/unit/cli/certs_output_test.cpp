#include "../pki/fixture.hpp"
#include "acpctl/pki/pki.hpp"
#include "cli/certs_output.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace acp;
using acp::util::TempDir;

TEST_SUITE("cli::certs") {
  TEST_CASE("check JSON lists every certificate with its expiry and status") {
    TempDir dir;
    const auto cluster = pki::test::example_cluster();
    pki::ensure(cluster, dir.path()).take();
    const auto entries = pki::check(cluster, dir.path());
    // Printed and parsed back, as a CI job would read it.
    const auto doc = nlohmann::json::parse(cli::certs_to_json(entries, dir.path()).dump());
    CHECK(doc["schema"] == 1);
    CHECK(doc["type"] == "certificates");
    const auto& list = doc["certificates"];
    REQUIRE(list.size() == 15); // with 3 registry servers and 3 clients (spec.registry)
    const auto& server = list[1];
    CHECK(server["name"] == "etcd/cp-1-server");
    CHECK(server["node"] == "cp-1");
    CHECK(server["status"] == "ok");
    CHECK(server["daysLeft"] == 364);
    CHECK(server["notAfter"] == cli::rfc3339(*entries[1].not_after));
    CHECK(server["sans"].size() == 5);
    CHECK(list[0]["node"].is_null());
    CHECK(cli::certs_exit_code(entries) == 0);
  }

  TEST_CASE("a missing certificate has no expiry and fails the check") {
    TempDir dir;
    const auto entries = pki::check(pki::test::example_cluster(), dir.path());
    const auto doc = nlohmann::json::parse(cli::certs_to_json(entries, dir.path()).dump());
    CHECK(doc["certificates"][3]["status"] == "missing");
    CHECK(doc["certificates"][3]["notAfter"].is_null());
    CHECK(doc["certificates"][3]["daysLeft"].is_null());
    CHECK(cli::certs_exit_code(entries) == 1);
    CHECK(cli::render_certs_text(entries).find("etcd/cp-2-peer           cp-2  -") !=
          std::string::npos);
  }

  TEST_CASE("rfc3339 is UTC with a Z") {
    CHECK(cli::rfc3339(pki::Clock::from_time_t(0)) == "1970-01-01T00:00:00Z");
  }
}
