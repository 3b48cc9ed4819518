// The registry client certificates: one per node with spec.registry (what the registry's pull
// port asks for instead of a password), CN acp-node:<node>, clientAuth only, chained to the
// cluster CA, kept byte for byte on a re-apply, new only for a new node.

#include "acpctl/pki/pki.hpp"
#include "fixture.hpp"
#include "pki/x509.hpp"
#include "verify.hpp"

#include <doctest/doctest.h>

using namespace acp;
using namespace acp::pki;
using namespace acp::pki::test;
using acp::util::TempDir;

TEST_SUITE("pki::registry_client") {
  TEST_CASE("every node gets one: CN acp-node:<node>, clientAuth only, from the cluster CA") {
    TempDir dir;
    auto cluster = example_cluster();
    cluster.nodes.back().roles = {config::Role::worker}; // not etcd, not control-plane
    const auto pki = ensure(cluster, dir.path()).take();
    for (const auto& node : cluster.nodes) {
      CAPTURE(node.name);
      const auto* pair = pki.registry_client(node.name);
      REQUIRE(pair);
      const auto facts = detail::inspect(pair->cert).take();
      CHECK(facts.cn == "acp-node:" + node.name);
      CHECK(facts.org.empty()); // no Kubernetes group
      CHECK(facts.sans.empty());
      CHECK(facts.client_auth);
      CHECK_FALSE(facts.server_auth);
      CHECK_FALSE(facts.is_ca);
      CHECK(detail::key_matches(pair->cert, pair->key));
      // OpenSSL's own chain check: a TLS client certificate of the cluster CA, not a server one.
      CHECK(verify_chain(pki.ca_cert(), pair->cert, X509_PURPOSE_SSL_CLIENT) == X509_V_OK);
      CHECK(verify_chain(pki.ca_cert(), pair->cert, X509_PURPOSE_SSL_SERVER) != X509_V_OK);
    }
    CHECK(std::filesystem::exists(dir.path() / "pki/registry/cp-3-client.crt"));
    CHECK(mode_of(dir.path() / "pki/registry/cp-3-client.key") == 0600);
    CHECK(pki.registry_server("cp-3") == nullptr); // the worker runs no replica
  }

  TEST_CASE("a re-apply keeps them byte for byte; a new node gets its own, the others stay") {
    TempDir dir;
    auto cluster = example_cluster();
    const auto first = ensure(cluster, dir.path()).take();
    const auto before = snapshot(dir.path());
    const auto again = ensure(cluster, dir.path()).take();
    CHECK(snapshot(dir.path()) == before);
    CHECK(again.registry_client("cp-1")->cert == first.registry_client("cp-1")->cert);
    auto grown = cluster;
    auto worker = grown.nodes.back();
    worker.name = "w-1";
    worker.address = "192.168.10.21";
    worker.roles = {config::Role::worker};
    grown.nodes.push_back(worker);
    const auto bigger = ensure(grown, dir.path()).take();
    REQUIRE(bigger.registry_client("w-1"));
    const auto after = snapshot(dir.path());
    for (const auto& [file, bytes] : before) {
      CAPTURE(file);
      CHECK(after.at(file) == bytes);
    }
    CHECK(after.size() == before.size() + 2); // w-1's client pair only
  }

  TEST_CASE("without spec.registry there are none") {
    TempDir dir;
    auto cluster = example_cluster();
    cluster.registry.reset();
    const auto pki = ensure(cluster, dir.path()).take();
    CHECK(pki.registry_client("cp-1") == nullptr);
  }
}
