// The node-side remove_tree script, run locally with sh in a scratch directory.

#include "../service/run_local.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/shell.hpp"

#include <doctest/doctest.h>
#include <filesystem>

using namespace acp;
namespace fs = std::filesystem;

namespace {

test_support::Ran remove(const fs::path& root, const std::vector<std::string>& paths) {
  return test_support::run_local(util::shell_join(util::remove_tree_argv(root.string(), paths)));
}

// root/owned/a/file, root/other/keep, and root/owned/escape -> ../other
struct Layout {
  util::TempDir dir{"remove-tree"};
  fs::path owned = dir.path() / "owned";
  fs::path other = dir.path() / "other";
  Layout() {
    fs::create_directories(owned / "a");
    fs::create_directories(other);
    (void)util::write_file_atomic(owned / "a" / "file", "x");
    (void)util::write_file_atomic(other / "keep", "x");
    fs::create_directory_symlink("../other", owned / "escape");
  }
};

} // namespace

TEST_SUITE("util::remove_tree") {
  TEST_CASE("the argv is sh -c with the fixed script, the root, then the paths") {
    const std::vector<std::string> paths{"/opt/acp/components/x", "-rf"};
    const auto argv = util::remove_tree_argv("/opt/acp/components", paths);
    REQUIRE(argv.size() == 7);
    CHECK(argv[0] == "sh");
    CHECK(argv[1] == "-c");
    CHECK(argv[2] == util::k_remove_tree_script);
    CHECK(argv[4] == "/opt/acp/components");
    CHECK(argv[6] == "-rf");
  }

  TEST_CASE("removes a path below the root") {
    Layout l;
    const auto ran = remove(l.owned, {(l.owned / "a").string()});
    CHECK(ran.exit_code == 0);
    CHECK_FALSE(fs::exists(l.owned / "a"));
    CHECK(fs::exists(l.other / "keep"));
  }

  TEST_CASE("refuses a path that leaves the root through .., removing nothing") {
    Layout l;
    const auto bad = (l.owned / "a" / ".." / ".." / "other").string();
    const auto ran = remove(l.owned, {(l.owned / "a").string(), bad});
    CHECK(ran.exit_code == 3);
    CHECK(ran.output.find("refusing to remove " + bad) != std::string::npos);
    CHECK(ran.output.find("not below " + l.owned.string()) != std::string::npos);
    CHECK(fs::exists(l.owned / "a" / "file"));
    CHECK(fs::exists(l.other / "keep"));
  }

  TEST_CASE("refuses a path whose symlink points outside the root") {
    Layout l;
    const auto ran = remove(l.owned, {(l.owned / "escape").string()});
    CHECK(ran.exit_code == 3);
    CHECK(ran.output.find(l.other.string()) != std::string::npos);
    CHECK(fs::exists(l.other / "keep"));
    CHECK(fs::is_symlink(l.owned / "escape"));
  }

  TEST_CASE("refuses the root itself, a sibling with the root as prefix, and /") {
    Layout l;
    fs::create_directories(l.dir.path() / "owned2");
    CHECK(remove(l.owned, {l.owned.string()}).exit_code == 3);
    CHECK(remove(l.owned, {l.owned.string() + "/."}).exit_code == 3);
    CHECK(remove(l.owned, {(l.dir.path() / "owned2").string()}).exit_code == 3);
    CHECK(remove("/", {l.owned.string()}).exit_code == 3);
    CHECK(fs::exists(l.owned / "a" / "file"));
    CHECK(fs::exists(l.dir.path() / "owned2"));
  }

  TEST_CASE("a path that starts with - is an operand, not an option") {
    Layout l;
    const auto ran = remove(l.owned, {"-rf"});
    CHECK(ran.exit_code == 3);
    CHECK(fs::exists(l.owned / "a" / "file"));
  }
}
