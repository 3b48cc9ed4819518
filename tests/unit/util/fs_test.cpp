#include "acpctl/util/fs.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace {

// Bytes this process has read through read(2) so far (the rchar line of /proc/self/io).
long long bytes_read_so_far() {
  std::ifstream io("/proc/self/io");
  std::string key;
  long long value = 0;
  while (io >> key >> value)
    if (key == "rchar:")
      return value;
  return -1;
}

} // namespace

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

  TEST_CASE("read_file stops one byte past the limit instead of reading a large file whole") {
    TempDir dir;
    const auto path = dir.path() / "big.yaml";
    REQUIRE(write_file_atomic(path, std::string(std::size_t{8} << 20, 'a')).ok());
    const auto before = bytes_read_so_far();
    auto text = read_file(path, std::size_t{1} << 20);
    const auto after = bytes_read_so_far();
    REQUIRE_FALSE(text.ok());
    CHECK(text.error().code() == acp::Errc::invalid_input);
    CHECK(text.error().message().find("big.yaml: larger than 1.0 MiB") != std::string::npos);
    REQUIRE(before >= 0);
    CHECK(after - before <= (1 << 20) + 4096); // the limit, one byte, and /proc/self/io itself
  }

  TEST_CASE("read_file reads a file of exactly the limit") {
    TempDir dir;
    const auto path = dir.path() / "key.pem";
    REQUIRE(write_file_atomic(path, std::string(100, 'k')).ok());
    CHECK(read_file(path, 100).take() == std::string(100, 'k'));
    CHECK_FALSE(read_file(path, 99).ok());
  }

  TEST_CASE("read_file refuses a FIFO at once instead of waiting for a writer") {
    TempDir dir;
    const auto path = dir.path() / "cluster.yaml";
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    auto text = read_file(path);
    REQUIRE_FALSE(text.ok());
    CHECK(text.error().code() == acp::Errc::invalid_input);
    CHECK(text.error().message() == path.string() + ": not a regular file (a FIFO)");
    CHECK(text.error().hint().find("give the path of a regular file") != std::string::npos);
  }

  TEST_CASE("read_file refuses a device and a directory") {
    auto device = read_file("/dev/zero");
    REQUIRE_FALSE(device.ok());
    CHECK(device.error().message() == "/dev/zero: not a regular file (a character device)");
    TempDir dir;
    auto directory = read_file(dir.path());
    REQUIRE_FALSE(directory.ok());
    CHECK(directory.error().message().ends_with("not a regular file (a directory)"));
  }

  TEST_CASE("read_file of a missing file is an io error naming it") {
    TempDir dir;
    auto text = read_file(dir.path() / "nope.yaml");
    REQUIRE_FALSE(text.ok());
    CHECK(text.error().code() == acp::Errc::io);
    CHECK(text.error().message().find("cannot open") != std::string::npos);
    CHECK(text.error().message().find("nope.yaml") != std::string::npos);
  }

  TEST_CASE("open_regular_file gives a blocking descriptor for a regular file") {
    TempDir dir;
    const auto path = dir.path() / "package.tgz";
    REQUIRE(write_file_atomic(path, "x").ok());
    const int fd = open_regular_file(path).take();
    CHECK((::fcntl(fd, F_GETFL) & O_NONBLOCK) == 0);
    ::close(fd);
  }
}
