#include "acpctl/package/manifest.hpp"
#include "craft.hpp"

#include <doctest/doctest.h>

using namespace acp;
using namespace acp::package;

namespace {
const char* k_minimal = R"(apiVersion: acpctl.alauda.io/v1alpha1
kind: Package
metadata: {name: nfs}
spec:
  type: cluster-plugin
  version: "4.0.2"
  arch: amd64
  components:
    - name: nfs
      version: "4.0.2"
      files:
        - {path: bin/nfs, size: 3, mode: "0755", sha256: 0000000000000000000000000000000000000000000000000000000000000000}
)";
} // namespace

TEST_SUITE("package::manifest") {
  TEST_CASE("parses a manifest and names files the ACP way") {
    auto m = parse_manifest(k_minimal, "package.yaml");
    REQUIRE(m.ok());
    CHECK(m->name == "nfs");
    CHECK(m->file_name() == "nfs.amd64.v4.0.2.tgz");
    CHECK(m->file_name(true) == "nfs.amd64.v4.0.2.tzst");
    CHECK(m->components.at(0).files.at(0).mode == 0755);
    m->type = "operator";
    m->channel = "stable";
    m->arch = "ALL";
    CHECK(m->file_name() == "nfs.stable.ALL.v4.0.2.tgz");
  }

  TEST_CASE("emit then parse gives the same manifest bytes") {
    auto m = parse_manifest(k_minimal, "package.yaml");
    REQUIRE(m.ok());
    const auto once = emit_manifest(*m);
    auto again = parse_manifest(once, "again");
    REQUIRE(again.ok());
    CHECK(emit_manifest(*again) == once);
  }

  TEST_CASE("an unknown key is reported with its line and a suggestion") {
    std::string text = k_minimal;
    text.replace(text.find("  arch:"), 7, "  arhc:");
    auto m = parse_manifest(text, "pkg/package.yaml");
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().location().file == "pkg/package.yaml");
    CHECK(m.error().location().line == 7);
    CHECK(m.error().message().find("arhc") != std::string::npos);
    CHECK(m.error().hint().find("arch") != std::string::npos);
  }

  TEST_CASE("refuses a file path with .. or an absolute path") {
    for (const char* bad : {"../etc/passwd", "/etc/passwd", "a/../../b", "a//b"}) {
      std::string text = k_minimal;
      text.replace(text.find("bin/nfs"), 7, bad);
      auto m = parse_manifest(text, "package.yaml");
      REQUIRE_FALSE(m.ok());
      CHECK(m.error().message().find(bad) != std::string::npos);
      CHECK(m.error().location().line == 12);
    }
  }

  TEST_CASE("refuses setuid and setgid modes") {
    std::string text = k_minimal;
    text.replace(text.find("\"0755\""), 6, "\"4755\"");
    auto m = parse_manifest(text, "package.yaml");
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().message().find("setuid") != std::string::npos);
  }

  TEST_CASE("refuses a symlink that points outside the package") {
    auto m = test::manifest_for({{"a.txt", "a"}});
    m.components[0].files.push_back(FileEntry{"lib/link", 0, 0, {}, "../../etc"});
    auto parsed = parse_manifest(emit_manifest(m), "package.yaml");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message().find("lib/link") != std::string::npos);
    CHECK(parsed.error().message().find("outside") != std::string::npos);
  }

  TEST_CASE("a patch needs its base version, an operator its channel") {
    std::string text = k_minimal;
    text.replace(text.find("cluster-plugin"), 14, "patch");
    auto m = parse_manifest(text, "package.yaml");
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().message().find("baseVersion") != std::string::npos);
    text.replace(text.find("patch"), 5, "operator");
    m = parse_manifest(text, "package.yaml");
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().message().find("channel") != std::string::npos);
  }

  TEST_CASE("component digest changes with any file checksum and not otherwise") {
    auto m = test::manifest_for({{"a.txt", "a"}, {"b.txt", "b"}});
    const auto before = m.components[0].digest();
    CHECK(m.components[0].digest() == before);
    m.components[0].files[1].sha256[0] = m.components[0].files[1].sha256[0] == 'a' ? 'b' : 'a';
    CHECK(m.components[0].digest() != before);
  }

  TEST_CASE("roles select components; no roles means every node") {
    Component c;
    CHECK(c.wanted_by({"worker"}));
    c.roles = {"etcd", "control-plane"};
    CHECK(c.wanted_by({"worker", "etcd"}));
    CHECK_FALSE(c.wanted_by({"worker"}));
  }

  TEST_CASE("garbage and binary input fail with a located error, never a crash") {
    CHECK_FALSE(parse_manifest("", "x").ok());
    CHECK_FALSE(parse_manifest("[1, 2", "x").ok());
    CHECK_FALSE(parse_manifest(std::string("a\0b", 3), "x").ok());
    CHECK_FALSE(parse_manifest("spec: {components: 3}", "x").ok());
  }
}
