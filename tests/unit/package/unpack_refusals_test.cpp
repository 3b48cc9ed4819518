#include "acpctl/package/build.hpp"
#include "acpctl/package/sign.hpp"
#include "acpctl/package/verify.hpp"
#include "acpctl/util/fs.hpp"
#include "craft.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <sys/stat.h>

using namespace acp;
using namespace acp::package;
namespace fs = std::filesystem;

namespace {

constexpr unsigned k_reg = 0100000;
constexpr unsigned k_lnk = 0120000;
constexpr unsigned k_chr = 0020000;
constexpr unsigned k_fifo = 0010000;

// Unpacks `entries` into scratch/out and expects a refusal naming `entry`; checks that out
// does not exist afterwards and that no temporary directory was left beside it.
void expect_refusal(const std::vector<test::CraftEntry>& entries, const std::string& entry,
                    const std::string& why, UnpackOptions options = {}) {
  util::TempDir dir;
  const auto package = dir.path() / "p.tgz";
  test::write_archive(package, entries);
  const auto out = dir.path() / "out";
  auto r = unpack(package, out, options);
  REQUIRE_FALSE(r.ok());
  INFO(r.error().describe());
  CHECK(r.error().message().find("\"" + entry + "\"") != std::string::npos);
  CHECK(r.error().message().find(why) != std::string::npos);
  CHECK_FALSE(fs::exists(out));
  CHECK(test::names_in(dir.path()) == std::vector<std::string>{"p.tgz"});
}

} // namespace

TEST_SUITE("package::unpack") {
  TEST_CASE("unpacks a built package with modes and symlinks, only after verifying") {
    util::TempDir dir;
    test::write_definition(dir.path() / "def");
    auto built = build(BuildOptions{dir.path() / "def", dir.path() / "p.tgz", {}, 0, {}});
    REQUIRE(built.ok());
    auto r = unpack(built->package, dir.path() / "out", UnpackOptions{});
    REQUIRE_MESSAGE(r.ok(), r.error().describe());
    CHECK(r->checksum_checked);
    CHECK(*util::read_file(dir.path() / "out" / "bin" / "tool") == "#!/bin/sh\necho tool 1.2.3\n");
    CHECK((fs::status(dir.path() / "out" / "bin" / "tool").permissions() & fs::perms::all) ==
          fs::perms(0755));
    CHECK(fs::read_symlink(dir.path() / "out" / "bin" / "tool-alias") == "tool");
    CHECK(fs::exists(dir.path() / "out" / "package.yaml"));
  }

  TEST_CASE("--component writes only that component's files") {
    util::TempDir dir;
    test::write_definition(dir.path() / "def");
    auto built = build(BuildOptions{dir.path() / "def", dir.path() / "p.tgz", {}, 0, {}});
    REQUIRE(built.ok());
    UnpackOptions o;
    o.components = {"config"};
    auto r = unpack(built->package, dir.path() / "out", o);
    REQUIRE_MESSAGE(r.ok(), r.error().describe());
    CHECK(fs::exists(dir.path() / "out" / "etc" / "tool.conf"));
    CHECK_FALSE(fs::exists(dir.path() / "out" / "bin"));
    o.components = {"nope"};
    CHECK_FALSE(unpack(built->package, dir.path() / "out2", o).ok());
  }

  TEST_CASE("refuses to unpack into a directory that is not empty, and leaves it alone") {
    util::TempDir dir;
    auto m = test::manifest_for({{"a.txt", "a"}});
    test::write_archive(dir.path() / "p.tgz", test::entries_for(m, {{"a.txt", "a"}}));
    fs::create_directories(dir.path() / "out");
    REQUIRE(util::write_file_atomic(dir.path() / "out" / "keep", "mine").ok());
    CHECK_FALSE(unpack(dir.path() / "p.tgz", dir.path() / "out", UnpackOptions{}).ok());
    CHECK(*util::read_file(dir.path() / "out" / "keep") == "mine");
  }

  TEST_CASE("refuses an entry that is not in the manifest") {
    auto m = test::manifest_for({{"a.txt", "a"}});
    auto e = test::entries_for(m, {{"a.txt", "a"}, {"extra.sh", "rm -rf /"}});
    expect_refusal(e, "extra.sh", "not in the manifest");
  }

  TEST_CASE("refuses an absolute path") {
    auto m = test::manifest_for({{"a.txt", "a"}});
    auto e = test::entries_for(m, {{"/tmp/acpctl-evil", "x"}, {"a.txt", "a"}});
    expect_refusal(e, "/tmp/acpctl-evil", "absolute path");
  }

  TEST_CASE("refuses an entry with .. in its path") {
    auto m = test::manifest_for({{"a.txt", "a"}});
    auto e = test::entries_for(m, {{"a/../../evil", "x"}, {"a.txt", "a"}});
    expect_refusal(e, "a/../../evil", "\"..\"");
  }

  TEST_CASE("refuses a symlink that points outside DIR") {
    auto m = test::manifest_for({{"a.txt", "a"}});
    m.components[0].files.push_back(FileEntry{"link", 0, 0, {}, "a.txt"});
    auto e = test::entries_for(m, {{"a.txt", "a"}});
    e.push_back({"link", "", k_lnk, 0777, "../../../etc/passwd"});
    expect_refusal(e, "link", "points to \"../../../etc/passwd\"");
    // Not declared at all:
    auto m2 = test::manifest_for({{"a.txt", "a"}});
    auto e2 = test::entries_for(m2, {{"a.txt", "a"}});
    e2.push_back({"evil", "", k_lnk, 0777, "/etc"});
    expect_refusal(e2, "evil", "not in the manifest");
  }

  TEST_CASE("refuses a hard link that points outside DIR") {
    auto m = test::manifest_for({{"a.txt", "a"}});
    auto e = test::entries_for(m, {{"a.txt", "a"}});
    e.push_back({"shadow", "", k_reg, 0644, "/etc/shadow", true});
    expect_refusal(e, "shadow", "hard link");
  }

  TEST_CASE("refuses device nodes and FIFOs") {
    auto m = test::manifest_for({{"a.txt", "a"}});
    auto e = test::entries_for(m, {{"a.txt", "a"}});
    e.push_back({"dev/sda", "", k_chr, 0600});
    expect_refusal(e, "dev/sda", "character device");
    auto f = test::entries_for(m, {{"a.txt", "a"}});
    f.push_back({"pipe", "", k_fifo, 0600});
    expect_refusal(f, "pipe", "FIFO");
  }

  TEST_CASE("refuses setuid and setgid bits") {
    auto m = test::manifest_for({{"a.txt", "a"}});
    auto e = test::entries_for(m, {});
    e.push_back({"a.txt", "a", k_reg, 04755});
    expect_refusal(e, "a.txt", "setuid");
    auto g = test::entries_for(m, {});
    g.push_back({"a.txt", "a", k_reg, 02755});
    expect_refusal(g, "a.txt", "setgid");
  }

  TEST_CASE("refuses a duplicate entry") {
    auto m = test::manifest_for({{"a.txt", "a"}});
    auto e = test::entries_for(m, {{"a.txt", "a"}, {"a.txt", "a"}});
    expect_refusal(e, "a.txt", "twice");
  }

  TEST_CASE("refuses an entry larger than its manifest size") {
    auto m = test::manifest_for({{"a.txt", "small"}});
    auto e = test::entries_for(m, {{"a.txt", std::string(1 << 20, 'x')}});
    expect_refusal(e, "a.txt", "larger than the manifest");
  }

  TEST_CASE("refuses a package whose total is beyond the limit") {
    auto m = test::manifest_for({{"a.txt", "a"}, {"big.bin", std::string(4096, 'z')}});
    auto e = test::entries_for(m, {{"a.txt", "a"}, {"big.bin", std::string(4096, 'z')}});
    UnpackOptions o;
    o.max_total = 1024;
    expect_refusal(e, "big.bin", "beyond the limit", o);
  }

  TEST_CASE("refuses a truncated archive") {
    util::TempDir dir;
    std::string big;
    for (int i = 0; i < 200000; ++i)
      big += std::to_string(i * 7919 % 104729) + ",";
    auto m = test::manifest_for({{"data.csv", big}});
    test::write_archive(dir.path() / "full.tgz", test::entries_for(m, {{"data.csv", big}}));
    const auto bytes = *util::read_file(dir.path() / "full.tgz");
    REQUIRE(util::write_file_atomic(dir.path() / "p.tgz", bytes.substr(0, bytes.size() / 2)).ok());
    fs::remove(dir.path() / "full.tgz");
    auto r = unpack(dir.path() / "p.tgz", dir.path() / "out", UnpackOptions{});
    REQUIRE_FALSE(r.ok());
    INFO(r.error().describe());
    CHECK(r.error().message().find("\"data.csv\"") != std::string::npos);
    CHECK_FALSE(fs::exists(dir.path() / "out"));
    CHECK(test::names_in(dir.path()) == std::vector<std::string>{"p.tgz"});
  }
}
