// Request addresses: path-style and virtual-hosted URLs, key encoding, the query as sent.

#include "s3/url.hpp"

#include <doctest/doctest.h>

using namespace acp::s3;
using namespace acp::s3::detail;

namespace {

Endpoint endpoint(std::string url, bool path_style) {
  Endpoint e;
  e.url = std::move(url);
  e.bucket = "acp-backups";
  e.path_style = path_style;
  return e;
}

Target target(const Endpoint& e, std::string_view key, const std::vector<Field>& query = {}) {
  auto t = make_target(e, key, query);
  REQUIRE(t.ok());
  return *t;
}

} // namespace

TEST_SUITE("s3::url") {
  TEST_CASE("path style: URL/bucket/key, the host as given, port included") {
    const auto t = target(endpoint("http://127.0.0.1:4568", true), "etcd/snap 1.db");
    CHECK(t.url == "http://127.0.0.1:4568/acp-backups/etcd/snap%201.db");
    CHECK(t.host == "127.0.0.1:4568");
    CHECK(t.path == "/acp-backups/etcd/snap%201.db");
    const auto bucket = target(endpoint("https://minio.example:9000/", true), "");
    CHECK(bucket.url == "https://minio.example:9000/acp-backups");
    CHECK(bucket.path == "/acp-backups");
  }

  TEST_CASE("virtual-hosted: bucket.host/key, the bucket itself at /") {
    const auto t = target(endpoint("https://s3.eu-central-1.amazonaws.com", false), "a/b.db");
    CHECK(t.url == "https://acp-backups.s3.eu-central-1.amazonaws.com/a/b.db");
    CHECK(t.host == "acp-backups.s3.eu-central-1.amazonaws.com");
    CHECK(t.path == "/a/b.db");
    CHECK(target(endpoint("https://s3.amazonaws.com", false), "").path == "/");
  }

  TEST_CASE("keys are encoded the S3 way, slashes kept") {
    const auto t = target(endpoint("http://h", true), "dir/ü &+=?#%.db");
    CHECK(t.path == "/acp-backups/dir/%C3%BC%20%26%2B%3D%3F%23%25.db");
    CHECK(target(endpoint("http://h", true), "a~b-c_d.e").path == "/acp-backups/a~b-c_d.e");
  }

  TEST_CASE("the query is encoded, sorted, and a parameter without a value is its name alone") {
    const auto t = target(endpoint("http://h", true), "",
                          {{"uploads", ""}, {"prefix", "etcd/a b"}, {"list-type", "2"}});
    CHECK(t.url == "http://h/acp-backups?list-type=2&prefix=etcd%2Fa%20b&uploads");
    CHECK(query_string({{"uploadId", "x+y/z="}, {"partNumber", "10"}}) ==
          "partNumber=10&uploadId=x%2By%2Fz%3D");
  }

  TEST_CASE("an endpoint that is not scheme and host is refused, naming it") {
    for (const char* bad : {"s3.example.com", "ftp://h", "http://", "http://h/path",
                            "http://user:pw@h", "http://h?x=1"}) {
      auto t = make_target(endpoint(bad, true), "k", {});
      REQUIRE_FALSE(t.ok());
      CHECK(t.error().code() == acp::Errc::invalid_input);
    }
    auto no_bucket = endpoint("http://h", true);
    no_bucket.bucket.clear();
    CHECK_FALSE(make_target(no_bucket, "k", {}).ok());
  }

  TEST_CASE("default_path_style: virtual-hosted for AWS, path style for everything else") {
    CHECK_FALSE(default_path_style("https://s3.amazonaws.com"));
    CHECK_FALSE(default_path_style("https://s3.eu-central-1.amazonaws.com"));
    CHECK_FALSE(default_path_style("https://S3.EU-WEST-1.AMAZONAWS.COM:443/"));
    CHECK(default_path_style("http://127.0.0.1:4568"));
    CHECK(default_path_style("https://minio.example.com"));
    CHECK(default_path_style("https://amazonaws.com.evil.example"));
    CHECK(default_path_style("https://notamazonaws.com"));
    CHECK(default_path_style("not a url"));
  }
}
