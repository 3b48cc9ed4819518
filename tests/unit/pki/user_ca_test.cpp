#include "acpctl/pki/pki.hpp"
#include "fixture.hpp"
#include "pki/x509.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fstream>

using namespace acp::pki;
using namespace acp::pki::test;
using acp::util::TempDir;
namespace fs = std::filesystem;

namespace {

// A CA of the user's own, written as ca.pem / ca-key.pem into `dir`.
KeyPair user_ca(const fs::path& dir, const std::string& cn = "corp-root") {
  const auto key = detail::generate_key().take();
  const auto now = Clock::now();
  const auto cert =
      detail::issue_ca({cn, "corp"}, key, {now, now + std::chrono::days(1000)}).take();
  acp::util::write_file_atomic(dir / "ca.pem", cert).take();
  acp::util::write_file_atomic(dir / "ca-key.pem", key, fs::perms(0600)).take();
  return {cert, key};
}

std::string config_with_pki(const std::string& pki_lines) {
  return acp::config::example_config() + "  pki:\n" + pki_lines;
}

} // namespace

TEST_SUITE("pki::user_ca") {
  TEST_CASE("ensure signs with the user's CA and copies only its certificate") {
    TempDir user;
    TempDir dir;
    const auto ca = user_ca(user.path());
    auto cluster = example_cluster();
    cluster.pki = acp::config::PkiSettings{(user.path() / "ca.pem").string(),
                                           (user.path() / "ca-key.pem").string()};
    const auto pki = ensure(cluster, dir.path()).take();
    CHECK(pki.ca_cert() == ca.cert);
    CHECK(slurp(dir.path() / "pki/ca.crt") == ca.cert);
    CHECK_FALSE(fs::exists(dir.path() / "pki/ca.key"));
    CHECK(detail::signed_by(pki.etcd_server("cp-1")->cert, ca.cert));
    CHECK(detail::signed_by(pki.admin().cert, ca.cert));
    // A re-run keeps everything.
    const auto again = ensure(cluster, dir.path()).take();
    CHECK(again.etcd_peer("cp-3")->cert == pki.etcd_peer("cp-3")->cert);
  }

  TEST_CASE("a key that is not the CA certificate's is refused") {
    TempDir user;
    TempDir other;
    TempDir dir;
    user_ca(user.path());
    user_ca(other.path(), "other");
    auto cluster = example_cluster();
    cluster.pki = acp::config::PkiSettings{(user.path() / "ca.pem").string(),
                                           (other.path() / "ca-key.pem").string()};
    const auto r = ensure(cluster, dir.path());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message() == (other.path() / "ca-key.pem").string() +
                                     " is not the private key of " +
                                     (user.path() / "ca.pem").string());
    CHECK_FALSE(fs::exists(dir.path() / "pki/ca.crt"));
  }

  TEST_CASE("a leaf certificate given as the CA is refused") {
    TempDir user;
    TempDir dir;
    const auto ca = user_ca(user.path());
    const auto leaf_key = detail::generate_key().take();
    const auto now = Clock::now();
    const auto leaf = detail::issue({{"x", {}}, {}, detail::Usage::client}, leaf_key, ca,
                                    {now, now + std::chrono::days(5)})
                          .take();
    acp::util::write_file_atomic(user.path() / "leaf.pem", leaf).take();
    acp::util::write_file_atomic(user.path() / "leaf-key.pem", leaf_key).take();
    auto cluster = example_cluster();
    cluster.pki = acp::config::PkiSettings{(user.path() / "leaf.pem").string(),
                                           (user.path() / "leaf-key.pem").string()};
    const auto r = ensure(cluster, dir.path());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().ends_with("leaf.pem is not a CA certificate"));
  }

  TEST_CASE("switching from the generated CA to the user's is refused until the old one moves") {
    TempDir user;
    TempDir dir;
    user_ca(user.path());
    auto cluster = example_cluster();
    ensure(cluster, dir.path()).take();
    cluster.pki = acp::config::PkiSettings{(user.path() / "ca.pem").string(),
                                           (user.path() / "ca-key.pem").string()};
    const auto r = ensure(cluster, dir.path());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("belongs to another CA") != std::string::npos);
    fs::remove(dir.path() / "pki/ca.key");
    ensure(cluster, dir.path()).take();
    CHECK(slurp(dir.path() / "pki/ca.crt") == slurp(user.path() / "ca.pem"));
  }
}

TEST_SUITE("config::pki") {
  TEST_CASE("relative CA paths are taken from the config file's directory") {
    TempDir dir;
    user_ca(dir.path());
    const auto file = dir.path() / "cluster.yaml";
    std::ofstream(file) << config_with_pki("    caCertFile: ca.pem\n    caKeyFile: ./ca-key.pem\n");
    const auto r = acp::config::load_file(file.string());
    REQUIRE(r.ok());
    REQUIRE(r.cluster->pki);
    CHECK(r.cluster->pki->ca_cert_file == (dir.path() / "ca.pem").string());
    CHECK(r.cluster->pki->ca_key_file == (dir.path() / "ca-key.pem").string());
  }

  TEST_CASE("both files or neither, with the position") {
    const auto text = config_with_pki("    caCertFile: /x/ca.pem\n");
    const auto r = acp::config::load_text(text, "c.yaml");
    REQUIRE(r.problems.size() == 1);
    const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    CHECK(r.problems[0].describe() ==
          "c.yaml:" + std::to_string(lines) +
              ":5: spec.pki needs both caCertFile and caKeyFile (give your CA's certificate and "
              "its key, or remove spec.pki to have acpctl make a CA)");
  }

  TEST_CASE("a CA file that does not exist is a problem at its value") {
    const auto text =
        config_with_pki("    caCertFile: /nope/ca.pem\n    caKeyFile: /nope/ca.key\n");
    const auto r = acp::config::load_text(text, "c.yaml");
    REQUIRE(r.problems.size() == 2);
    CHECK(r.problems[0].path == "spec.pki.caCertFile");
    CHECK(r.problems[0].message == "caCertFile /nope/ca.pem does not exist");
    CHECK(r.problems[0].where.column == 17);
    CHECK(r.problems[1].path == "spec.pki.caKeyFile");
  }
}
