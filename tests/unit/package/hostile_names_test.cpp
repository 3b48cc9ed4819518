// Component names, versions and symlink targets become paths on every node; the manifest
// parser refuses any that could leave /opt/acp/components/NAME/VERSION.

#include "acpctl/package/build.hpp"
#include "acpctl/package/manifest.hpp"
#include "acpctl/package/verify.hpp"
#include "acpctl/util/fs.hpp"
#include "craft.hpp"

#include <doctest/doctest.h>
#include <filesystem>

using namespace acp;
using namespace acp::package;
namespace fs = std::filesystem;

namespace {

// One component "app" 1.0.0 with bin/app and the symlink bin/link -> bin-target.
std::string manifest(const std::string& name, const std::string& version,
                     const std::string& link_target = "app") {
  return R"(apiVersion: acpctl.alauda.io/v1alpha1
kind: Package
metadata: {name: demo}
spec:
  type: cluster-plugin
  version: "1.0.0"
  arch: amd64
  components:
    - name: )" +
         name + R"(
      version: )" +
         version + R"(
      files:
        - {path: components/app/bin/app, size: 3, mode: "0755", sha256: 0000000000000000000000000000000000000000000000000000000000000000}
        - {path: components/app/bin/link, symlink: )" +
         link_target + R"(}
)";
}

Error refusal(const std::string& yaml) {
  auto m = parse_manifest(yaml, "package.yaml");
  REQUIRE_FALSE(m.ok());
  return m.error();
}

} // namespace

TEST_SUITE("package::hostile_names") {
  TEST_CASE("a plain name, version and inside symlink parse") {
    CHECK(parse_manifest(manifest("app", "1.0.0"), "package.yaml").ok());
    CHECK(parse_manifest(manifest("my_app.v2", "v1.2.3-rc.1+build_7"), "package.yaml").ok());
    CHECK(parse_manifest(manifest("app", "1.0.0", "../bin/app"), "package.yaml").ok());
  }

  TEST_CASE("refuses a version that climbs out of the component directory") {
    const auto e = refusal(manifest("app", "1.0.0/../../../../srv/x"));
    CHECK(e.message().find("spec.components[0].version") != std::string::npos);
    CHECK(e.message().find("1.0.0/../../../../srv/x") != std::string::npos);
    CHECK(e.message().find("component app") != std::string::npos);
    CHECK(e.hint().find("A-Z, a-z, 0-9") != std::string::npos);
    CHECK(e.location().line == 10);
  }

  TEST_CASE("refuses versions that are not one plain path segment") {
    for (const std::string& bad :
         std::vector<std::string>{"..", "-1.0", ".hidden", "1.0/x", "1..0", "1 0", "\"1\\n0\"",
                                  "\"1\\t0\"", "current", "current.acpctl-tmp", "\"\\u00e91\""}) {
      CAPTURE(bad);
      const auto e = refusal(manifest("app", bad));
      CHECK(e.message().find(".version") != std::string::npos);
    }
    CHECK(refusal(manifest("app", std::string(129, '1'))).message().find(".version") !=
          std::string::npos);
    CHECK(parse_manifest(manifest("app", std::string(128, '1')), "package.yaml").ok());
  }

  TEST_CASE("refuses component names that are not one plain lower-case segment") {
    for (const std::string& bad :
         std::vector<std::string>{"..", "../../srv", "a/b", "-app", ".app", "App", "a..b", "a b",
                                  "\"a\\nb\"", std::string(64, 'a')}) {
      CAPTURE(bad);
      const auto e = refusal(manifest(bad, "1.0.0"));
      CHECK(e.message().find("spec.components[0].name") != std::string::npos);
      CHECK(e.hint().find("a-z, 0-9") != std::string::npos);
    }
  }

  TEST_CASE("refuses a bad name even when the component has no service") {
    const auto e = refusal(manifest("../../../../srv", "1.0.0"));
    CHECK(e.message().find("is not a component name") != std::string::npos);
  }

  TEST_CASE("quotes at most 200 characters of a bad value") {
    const auto e = refusal(manifest("app", "1.0.0/" + std::string(5000, 'x')));
    CHECK(e.message().size() < 400);
    CHECK(e.message().find("(5006 bytes)") != std::string::npos);
  }

  TEST_CASE("refuses a symlink that leaves the component's version directory") {
    // Inside the package (components/) but outside /opt/acp/components/app/1.0.0 on a node.
    const auto e = refusal(manifest("app", "1.0.0", "../../other/bin/x"));
    CHECK(e.message().find("spec.components[0].files[1].symlink") != std::string::npos);
    CHECK(e.message().find("outside the component's directory") != std::string::npos);
    CHECK(e.location().line == 13);
    CHECK(refusal(manifest("app", "1.0.0", "a/../../..")).message().find("outside") !=
          std::string::npos);
  }

  TEST_CASE("refuses an absolute symlink target and one that starts with -") {
    CHECK(refusal(manifest("app", "1.0.0", "/etc/shadow")).message().find("absolute") !=
          std::string::npos);
    CHECK(refusal(manifest("app", "1.0.0", "-rf")).message().find("starts with '-'") !=
          std::string::npos);
    CHECK(refusal(manifest("app", "1.0.0", "\"a\\nb\"")).message().find("control") !=
          std::string::npos);
  }

  TEST_CASE("verify refuses a package whose manifest has a climbing version") {
    util::TempDir dir;
    auto m = test::manifest_for({{"a.txt", "a"}});
    m.components[0].version = "1.0.0/../../../../srv/x";
    const auto package = dir.path() / "p.tgz";
    test::write_archive(package, test::entries_for(m, {{"a.txt", "a"}}));
    auto r = verify(package, VerifyOptions{});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find(".version") != std::string::npos);
  }

  TEST_CASE("build refuses a definition whose version has ..") {
    util::TempDir dir;
    test::write_definition(dir.path() / "def", "1.0.0/../../x");
    fs::create_directories(dir.path() / "out");
    auto r = build(BuildOptions{dir.path() / "def", dir.path() / "out", {}, 0, {}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("version \"1.0.0/../../x\"") != std::string::npos);
    CHECK(r.error().location().file == (dir.path() / "def" / "package.yaml").string());
    CHECK(test::names_in(dir.path() / "out").empty());
  }
}

TEST_SUITE("package::hostile_names") {
  TEST_CASE("the package's own name, version and channel cannot leave the output directory") {
    const auto base = manifest("app", "1.0.0");
    auto with = [&](const std::string& from, const std::string& to) {
      auto text = base;
      text.replace(text.find(from), from.size(), to);
      return text;
    };
    auto e = refusal(with("metadata: {name: demo}", "metadata: {name: ../../etc/demo}"));
    CHECK(e.message().find("metadata.name \"../../etc/demo\" cannot be part of a package file "
                           "name") != std::string::npos);
    e = refusal(with("version: \"1.0.0\"\n  arch", "version: \"1/../../x\"\n  arch"));
    CHECK(e.message().find("spec.version") != std::string::npos);
    e = refusal(with("arch: amd64", "arch: amd64\n  channel: ../stable"));
    CHECK(e.message().find("spec.channel") != std::string::npos);
    CHECK(parse_manifest(with("arch: amd64", "arch: amd64\n  channel: stable"), "p").ok());
  }
}
