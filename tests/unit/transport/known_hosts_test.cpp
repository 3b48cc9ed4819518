// known_hosts against keys made by ssh-keygen at run time (no private keys in git).

#include "acpctl/util/fs.hpp"
#include "acpctl/util/strings.hpp"
#include "transport/known_hosts.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

using namespace acp;
using namespace acp::transport::detail;
namespace fs = std::filesystem;

namespace {

struct Key {
  std::string type;
  std::string base64;
  std::string blob;
  std::string line; ///< "type base64"
};

Key make_key(const fs::path& dir, const std::string& name, const std::string& type) {
  const auto path = dir / name;
  const std::string cmd =
      fmt::format("ssh-keygen -q -t {} -N '' -C '' -f '{}'", type, path.string());
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::istringstream pub(util::read_file(path.string() + ".pub").take());
  Key k;
  pub >> k.type >> k.base64;
  k.blob = base64_decode(k.base64);
  k.line = k.type + " " + k.base64;
  return k;
}

std::string ssh_keygen_fingerprint(const fs::path& pub) {
  const auto out = pub.string() + ".fp";
  REQUIRE(std::system(
              fmt::format("ssh-keygen -l -E sha256 -f '{}' > '{}'", pub.string(), out).c_str()) ==
          0);
  std::istringstream in(util::read_file(out).take());
  std::string bits, fp;
  in >> bits >> fp;
  return fp;
}

} // namespace

TEST_SUITE("transport::known_hosts") {
  TEST_CASE("fingerprints match ssh-keygen's") {
    util::TempDir dir;
    const auto key = make_key(dir.path(), "k", "ed25519");
    CHECK(fingerprint(key.blob) == ssh_keygen_fingerprint(dir.path() / "k.pub"));
  }

  TEST_CASE("matches plain, [host]:port, wildcard and hashed entries") {
    util::TempDir dir;
    const auto ed = make_key(dir.path(), "ed", "ed25519");
    const auto ec = make_key(dir.path(), "ec", "ecdsa");
    const auto file = dir.path() / "known_hosts";
    util::write_file_atomic(file, "# comment\n\n10.88.0.11 " + ed.line + "\n[10.88.0.12]:2222 " +
                                      ed.line + "\n10.88.1.* " + ec.line + "\n" + "10.88.2.5 " +
                                      ec.line + "\n")
        .take();
    // Hash the last entry in place, as HashKnownHosts does.
    REQUIRE(std::system(
                fmt::format("ssh-keygen -q -H -f '{}' >/dev/null 2>&1", file.string()).c_str()) ==
            0);
    auto known = KnownHosts::load(file).take();
    CHECK(known.check("10.88.0.11", 22, ed.type, ed.blob).kind == KnownHosts::Verdict::match);
    CHECK(known.check("10.88.0.12", 2222, ed.type, ed.blob).kind == KnownHosts::Verdict::match);
    CHECK(known.check("10.88.0.12", 22, ed.type, ed.blob).kind == KnownHosts::Verdict::unknown);
    CHECK(known.check("10.88.1.40", 22, ec.type, ec.blob).kind == KnownHosts::Verdict::match);
    CHECK(known.check("10.88.2.5", 22, ec.type, ec.blob).kind == KnownHosts::Verdict::match);
    CHECK(known.check("10.88.2.6", 22, ec.type, ec.blob).kind == KnownHosts::Verdict::unknown);
    const auto text = util::read_file(file).take();
    CHECK(text.find("10.88.2.5") == std::string::npos); // it really was hashed
  }

  TEST_CASE("a changed key is refused with both fingerprints and the line to remove") {
    util::TempDir dir;
    const auto old_key = make_key(dir.path(), "old", "ed25519");
    const auto new_key = make_key(dir.path(), "new", "ed25519");
    const auto file = dir.path() / "known_hosts";
    util::write_file_atomic(file, "10.88.0.99 " + new_key.line + "\n# n1\n10.88.0.11 " +
                                      old_key.line + "\n")
        .take();
    auto known = KnownHosts::load(file).take();
    for (auto policy : {config::HostKeyPolicy::strict, config::HostKeyPolicy::accept_new}) {
      auto st = verify_host_key(known, policy, "n1", "10.88.0.11", 22, new_key.type, new_key.blob);
      REQUIRE_FALSE(st.ok());
      const auto& e = st.error();
      CHECK(e.code() == Errc::auth);
      CHECK(e.host() == "n1");
      CHECK(e.message().find("host key for n1 (10.88.0.11) has changed") != std::string::npos);
      CHECK(e.message().find("known ssh-ed25519 " + fingerprint(old_key.blob)) !=
            std::string::npos);
      CHECK(e.message().find("offered ssh-ed25519 " + fingerprint(new_key.blob)) !=
            std::string::npos);
      CHECK(e.hint().find("remove line 3 of " + file.string()) != std::string::npos);
      CHECK(e.hint().find("ssh-keygen -R '10.88.0.11' -f " + file.string()) != std::string::npos);
    }
  }

  TEST_CASE("strict refuses an unknown host; accept-new records it and then matches") {
    util::TempDir dir;
    const auto key = make_key(dir.path(), "k", "ecdsa");
    const auto file = dir.path() / "sub" / "known_hosts";
    auto known = KnownHosts::load(file).take();
    auto strict = verify_host_key(known, config::HostKeyPolicy::strict, "n2", "10.88.0.12", 2222,
                                  key.type, key.blob);
    REQUIRE_FALSE(strict.ok());
    CHECK(strict.error().message().find("is not known") != std::string::npos);
    CHECK(strict.error().hint().find("ssh-keyscan -p 2222 10.88.0.12") != std::string::npos);
    CHECK_FALSE(fs::exists(file));
    REQUIRE(verify_host_key(known, config::HostKeyPolicy::accept_new, "n2", "10.88.0.12", 2222,
                            key.type, key.blob)
                .ok());
    auto reread = KnownHosts::load(file).take();
    CHECK(reread.check("10.88.0.12", 2222, key.type, key.blob).kind == KnownHosts::Verdict::match);
    CHECK(util::read_file(file).take() == "[10.88.0.12]:2222 " + key.line + "\n");
    // ssh itself accepts what we wrote.
    CHECK(std::system(
              fmt::format("ssh-keygen -F '[10.88.0.12]:2222' -f '{}' >/dev/null", file.string())
                  .c_str()) == 0);
  }

  TEST_CASE("off accepts any key") {
    util::TempDir dir;
    const auto key = make_key(dir.path(), "k", "ed25519");
    auto known = KnownHosts::load(dir.path() / "none").take();
    CHECK(verify_host_key(known, config::HostKeyPolicy::off, "n1", "10.88.0.11", 22, key.type,
                          key.blob)
              .ok());
    CHECK_FALSE(fs::exists(dir.path() / "none"));
  }

  TEST_CASE("negated patterns exclude a host") {
    CHECK(host_field_matches("10.88.0.*,!10.88.0.13", "10.88.0.12", 22));
    CHECK_FALSE(host_field_matches("10.88.0.*,!10.88.0.13", "10.88.0.13", 22));
    CHECK(host_field_matches("n?", "N1", 22));
  }
}
