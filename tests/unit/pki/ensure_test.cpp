#include "acpctl/pki/pki.hpp"
#include "fixture.hpp"
#include "pki/layout.hpp"
#include "pki/reconcile.hpp"
#include "pki/x509.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <map>

using namespace acp::pki;
using namespace acp::pki::test;
using acp::Errc;
using acp::util::TempDir;
namespace fs = std::filesystem;

namespace {

detail::CertFacts facts_of(const fs::path& file) {
  return detail::inspect(slurp(file)).take();
}

} // namespace

TEST_SUITE("pki::ensure") {
  TEST_CASE("creates the CA and every certificate with keys 0600 and directories 0700") {
    TempDir dir;
    ensure(example_cluster(), dir.path()).take();
    const auto pki = dir.path() / "pki";
    for (const auto* name :
         {"ca", "etcd/cp-1-server", "etcd/cp-1-peer", "etcd/cp-2-server", "etcd/cp-2-peer",
          "etcd/cp-3-server", "etcd/cp-3-peer", "etcd/healthcheck-client", "admin"}) {
      CAPTURE(name);
      CHECK(mode_of(pki / (std::string(name) + ".key")) == 0600);
      CHECK(mode_of(pki / (std::string(name) + ".crt")) == 0644);
    }
    CHECK(mode_of(pki) == 0700);
    CHECK(mode_of(pki / "etcd") == 0700);
    CHECK(mode_of(pki / "registry") == 0700);
    CHECK(snapshot(dir.path()).size() == 30); // with registry server and client pairs
  }

  TEST_CASE("SANs, subjects and usages are exactly what etcd needs") {
    TempDir dir;
    ensure(example_cluster(), dir.path()).take();
    const auto pki = dir.path() / "pki";
    const auto server = facts_of(pki / "etcd/cp-2-server.crt");
    CHECK(server.cn == "cp-2");
    CHECK(server.sans == std::vector<std::string>{"DNS:cp-2", "DNS:localhost", "IP:127.0.0.1",
                                                  "IP:192.168.10.100", "IP:192.168.10.12"});
    CHECK(server.server_auth);
    CHECK_FALSE(server.client_auth);
    const auto peer = facts_of(pki / "etcd/cp-2-peer.crt");
    CHECK(peer.sans == std::vector<std::string>{"DNS:cp-2", "IP:192.168.10.12"});
    CHECK(peer.server_auth);
    CHECK(peer.client_auth);
    const auto check = facts_of(pki / "etcd/healthcheck-client.crt");
    CHECK(check.client_auth);
    CHECK_FALSE(check.server_auth);
    CHECK(check.sans.empty());
    const auto admin = facts_of(pki / "admin.crt");
    CHECK(admin.cn == "acpctl-admin");
    CHECK(admin.org == "system:masters");
    CHECK(admin.client_auth);
    CHECK_FALSE(admin.server_auth);
    const auto ca = facts_of(pki / "ca.crt");
    CHECK(ca.is_ca);
    CHECK(ca.cn == "global-ca");
    // CA ten years, leaves one year.
    CHECK(ca.not_after - ca.not_before > std::chrono::days(3650));
    CHECK(server.not_after - Clock::now() > std::chrono::days(364));
    CHECK(server.not_after - Clock::now() <= std::chrono::days(365));
  }

  TEST_CASE("an IPv6 node's server certificate also names ::1") {
    TempDir dir;
    auto cluster = example_cluster();
    cluster.nodes[0].address = "fd00:10::11";
    ensure(cluster, dir.path()).take();
    CHECK(facts_of(dir.path() / "pki/etcd/cp-1-server.crt").sans ==
          std::vector<std::string>{"DNS:cp-1", "DNS:localhost", "IP:127.0.0.1", "IP:192.168.10.100",
                                   "IP:::1", "IP:fd00:10::11"});
  }

  TEST_CASE("a second ensure keeps every file byte for byte") {
    TempDir dir;
    const auto cluster = example_cluster();
    ensure(cluster, dir.path()).take();
    const auto before = snapshot(dir.path());
    const auto again = detail::reconcile(cluster, dir.path(), {}).take();
    CHECK(again.issued.empty());
    CHECK(snapshot(dir.path()) == before);
  }

  TEST_CASE("a changed node address re-issues only that node's certificates") {
    TempDir dir;
    auto cluster = example_cluster();
    ensure(cluster, dir.path()).take();
    const auto before = snapshot(dir.path());
    cluster.nodes[1].address = "192.168.10.22";
    const auto out = detail::reconcile(cluster, dir.path(), {}).take();
    REQUIRE(out.issued.size() == 3);
    CHECK(out.issued[0].name == "etcd/cp-2-server");
    CHECK(out.issued[0].reason == "SANs changed (+IP:192.168.10.22 -IP:192.168.10.12)");
    CHECK(out.issued[1].name == "etcd/cp-2-peer");
    CHECK(out.issued[2].name == "registry/cp-2-server");
    const auto after = snapshot(dir.path());
    for (const auto& [file, bytes] : before) {
      CAPTURE(file);
      const bool changed = after.at(file) != bytes;
      // The registry client certificate names no address: kept.
      CHECK(changed ==
            (file.starts_with("pki/etcd/cp-2-") || file.starts_with("pki/registry/cp-2-server")));
    }
    CHECK(facts_of(dir.path() / "pki/etcd/cp-2-peer.crt").sans ==
          std::vector<std::string>{"DNS:cp-2", "IP:192.168.10.22"});
  }

  TEST_CASE("dropping the VIP re-issues the server certificates only") {
    TempDir dir;
    auto cluster = example_cluster();
    ensure(cluster, dir.path()).take();
    cluster.endpoint.self_built_vip.reset();
    cluster.endpoint.external_load_balancer = acp::config::ExternalLoadBalancer{"lb.example", 6443};
    const auto out = detail::reconcile(cluster, dir.path(), {}).take();
    REQUIRE(out.issued.size() == 6); // etcd's and the registry's, 3 each
    for (const auto& r : out.issued)
      CHECK(r.name.ends_with("-server"));
  }

  TEST_CASE("a new etcd node gets certificates, the others are kept") {
    TempDir dir;
    auto cluster = example_cluster();
    ensure(cluster, dir.path()).take();
    auto extra = cluster.nodes[2];
    extra.name = "cp-4";
    extra.address = "192.168.10.14";
    cluster.nodes.push_back(extra);
    const auto out = detail::reconcile(cluster, dir.path(), {}).take();
    REQUIRE(out.issued.size() == 4);
    CHECK(out.issued[0].name == "etcd/cp-4-server");
    CHECK(out.issued[2].name == "registry/cp-4-server");
    CHECK(out.issued[3].name == "registry/cp-4-client");
    CHECK(out.issued[0].reason == "missing");
  }

  TEST_CASE("a leaf expiring within 30 days is re-issued, later ones are kept") {
    TempDir dir;
    const auto cluster = example_cluster();
    ensure(cluster, dir.path()).take();
    // Write a short-lived cp-1 server certificate signed by the same CA.
    const auto pki = dir.path() / "pki";
    const KeyPair ca{slurp(pki / "ca.crt"), slurp(pki / "ca.key")};
    const auto leaf = detail::wanted_leaves(cluster)[0];
    REQUIRE(leaf.name == "etcd/cp-1-server");
    const auto now = Clock::now();
    const auto key = detail::generate_key().take();
    const auto short_lived =
        detail::issue(leaf.spec, key, ca, {now, now + std::chrono::days(10)}).take();
    acp::util::write_file_atomic(pki / "etcd/cp-1-server.crt", short_lived).take();
    acp::util::write_file_atomic(pki / "etcd/cp-1-server.key", key, fs::perms(0600)).take();
    const auto before = snapshot(dir.path());

    const auto out = detail::reconcile(cluster, dir.path(), {}).take();
    REQUIRE(out.issued.size() == 1);
    CHECK(out.issued[0].name == "etcd/cp-1-server");
    CHECK(out.issued[0].reason.starts_with("expires in "));
    const auto renewed = facts_of(pki / "etcd/cp-1-server.crt");
    CHECK(renewed.not_after - now > std::chrono::days(360));
    CHECK(slurp(pki / "etcd/cp-1-server.key") != key);
    const auto after = snapshot(dir.path());
    for (const auto& [file, bytes] : before)
      CHECK((after.at(file) != bytes) == file.starts_with("pki/etcd/cp-1-server"));
  }

  TEST_CASE("eleven months later every leaf is re-issued, the CA is kept") {
    TempDir dir;
    const auto cluster = example_cluster();
    ensure(cluster, dir.path()).take();
    const auto ca = slurp(dir.path() / "pki/ca.crt");
    detail::Policy later;
    later.now = Clock::now() + std::chrono::days(340);
    const auto out = detail::reconcile(cluster, dir.path(), later).take();
    CHECK(out.issued.size() == detail::wanted_leaves(cluster).size());
    CHECK(slurp(dir.path() / "pki/ca.crt") == ca);
    CHECK(facts_of(dir.path() / "pki/admin.crt").not_after > later.now + std::chrono::days(360));
  }

  TEST_CASE("a corrupt ca.crt is an error naming the file, and nothing is overwritten") {
    TempDir dir;
    const auto cluster = example_cluster();
    ensure(cluster, dir.path()).take();
    acp::util::write_file_atomic(dir.path() / "pki/ca.crt", "garbage\n").take();
    const auto before = snapshot(dir.path());
    const auto r = ensure(cluster, dir.path());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == Errc::invalid_input);
    CHECK(r.error().message().find((dir.path() / "pki/ca.crt").string()) != std::string::npos);
    CHECK(r.error().hint().find("delete") != std::string::npos);
    CHECK(snapshot(dir.path()) == before);
  }

  TEST_CASE("a corrupt leaf key is an error naming it") {
    TempDir dir;
    const auto cluster = example_cluster();
    ensure(cluster, dir.path()).take();
    const auto key = dir.path() / "pki/etcd/cp-3-peer.key";
    acp::util::write_file_atomic(key,
                                 "-----BEGIN "
                                 "PRIVATE KEY-----\nxx\n",
                                 fs::perms(0600))
        .take();
    const auto r = ensure(cluster, dir.path());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message() == key.string() + " is not a PEM private key");
    CHECK(r.error().hint().find("delete " + key.string()) != std::string::npos);
  }

  TEST_CASE("a CA key without its certificate is refused, not replaced") {
    TempDir dir;
    const auto cluster = example_cluster();
    ensure(cluster, dir.path()).take();
    fs::remove(dir.path() / "pki/ca.crt");
    const auto r = ensure(cluster, dir.path());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("ca.crt is missing") != std::string::npos);
    CHECK_FALSE(fs::exists(dir.path() / "pki/ca.crt"));
  }

  TEST_CASE("a new CA re-issues every leaf") {
    TempDir dir;
    const auto cluster = example_cluster();
    ensure(cluster, dir.path()).take();
    fs::remove(dir.path() / "pki/ca.crt");
    fs::remove(dir.path() / "pki/ca.key");
    const auto out = detail::reconcile(cluster, dir.path(), {}).take();
    CHECK(out.issued.size() == 1 + detail::wanted_leaves(cluster).size());
    for (std::size_t i = 1; i < out.issued.size(); ++i)
      CHECK(out.issued[i].reason == "not signed by the cluster CA");
  }

  TEST_CASE("a deleted leaf key re-issues that pair") {
    TempDir dir;
    const auto cluster = example_cluster();
    ensure(cluster, dir.path()).take();
    fs::remove(dir.path() / "pki/admin.key");
    const auto out = detail::reconcile(cluster, dir.path(), {}).take();
    REQUIRE(out.issued.size() == 1);
    CHECK(out.issued[0].name == "admin");
    CHECK(out.issued[0].reason == "the key is missing");
    CHECK(detail::key_matches(slurp(dir.path() / "pki/admin.crt"),
                              slurp(dir.path() / "pki/admin.key")));
  }

  TEST_CASE("load reads without writing and names what is missing") {
    TempDir dir;
    const auto cluster = example_cluster();
    auto missing = load(cluster, dir.path());
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().message() == (dir.path() / "pki/ca.crt").string() + " is missing");
    CHECK_FALSE(fs::exists(dir.path() / "pki"));
    ensure(cluster, dir.path()).take();
    const auto pki = load(cluster, dir.path()).take();
    CHECK(pki.ca_cert() == slurp(dir.path() / "pki/ca.crt"));
    fs::remove(dir.path() / "pki/etcd/cp-1-peer.crt");
    const auto r = load(cluster, dir.path());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("cp-1-peer.crt") != std::string::npos);
    CHECK_FALSE(fs::exists(dir.path() / "pki/etcd/cp-1-peer.crt"));
  }

  TEST_CASE("a key file with a loose mode is set back to 0600") {
    TempDir dir;
    const auto cluster = example_cluster();
    ensure(cluster, dir.path()).take();
    fs::permissions(dir.path() / "pki/etcd/cp-1-server.key", fs::perms(0644));
    ensure(cluster, dir.path()).take();
    CHECK(mode_of(dir.path() / "pki/etcd/cp-1-server.key") == 0600);
  }

  TEST_CASE("cluster_dir follows ACPCTL_HOME") {
    const auto cluster = example_cluster();
    ::setenv("ACPCTL_HOME", "/tmp/acp-home", 1);
    CHECK(cluster_dir(cluster) == fs::path("/tmp/acp-home/clusters/global"));
    ::unsetenv("ACPCTL_HOME");
    CHECK(cluster_dir(cluster).string().ends_with(".acpctl/clusters/global"));
    CHECK(admin_client("/d").key == fs::path("/d/pki/admin.key"));
  }
}

TEST_SUITE("pki::node_files") {
  TEST_CASE("an etcd node gets the CA and its own certificates at the contract's paths") {
    TempDir dir;
    const auto cluster = example_cluster();
    const auto pki = ensure(cluster, dir.path()).take();
    const auto files = node_files(pki, cluster.nodes[1]);
    std::map<std::string, std::pair<std::string, unsigned>> by_path;
    for (const auto& f : files)
      by_path[f.path] = {f.content, f.mode};
    REQUIRE(by_path.size() == 7);
    CHECK(by_path.at("/etc/acp/pki/ca.crt") == std::pair{slurp(dir.path() / "pki/ca.crt"), 0644u});
    CHECK(by_path.at("/etc/acp/pki/etcd/server.key") ==
          std::pair{slurp(dir.path() / "pki/etcd/cp-2-server.key"), 0600u});
    CHECK(by_path.at("/etc/acp/pki/etcd/peer.crt").first ==
          slurp(dir.path() / "pki/etcd/cp-2-peer.crt"));
    CHECK(by_path.at("/etc/acp/pki/etcd/healthcheck-client.key").second == 0600u);
    for (const auto& f : files)
      CHECK(f.content.find("ca.key") == std::string::npos);
  }

  TEST_CASE("a node without the etcd role gets nothing") {
    TempDir dir;
    auto cluster = example_cluster();
    auto worker = cluster.nodes[0];
    worker.name = "w-1";
    worker.roles = {acp::config::Role::worker};
    cluster.nodes.push_back(worker);
    const auto pki = ensure(cluster, dir.path()).take();
    CHECK(node_files(pki, cluster.nodes[3]).empty());
  }

  TEST_CASE("the node digest changes only for the node whose files changed") {
    TempDir dir;
    auto cluster = example_cluster();
    const auto one = ensure(cluster, dir.path()).take();
    cluster.nodes[2].address = "192.168.10.33";
    const auto two = ensure(cluster, dir.path()).take();
    CHECK(node_digest(one, cluster.nodes[0]) == node_digest(two, cluster.nodes[0]));
    CHECK(node_digest(one, cluster.nodes[2]) != node_digest(two, cluster.nodes[2]));
  }
}
