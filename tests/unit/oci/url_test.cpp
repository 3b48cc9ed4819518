// Registry addresses: Location headers, relative or absolute, with or without a query.

#include "oci/url.hpp"

#include <doctest/doctest.h>

using namespace acp::oci;
using namespace acp::oci::detail;

namespace {

std::string resolve(std::string_view request, std::string_view location) {
  auto r = resolve_location(request, location);
  REQUIRE(r.ok());
  return *r;
}

} // namespace

TEST_SUITE("oci::url") {
  TEST_CASE("the base URL: https unless plain http was asked for") {
    Registry r;
    r.host = "[fd00::1]:5000";
    CHECK(base_url(r) == "https://[fd00::1]:5000");
    r.plain_http = true;
    CHECK(base_url(r) == "http://[fd00::1]:5000");
  }

  TEST_CASE("origin: scheme and host of http(s) URLs only") {
    CHECK(origin("https://r:5000/v2/x?y=1") == "https://r:5000");
    CHECK(origin("http://r") == "http://r");
    CHECK(origin("https://r?x") == "https://r");
    CHECK(origin("ftp://r/x").empty());
    CHECK(origin("/v2/x").empty());
  }

  TEST_CASE("a Location path lands on the request's origin, its query kept") {
    CHECK(resolve("https://r:5000/v2/acp/x/blobs/uploads/",
                  "/v2/acp/x/blobs/uploads/abc?_state=s%3D") ==
          "https://r:5000/v2/acp/x/blobs/uploads/abc?_state=s%3D");
  }

  TEST_CASE("an absolute Location is taken as it is, even on another host") {
    CHECK(resolve("https://r:5000/v2/x/blobs/uploads/", "https://storage.example/u/1?sig=a") ==
          "https://storage.example/u/1?sig=a");
    CHECK(resolve("https://r/v2/", "//other:8443/u") == "https://other:8443/u");
  }

  TEST_CASE("a relative Location resolves against the request's directory") {
    CHECK(resolve("https://r/v2/x/blobs/uploads/?mount=a", "abc?s=1") ==
          "https://r/v2/x/blobs/uploads/abc?s=1");
    CHECK(resolve("https://r/v2/x/blobs/uploads/old?s=0", "new") ==
          "https://r/v2/x/blobs/uploads/new");
    CHECK(resolve("https://r", "u") == "https://r/u");
  }

  TEST_CASE("no Location, or another scheme, is an error") {
    CHECK_FALSE(resolve_location("https://r/v2/", "").ok());
    CHECK_FALSE(resolve_location("https://r/v2/", "ftp://r/x").ok());
  }

  TEST_CASE("query fields: '?' or '&' as needed, values encoded, fragments kept last") {
    CHECK(add_query("https://r/u", "digest", "sha256:ab") == "https://r/u?digest=sha256%3Aab");
    CHECK(add_query("https://r/u?_state=x", "digest", "sha256:ab") ==
          "https://r/u?_state=x&digest=sha256%3Aab");
    CHECK(add_query("https://r/u?", "a", "b") == "https://r/u?a=b");
    CHECK(add_query("https://r/u?x=1&", "a", "b") == "https://r/u?x=1&a=b");
    CHECK(add_query("https://r/u#f", "from", "acp/x") == "https://r/u?from=acp%2Fx#f");
  }

  TEST_CASE("short digests for messages") {
    CHECK(short_digest("sha256:0123456789abcdef0123") == "sha256:0123456789ab");
    CHECK(short_digest("sha256:01") == "sha256:01");
  }
}
