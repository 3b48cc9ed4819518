#include "acpctl/pki/pki.hpp"
#include "fixture.hpp"
#include "pki/layout.hpp"
#include "pki/x509.hpp"

#include <doctest/doctest.h>

using namespace acp::pki;
using namespace acp::pki::test;
using acp::util::TempDir;
namespace fs = std::filesystem;

namespace {
const CertEntry& entry(const std::vector<CertEntry>& entries, const std::string& name) {
  for (const auto& e : entries)
    if (e.name == name)
      return e;
  FAIL("no entry " << name);
  throw std::logic_error("unreachable");
}
} // namespace

TEST_SUITE("pki::check") {
  TEST_CASE("an empty cluster directory lists every certificate as missing") {
    TempDir dir;
    const auto entries = check(example_cluster(), dir.path());
    REQUIRE(entries.size() == 15); // 6 of them the registry's (spec.registry)
    CHECK(entries[0].name == "ca");
    CHECK(entries[1].name == "etcd/cp-1-server");
    CHECK(entries[1].node == "cp-1");
    CHECK(entries[7].name == "registry/cp-1-server");
    CHECK(entries[10].name == "registry/cp-1-client");
    CHECK(entries[10].node == "cp-1");
    CHECK(entries[14].name == "admin");
    for (const auto& e : entries)
      CHECK(e.status == CertStatus::missing);
    CHECK_FALSE(fs::exists(dir.path() / "pki"));
  }

  TEST_CASE("after ensure every certificate is ok with its expiry and SANs") {
    TempDir dir;
    const auto cluster = example_cluster();
    ensure(cluster, dir.path()).take();
    const auto entries = check(cluster, dir.path());
    for (const auto& e : entries) {
      CAPTURE(e.name);
      CHECK(e.status == CertStatus::ok);
      REQUIRE(e.not_after);
      CHECK(e.days_left == (e.name == "ca" ? 3649 : 364));
    }
    const auto& server = entry(entries, "etcd/cp-3-server");
    CHECK(server.subject_cn == "cp-3");
    CHECK(server.sans.size() == 5);
    CHECK(server.file == dir.path() / "pki/etcd/cp-3-server.crt");
  }

  TEST_CASE("a wider window shows certificates as expiring") {
    TempDir dir;
    const auto cluster = example_cluster();
    ensure(cluster, dir.path()).take();
    const auto entries = check(cluster, dir.path(), 400);
    CHECK(entry(entries, "admin").status == CertStatus::expiring);
    CHECK(entry(entries, "ca").status == CertStatus::ok);
  }

  TEST_CASE("expired, invalid and stale certificates are told apart") {
    TempDir dir;
    auto cluster = example_cluster();
    ensure(cluster, dir.path()).take();
    const auto pki = dir.path() / "pki";
    const KeyPair ca{slurp(pki / "ca.crt"), slurp(pki / "ca.key")};
    const auto leaf = detail::wanted_leaves(cluster).back();
    const auto now = Clock::now();
    const auto key = detail::generate_key().take();
    acp::util::write_file_atomic(
        pki / "admin.crt",
        detail::issue(leaf.spec, key, ca, {now - std::chrono::days(3), now - std::chrono::days(1)})
            .take())
        .take();
    acp::util::write_file_atomic(pki / "admin.key", key, fs::perms(0600)).take();
    acp::util::write_file_atomic(pki / "etcd/healthcheck-client.crt", "junk").take();
    cluster.nodes[0].address = "192.168.10.21";
    const auto entries = check(cluster, dir.path());
    CHECK(entry(entries, "admin").status == CertStatus::expired);
    CHECK(entry(entries, "admin").days_left == -2);
    CHECK(entry(entries, "etcd/healthcheck-client").status == CertStatus::invalid);
    CHECK(entry(entries, "etcd/cp-1-server").status == CertStatus::invalid);
    CHECK(entry(entries, "etcd/cp-1-server").problem.starts_with("SANs changed"));
    CHECK(entry(entries, "etcd/cp-2-server").status == CertStatus::ok);
  }
}

TEST_SUITE("pki::renew") {
  TEST_CASE("renews what expires within the window, or everything with all") {
    TempDir dir;
    const auto cluster = example_cluster();
    ensure(cluster, dir.path()).take();
    CHECK(renew(cluster, dir.path(), {}).take().empty());
    const auto admin = slurp(dir.path() / "pki/admin.crt");

    const auto dry = renew(cluster, dir.path(), {400, false, true}).take();
    CHECK(dry.size() == 14);
    CHECK_FALSE(dry[0].new_not_after);
    CHECK(slurp(dir.path() / "pki/admin.crt") == admin);

    const auto done = renew(cluster, dir.path(), {30, true, false}).take();
    REQUIRE(done.size() == 14);
    CHECK(done[0].reason == "renewal of every certificate");
    CHECK(done[0].new_not_after);
    CHECK(slurp(dir.path() / "pki/admin.crt") != admin);
    CHECK(check(cluster, dir.path())[8].status == CertStatus::ok);
  }
}
