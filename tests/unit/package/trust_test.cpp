#include "acpctl/package/build.hpp"
#include "acpctl/package/sign.hpp"
#include "acpctl/package/trust.hpp"
#include "acpctl/util/fs.hpp"
#include "craft.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>

using namespace acp;
using namespace acp::package;
namespace fs = std::filesystem;

namespace {

// A signed package, the signer's and another key pair, and an empty trusted-keys dir.
struct Signed {
  util::TempDir dir;
  fs::path package;
  fs::path pub;
  fs::path other_pub;
  fs::path keys;

  Signed() {
    test::write_definition(dir.path() / "def");
    REQUIRE(generate_key_pair(dir.path() / "signer").ok());
    REQUIRE(generate_key_pair(dir.path() / "other").ok());
    pub = dir.path() / "signer.pub";
    other_pub = dir.path() / "other.pub";
    keys = dir.path() / "cluster" / "trusted-keys";
    fs::create_directories(dir.path() / "out");
    auto r =
        build({dir.path() / "def", dir.path() / "out", std::nullopt, 0, dir.path() / "signer.key"});
    REQUIRE_MESSAGE(r.ok(), r.error().describe());
    package = r->package;
  }
  TrustOptions with(std::optional<fs::path> key) const { return {std::move(key), keys, false, ""}; }
  void write_sig(const std::string& bytes) const {
    std::ofstream(package.string() + ".sig", std::ios::binary | std::ios::trunc) << bytes;
  }
};

std::size_t recorded(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return 0;
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(dir), fs::directory_iterator{}));
}

} // namespace

TEST_SUITE("package::trust") {
  TEST_CASE("fingerprints look like OpenSSH's and differ between keys") {
    Signed s;
    auto a = key_fingerprint(s.pub);
    auto b = key_fingerprint(s.other_pub);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a->starts_with("SHA256:"));
    CHECK(a->size() == 7 + 43);
    CHECK(*a != *b);
  }

  TEST_CASE("the first --key is checked, then recorded for the cluster") {
    Signed s;
    auto t = check_package(s.package, s.with(s.pub), true);
    REQUIRE_MESSAGE(t.ok(), t.error().describe());
    CHECK(t->first_use);
    CHECK(t->label() == *key_fingerprint(s.pub));
    CHECK(recorded(s.keys) == 1);
    // Later runs need no --key: the recorded key decides.
    auto again = check_package(s.package, s.with(std::nullopt), true);
    REQUIRE_MESSAGE(again.ok(), again.error().describe());
    CHECK_FALSE(again->first_use);
    CHECK(recorded(s.keys) == 1);
  }

  TEST_CASE("a different key later is refused, naming both fingerprints") {
    Signed s;
    REQUIRE(check_package(s.package, s.with(s.pub), false).ok());
    auto t = decide_trust(s.package, s.with(s.other_pub));
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code() == Errc::verify);
    CHECK(t.error().message().find(*key_fingerprint(s.other_pub)) != std::string::npos);
    CHECK(t.error().message().find(*key_fingerprint(s.pub)) != std::string::npos);
  }

  TEST_CASE("no key given and none recorded is refused") {
    Signed s;
    auto t = decide_trust(s.package, s.with(std::nullopt));
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code() == Errc::verify);
    CHECK(t.error().hint().find("--key") != std::string::npos);
  }

  TEST_CASE("an unsigned package is refused") {
    Signed s;
    fs::remove(s.package.string() + ".sig");
    auto t = decide_trust(s.package, s.with(s.pub));
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code() == Errc::verify);
    CHECK(t.error().message().find("is not signed") != std::string::npos);
    CHECK(recorded(s.keys) == 0);
  }

  TEST_CASE("a forged signature of the right size is refused and nothing is recorded") {
    Signed s;
    s.write_sig(std::string(64, 'x'));
    auto t = decide_trust(s.package, s.with(s.pub));
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code() == Errc::verify);
    CHECK(recorded(s.keys) == 0);
    s.write_sig("short");
    CHECK(decide_trust(s.package, s.with(s.pub)).error().code() == Errc::verify);
  }

  TEST_CASE("a package signed by another key is refused") {
    Signed s;
    auto t = decide_trust(s.package, s.with(s.other_pub));
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code() == Errc::verify);
  }

  TEST_CASE("a malformed, empty or missing key file is refused as bad input") {
    Signed s;
    const auto bad = s.dir.path() / "bad.pub";
    std::ofstream(bad) << "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
    CHECK(decide_trust(s.package, s.with(bad)).error().code() == Errc::invalid_input);
    std::ofstream(s.dir.path() / "empty.pub") << "";
    CHECK_FALSE(decide_trust(s.package, s.with(s.dir.path() / "empty.pub")).ok());
    CHECK_FALSE(decide_trust(s.package, s.with(s.dir.path() / "absent.pub")).ok());
  }

  TEST_CASE("a saved plan's key must be the one that verifies") {
    Signed s;
    REQUIRE(check_package(s.package, s.with(s.pub), false).ok());
    auto opts = s.with(std::nullopt);
    opts.required_fingerprint = *key_fingerprint(s.other_pub);
    CHECK(decide_trust(s.package, opts).error().code() == Errc::verify);
    opts.required_fingerprint = *key_fingerprint(s.pub);
    CHECK(decide_trust(s.package, opts).ok());
    opts.required_fingerprint = std::string(k_insecure_label);
    CHECK(decide_trust(s.package, opts).error().code() == Errc::verify);
  }

  TEST_CASE("--insecure-skip-signature trusts without a key, and is labelled") {
    Signed s;
    fs::remove(s.package.string() + ".sig");
    TrustOptions o{std::nullopt, s.keys, true, ""};
    auto t = check_package(s.package, o, true);
    REQUIRE_MESSAGE(t.ok(), t.error().describe());
    CHECK(t->insecure);
    CHECK(t->label() == k_insecure_label);
    CHECK(recorded(s.keys) == 0);
    o.key = s.pub;
    CHECK(decide_trust(s.package, o).error().code() == Errc::usage);
  }

  TEST_CASE("content that does not match the signed manifest fails the full check") {
    Signed s;
    // Flip one byte near the end of the archive: the manifest (and so the signature) at the
    // front still verifies, the content pass does not.
    {
      std::fstream f(s.package, std::ios::in | std::ios::out | std::ios::binary);
      f.seekg(-40, std::ios::end);
      char c = 0;
      f.get(c);
      f.seekp(-40, std::ios::end);
      f.put(static_cast<char>(c ^ 0x55));
    }
    fs::remove(s.package.string() + ".sha256");
    CHECK(decide_trust(s.package, s.with(s.pub)).ok());
    auto t = check_package(s.package, s.with(s.pub), true);
    CHECK_FALSE(t.ok());
    CHECK(recorded(s.keys) == 0);
  }
}
