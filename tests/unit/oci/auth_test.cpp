// WWW-Authenticate as registries send it, and the Basic credentials sent back.

#include "oci/challenge.hpp"
#include "oci/session.hpp"

#include <doctest/doctest.h>

using namespace acp::oci;
using namespace acp::oci::detail;

TEST_SUITE("oci::auth") {
  TEST_CASE("Bearer with quoted values holding commas and colons") {
    const auto c = parse_www_authenticate(
        R"(Bearer realm="https://auth.example/token",service="registry.example",scope="repository:acp/x:pull,push")");
    REQUIRE(c.size() == 1);
    CHECK(c[0].scheme == "bearer");
    CHECK(c[0].params.at("realm") == "https://auth.example/token");
    CHECK(c[0].params.at("service") == "registry.example");
    CHECK(c[0].params.at("scope") == "repository:acp/x:pull,push");
  }

  TEST_CASE("Basic, with space around '=' and ',', names in any case") {
    const auto c = parse_www_authenticate(R"(basic  REALM = "acp lab" , charset=UTF-8)");
    REQUIRE(c.size() == 1);
    CHECK(c[0].scheme == "basic");
    CHECK(c[0].params.at("realm") == "acp lab");
    CHECK(c[0].params.at("charset") == "UTF-8");
  }

  TEST_CASE("several challenges in one value, a scheme without parameters") {
    const auto c = parse_www_authenticate(
        R"(Negotiate, Basic realm="r", Bearer realm="https://a/t",scope="")");
    REQUIRE(c.size() == 3);
    CHECK(c[0].scheme == "negotiate");
    CHECK(c[0].params.empty());
    CHECK(c[1].scheme == "basic");
    CHECK(c[1].params.at("realm") == "r");
    CHECK(c[2].scheme == "bearer");
    CHECK(c[2].params.at("scope").empty());
  }

  TEST_CASE("backslash escapes in quoted strings") {
    const auto c = parse_www_authenticate(R"(Basic realm="a \"quoted\" realm\\")");
    REQUIRE(c.size() == 1);
    CHECK(c[0].params.at("realm") == R"(a "quoted" realm\)");
  }

  TEST_CASE("what cannot be read ends the list, keeping what came before") {
    CHECK(parse_www_authenticate("").empty());
    CHECK(parse_www_authenticate("  ,  ").empty());
    const auto open = parse_www_authenticate(R"(Bearer realm="https://a/t", service="never)");
    REQUIRE(open.size() == 1);
    CHECK(open[0].params.at("realm") == "https://a/t");
    CHECK_FALSE(open[0].params.contains("service"));
    const auto eq = parse_www_authenticate("Basic =x");
    REQUIRE(eq.size() == 1);
    CHECK(eq[0].params.empty());
  }

  TEST_CASE("Basic credentials: base64 of user:password; none without a user") {
    CHECK(basic_credentials("lab", "s3cret:with colon") == "Basic bGFiOnMzY3JldDp3aXRoIGNvbG9u");
    CHECK(basic_credentials("a", "") == "Basic YTo=");
    CHECK(basic_credentials("", "password").empty());
  }

  TEST_CASE("the user in messages is quoted; no user is anonymous") {
    Registry r;
    CHECK(shown_user(r) == "(anonymous)");
    r.username = "admin";
    CHECK(shown_user(r) == "\"admin\"");
  }

  TEST_CASE("5xx but 501, and 429, are worth another attempt") {
    CHECK(retryable_status(500));
    CHECK(retryable_status(503));
    CHECK(retryable_status(429));
    CHECK_FALSE(retryable_status(501));
    CHECK_FALSE(retryable_status(404));
    CHECK_FALSE(retryable_status(401));
  }
}
