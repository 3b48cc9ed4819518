#include "acpctl/transport/local.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"

#include <doctest/doctest.h>
#include <sstream>
#include <sys/stat.h>

using namespace acp;
using namespace acp::transport;
namespace fs = std::filesystem;

namespace {
int entries_in(const fs::path& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir))
    ++n;
  return n;
}
} // namespace

TEST_SUITE("transport::LocalTransport") {
  TEST_CASE("runs an argument vector without a shell and returns code, stdout and stderr") {
    auto t = make_local_transport();
    Command c;
    c.argv = {"sh", "-c", "echo \"$1\"; echo oops >&2; exit 4", "sh", "a b; $(true)"};
    std::vector<std::string> lines;
    c.on_line = [&](Stream s, std::string_view l) {
      lines.push_back((s == Stream::out ? "out:" : "err:") + std::string(l));
    };
    auto r = t->run(c);
    REQUIRE(r.ok());
    CHECK(r->exit_code == 4);
    CHECK(r->out == "a b; $(true)\n");
    CHECK(r->err == "oops\n");
    CHECK(lines.size() == 2);
  }

  TEST_CASE("passes environment and stdin") {
    auto t = make_local_transport();
    std::istringstream in("from stdin");
    Command c;
    c.argv = {"sh", "-c", "printf '%s:' \"$GREETING\"; cat"};
    c.env = {{"GREETING", "hello world"}};
    c.stdin_stream = &in;
    auto r = t->run(c);
    REQUIRE(r.ok());
    CHECK(r->out == "hello world:from stdin");
  }

  TEST_CASE("stops a command at its timeout") {
    auto t = make_local_transport();
    Command c;
    c.argv = {"sleep", "5"};
    c.timeout = std::chrono::milliseconds(200);
    auto r = t->run(c);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == Errc::timeout);
  }

  TEST_CASE("uploads atomically with mode, leaves no temporary file, and skips equal content") {
    util::TempDir dir;
    auto t = make_local_transport();
    const auto target = (dir.path() / "conf").string();
    std::istringstream first("version 1\n");
    auto r1 = t->upload(first, target, FileSpec{0640, {}, false});
    REQUIRE(r1.ok());
    CHECK_FALSE(r1->skipped);
    CHECK(r1->sha256 == util::sha256_hex("version 1\n"));
    CHECK(util::read_file(target).take() == "version 1\n");
    struct stat st {};
    REQUIRE(::stat(target.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
    const auto inode = st.st_ino;
    std::istringstream same("version 1\n");
    auto r2 = t->upload(same, target, FileSpec{0640, {}, false});
    REQUIRE(r2.ok());
    CHECK(r2->skipped);
    REQUIRE(::stat(target.c_str(), &st) == 0);
    CHECK(st.st_ino == inode); // untouched
    std::istringstream changed("version 2\n");
    REQUIRE(t->upload(changed, target, FileSpec{}).ok());
    CHECK(util::read_file(target).take() == "version 2\n");
    CHECK(entries_in(dir.path()) == 1);
  }

  TEST_CASE("a failed upload leaves the target as it was") {
    util::TempDir dir;
    auto t = make_local_transport();
    const auto target = (dir.path() / "conf").string();
    util::write_file_atomic(target, "old").take();
    std::istringstream data("new");
    auto r = t->upload(data, target, FileSpec{0644, "no-such-user-acpctl", false});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("no-such-user-acpctl") != std::string::npos);
    CHECK(util::read_file(target).take() == "old");
    CHECK(entries_in(dir.path()) == 1);
  }

  TEST_CASE("downloads a file and names a missing one") {
    util::TempDir dir;
    auto t = make_local_transport();
    util::write_file_atomic(dir.path() / "src", "payload").take();
    REQUIRE(t->download((dir.path() / "src").string(), dir.path() / "dst").ok());
    CHECK(util::read_file(dir.path() / "dst").take() == "payload");
    auto missing = t->download((dir.path() / "nope").string(), dir.path() / "dst2");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().message().find("nope") != std::string::npos);
  }
}
