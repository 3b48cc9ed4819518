// The script SshTransport::upload_texts runs on the node, run here by the local transport
// (sh, coreutils, openssl as on a node): several files in one command, each atomic.

#include "acpctl/transport/local.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"
#include "transport/ssh_transport.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <iterator>
#include <sstream>
#include <sys/stat.h>

using namespace acp;
using namespace acp::transport;
namespace fs = std::filesystem;

namespace {

struct Batch {
  std::vector<std::string> args;
  std::string stream;
  void add(const fs::path& target, const std::string& content, const std::string& mode,
           const std::string& sha = "") {
    args.insert(args.end(),
                {target.string(), temp_path_for(target.string()), std::to_string(content.size()),
                 sha.empty() ? util::sha256_hex(content) : sha, mode, ""});
    stream += content;
  }
  CommandResult run() {
    auto t = make_local_transport();
    std::istringstream in(stream);
    Command c;
    c.argv = {"sh", "-c", detail::k_write_texts, "acpctl-upload"};
    c.argv.insert(c.argv.end(), args.begin(), args.end());
    c.stdin_stream = &in;
    return t->run(c).take();
  }
};

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

long entries_in(const fs::path& dir) {
  return std::distance(fs::directory_iterator(dir), fs::directory_iterator{});
}

} // namespace

TEST_SUITE("transport::upload_texts script") {
  TEST_CASE("writes every file with its mode, then skips the identical ones") {
    util::TempDir dir("acpctl-texts");
    const auto a = dir.path() / "a.conf";
    const auto key = dir.path() / "server.key";
    const auto empty = dir.path() / "empty";
    Batch first;
    first.add(a, "name: a\n", "0644");
    first.add(key, std::string(3000, 'k') + "\n", "0600");
    first.add(empty, "", "0644");
    const auto r = first.run();
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out ==
          "wrote " + a.string() + "\nwrote " + key.string() + "\nwrote " + empty.string() + "\n");
    CHECK(util::read_file(a).take() == "name: a\n");
    CHECK(util::read_file(key).take().size() == 3001);
    CHECK(mode_of(key) == 0600);
    CHECK(mode_of(a) == 0644);
    CHECK(entries_in(dir.path()) == 3); // no temporary file left

    Batch again; // a.conf unchanged (mode fixed), server.key changed
    REQUIRE(::chmod(a.c_str(), 0600) == 0);
    again.add(a, "name: a\n", "0644");
    again.add(key, "new key\n", "0600");
    const auto r2 = again.run();
    REQUIRE_MESSAGE(r2.exit_code == 0, r2.err);
    CHECK(r2.out == "skip " + a.string() + "\nwrote " + key.string() + "\n");
    CHECK(mode_of(a) == 0644);
    CHECK(util::read_file(key).take() == "new key\n");
  }

  TEST_CASE("a file whose bytes do not match its sha256 stops the batch; its target is kept") {
    util::TempDir dir("acpctl-texts");
    const auto a = dir.path() / "a";
    const auto b = dir.path() / "b";
    const auto c = dir.path() / "c";
    REQUIRE(util::write_file_atomic(b, "old b\n").ok());
    Batch batch;
    batch.add(a, "fine\n", "0644");
    batch.add(b, "new b\n", "0644", util::sha256_hex("something else"));
    batch.add(c, "never\n", "0644");
    const auto r = batch.run();
    CHECK(r.exit_code == 4);
    CHECK(r.err.find(b.string() + ": the node wrote sha256 ") != std::string::npos);
    CHECK(util::read_file(a).take() == "fine\n");
    CHECK(util::read_file(b).take() == "old b\n");
    CHECK_FALSE(fs::exists(c));
    CHECK(entries_in(dir.path()) == 2);
  }
}
