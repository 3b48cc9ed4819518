#include "acpctl/util/fs.hpp"

#include <doctest/doctest.h>
#include <filesystem>

using namespace acp::util;
namespace fs = std::filesystem;

TEST_SUITE("util::fs") {
  TEST_CASE("atomic write replaces the file and leaves no temporary behind") {
    TempDir dir;
    const auto path = dir.path() / "state.json";
    REQUIRE(write_file_atomic(path, "old").ok());
    REQUIRE(write_file_atomic(path, "new", fs::perms(0600)).ok());
    CHECK(*read_file(path) == "new");
    CHECK((fs::status(path).permissions() & fs::perms::all) == fs::perms(0600));
    int entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path()))
      ++entries;
    CHECK(entries == 1);
  }

  TEST_CASE("atomic write into a missing directory fails and says where") {
    TempDir dir;
    auto status = write_file_atomic(dir.path() / "no" / "such" / "file", "x");
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code() == acp::Errc::io);
    CHECK(status.error().message().find("no/such") != std::string::npos);
  }

  TEST_CASE("temp dir is removed unless kept") {
    fs::path kept;
    fs::path removed;
    {
      TempDir a;
      TempDir b;
      removed = a.path();
      kept = b.path();
      b.keep();
    }
    CHECK_FALSE(fs::exists(removed));
    CHECK(fs::exists(kept));
    fs::remove_all(kept);
  }
}
