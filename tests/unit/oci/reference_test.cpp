// Image references by docker's rules: what each part may be, the defaults, and clear refusals.

#include "acpctl/oci/reference.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace acp;
using namespace acp::oci;

namespace {

Reference parse(std::string_view text) {
  auto r = parse_reference(text);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().describe()));
  return *r;
}

std::string refusal(std::string_view text) {
  auto r = parse_reference(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == Errc::invalid_input);
  return r.error().message();
}

const std::string k_digest =
    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

} // namespace

TEST_SUITE("oci::reference") {
  TEST_CASE("a registry with a dot, a nested repository and a tag") {
    const auto r = parse("registry.alauda.cn/acp/etcd:v3.4.23");
    CHECK(r.registry == "registry.alauda.cn");
    CHECK(r.repository == "acp/etcd");
    CHECK(r.tag == "v3.4.23");
    CHECK(r.digest.empty());
    CHECK(to_string(r) == "registry.alauda.cn/acp/etcd:v3.4.23");
  }

  TEST_CASE("host:port and a digest; the port's colon is no tag") {
    const auto r = parse("host:5000/a/b@" + k_digest);
    CHECK(r.registry == "host:5000");
    CHECK(r.repository == "a/b");
    CHECK(r.tag.empty());
    CHECK(r.digest == k_digest);
    const auto both = parse("10.0.0.1:5000/a/b:v1@" + k_digest);
    CHECK(both.registry == "10.0.0.1:5000");
    CHECK(both.tag == "v1");
    CHECK(both.digest == k_digest);
  }

  TEST_CASE("localhost and bracketed IPv6 are registries; a plain first part is not") {
    CHECK(parse("localhost/x").registry == "localhost");
    CHECK(parse("[::1]:5000/acp/x:1").registry == "[::1]:5000");
    const auto r = parse("acp/etcd:v1");
    CHECK(r.registry == "docker.io");
    CHECK(r.repository == "acp/etcd");
  }

  TEST_CASE("docker's defaults: docker.io, library/, latest") {
    const auto r = parse("busybox");
    CHECK(r.registry == "docker.io");
    CHECK(r.repository == "library/busybox");
    CHECK(r.tag == "latest");
    CHECK(parse("index.docker.io/busybox:1").repository == "library/busybox");
    CHECK(parse("quay.io/busybox").repository == "busybox");
  }

  TEST_CASE("separators inside a path component: . _ __ and runs of -") {
    CHECK(parse("r.io/a.b_c__d---e/f:t").repository == "a.b_c__d---e/f");
    CHECK(valid_repository("a-b"));
    CHECK_FALSE(valid_repository("a___b"));
    CHECK_FALSE(valid_repository("a..b"));
    CHECK_FALSE(valid_repository("-a"));
    CHECK_FALSE(valid_repository("a-"));
    CHECK_FALSE(valid_repository("a//b"));
    CHECK_FALSE(valid_repository(""));
  }

  TEST_CASE("bad references are refused naming the part") {
    CHECK(refusal("").find("empty") != std::string::npos);
    CHECK(refusal("r.io/ACP/etcd:v1").find("\"ACP/etcd\"") != std::string::npos);
    CHECK(refusal("r.io/acp/etcd:-v1").find("the tag \"-v1\"") != std::string::npos);
    CHECK(refusal("r.io/acp/etcd:").find("the tag \"\"") != std::string::npos);
    CHECK(refusal("r.io/acp/etcd@sha256:abc").find("the digest") != std::string::npos);
    CHECK(refusal("r.io/acp/etcd@md5:0123").find("the digest") != std::string::npos);
    CHECK(refusal("bad_host:5000/a").find("the registry \"bad_host:5000\"") != std::string::npos);
    CHECK(refusal("r.io:/a").find("registry") != std::string::npos);
    CHECK(refusal("[::1/a").find("registry") != std::string::npos);
    CHECK(refusal("r.io/a b").find("repository") != std::string::npos);
    CHECK(refusal("r.io/" + std::string(300, 'a')).find("longer than 255") != std::string::npos);
    CHECK(refusal("r.io/a:" + std::string(129, 't')).find("tag") != std::string::npos);
  }

  TEST_CASE("tags and digests alone") {
    CHECK(valid_tag("v3.4.23"));
    CHECK(valid_tag("_x"));
    CHECK(valid_tag(std::string(128, 'a')));
    CHECK_FALSE(valid_tag(".x"));
    CHECK_FALSE(valid_tag("a/b"));
    CHECK(valid_digest(k_digest));
    CHECK_FALSE(valid_digest("sha256:" + std::string(64, 'A')));
    CHECK_FALSE(valid_digest("sha256:" + std::string(63, 'a')));
  }
}
