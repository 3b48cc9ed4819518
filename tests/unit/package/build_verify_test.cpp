#include "acpctl/package/build.hpp"
#include "acpctl/package/open.hpp"
#include "acpctl/package/sign.hpp"
#include "acpctl/package/verify.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"
#include "craft.hpp"

#include <doctest/doctest.h>
#include <filesystem>

using namespace acp;
using namespace acp::package;
namespace fs = std::filesystem;

namespace {

struct Built {
  util::TempDir dir;
  fs::path package;
  fs::path pub;
  fs::path other_pub;

  explicit Built(std::optional<Compression> compression = std::nullopt) {
    test::write_definition(dir.path() / "def");
    REQUIRE(generate_key_pair(dir.path() / "signer").ok());
    REQUIRE(generate_key_pair(dir.path() / "other").ok());
    pub = dir.path() / "signer.pub";
    other_pub = dir.path() / "other.pub";
    fs::create_directories(dir.path() / "out");
    BuildOptions o{dir.path() / "def", dir.path() / "out", compression, 0,
                   dir.path() / "signer.key"};
    auto r = build(o);
    REQUIRE_MESSAGE(r.ok(), r.error().describe());
    package = r->package;
  }
};

VerifyOptions with_key(const fs::path& key) {
  VerifyOptions o;
  o.public_key = key;
  o.require_checksum = true;
  return o;
}

} // namespace

TEST_SUITE("package::build") {
  TEST_CASE("builds an ACP-named package with package.yaml first, a .sha256 and a .sig") {
    Built b;
    CHECK(b.package.filename() == "demo.amd64.v1.2.3.tgz");
    CHECK(fs::exists(b.package.string() + ".sha256"));
    CHECK(fs::file_size(b.package.string() + ".sig") == 64);
    auto opened = open_package(b.package);
    REQUIRE(opened.ok());
    CHECK(opened->compression == "gzip");
    const auto& m = opened->manifest;
    REQUIRE(m.components.size() == 2);
    CHECK(m.components[0].files.size() == 2);
    CHECK(m.components[0].files[1].symlink == "tool");
    CHECK(m.components[0].files[0].mode == 0755);
    CHECK(m.components[1].files.at(0).path == "etc/tool.conf");
    CHECK(m.components[0].service->restart == "on-failure");
  }

  TEST_CASE("zstd packages are named .tzst and verify") {
    Built b(Compression::zstd);
    CHECK(b.package.filename() == "demo.amd64.v1.2.3.tzst");
    auto r = verify(b.package, with_key(b.pub));
    REQUIRE_MESSAGE(r.ok(), r.error().describe());
    CHECK(r->compression_used == "zstd");
  }

  TEST_CASE("show reads only the manifest: it works on the first 256 KiB of a 4 MiB package") {
    util::TempDir dir;
    test::write_definition(dir.path() / "def");
    std::string noise(4 << 20, '\0');
    std::uint32_t x = 2463534242u;
    for (auto& c : noise) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      c = static_cast<char>(x);
    }
    REQUIRE(util::write_file_atomic(dir.path() / "def" / "etc" / "noise.bin", noise).ok());
    auto built = build(BuildOptions{dir.path() / "def", dir.path() / "p.tgz", {}, 0, {}});
    REQUIRE(built.ok());
    const auto bytes = *util::read_file(built->package);
    REQUIRE(bytes.size() > (1 << 20));
    REQUIRE(util::write_file_atomic(dir.path() / "head.tgz", bytes.substr(0, 256 << 10)).ok());
    auto opened = open_package(dir.path() / "head.tgz");
    REQUIRE_MESSAGE(opened.ok(), opened.error().describe());
    CHECK(opened->manifest.name == "demo");
    CHECK_FALSE(verify(dir.path() / "head.tgz", VerifyOptions{}).ok());
  }

  TEST_CASE("a definition naming a missing file fails and names it") {
    util::TempDir dir;
    test::write_definition(dir.path() / "def");
    fs::remove(dir.path() / "def" / "bin" / "tool");
    auto r = build(BuildOptions{dir.path() / "def", dir.path() / "p.tgz", {}, 0, {}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("bin/tool") != std::string::npos);
    CHECK_FALSE(fs::exists(dir.path() / "p.tgz"));
  }
}

TEST_SUITE("package::verify") {
  TEST_CASE("a signed package verifies with its key and fails with another") {
    Built b;
    auto ok = verify(b.package, with_key(b.pub));
    REQUIRE_MESSAGE(ok.ok(), ok.error().describe());
    CHECK(ok->signature_checked);
    CHECK(ok->checksum_checked);
    CHECK(ok->entries == 3);
    auto wrong = verify(b.package, with_key(b.other_pub));
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().code() == Errc::verify);
    CHECK(wrong.error().message().find("signature") != std::string::npos);
  }

  TEST_CASE("changing any single byte of the package makes verify fail") {
    Built b;
    const auto original = *util::read_file(b.package);
    int failures = 0;
    for (std::size_t i = 0; i < original.size(); ++i) {
      auto changed = original;
      changed[i] = static_cast<char>(changed[i] ^ 0x01);
      REQUIRE(util::write_file_atomic(b.package, changed).ok());
      if (!verify(b.package, with_key(b.pub)).ok())
        ++failures;
      else
        FAIL_CHECK("byte ", i, " changed and verify still passed");
    }
    CHECK(failures == static_cast<int>(original.size()));
  }

  TEST_CASE("a changed manifest fails the signature even with a recomputed .sha256") {
    Built b;
    auto opened = open_package(b.package);
    REQUIRE(opened.ok());
    auto m = opened->manifest;
    m.version = "9.9.9";
    std::vector<test::CraftEntry> entries{{"package.yaml", emit_manifest(m)}};
    const auto def = b.dir.path() / "def";
    entries.push_back({"bin/tool", *util::read_file(def / "bin" / "tool"), 0100000, 0755});
    entries.push_back({"bin/tool-alias", "", 0120000, 0777, "tool"});
    entries.push_back({"etc/tool.conf", *util::read_file(def / "etc" / "tool.conf")});
    test::write_archive(b.package, entries);
    REQUIRE(util::write_file_atomic(b.package.string() + ".sha256",
                                    *util::sha256_file(b.package) + "  x\n")
                .ok());
    auto unsigned_ok = verify(b.package, VerifyOptions{});
    CHECK(unsigned_ok.ok());
    auto r = verify(b.package, with_key(b.pub));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("signature") != std::string::npos);
  }

  TEST_CASE("a file whose content differs from the manifest is named") {
    util::TempDir dir;
    auto m = test::manifest_for({{"a.txt", "hello"}});
    auto entries = test::entries_for(m, {{"a.txt", "HELLO"}});
    test::write_archive(dir.path() / "p.tgz", entries);
    auto r = verify(dir.path() / "p.tgz", VerifyOptions{});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == Errc::verify);
    CHECK(r.error().message().find("\"a.txt\"") != std::string::npos);
    CHECK(r.error().message().find("sha256") != std::string::npos);
  }

  TEST_CASE("a file missing from the archive is named") {
    util::TempDir dir;
    auto m = test::manifest_for({{"a.txt", "a"}, {"b.txt", "b"}});
    test::write_archive(dir.path() / "p.tgz", test::entries_for(m, {{"a.txt", "a"}}));
    auto r = verify(dir.path() / "p.tgz", VerifyOptions{});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("\"b.txt\"") != std::string::npos);
  }

  TEST_CASE("an archive whose first entry is not package.yaml is not a package") {
    util::TempDir dir;
    test::write_archive(dir.path() / "p.tgz", {{"a.txt", "a"}});
    auto r = verify(dir.path() / "p.tgz", VerifyOptions{});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("first entry") != std::string::npos);
    CHECK_FALSE(open_package(dir.path() / "p.tgz").ok());
  }
}
