#include "acpctl/util/fs.hpp"
#include "fixture.hpp"
#include "pki/layout.hpp"
#include "pki/reconcile.hpp"
#include "pki/x509.hpp"
#include "verify.hpp"

#include <cstdio>
#include <doctest/doctest.h>
#include <memory>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

using namespace acp::pki;
using namespace acp::pki::test;
using acp::util::TempDir;

TEST_SUITE("pki::x509") {
  TEST_CASE("every leaf verifies against the CA with OpenSSL, for its purpose") {
    TempDir dir;
    const auto cluster = example_cluster();
    const auto pki = ensure(cluster, dir.path()).take();
    const auto* server = pki.etcd_server("cp-1");
    const auto* peer = pki.etcd_peer("cp-1");
    REQUIRE(server != nullptr);
    REQUIRE(peer != nullptr);
    CHECK(verify_chain(pki.ca_cert(), server->cert, X509_PURPOSE_SSL_SERVER) == X509_V_OK);
    CHECK(verify_chain(pki.ca_cert(), peer->cert, X509_PURPOSE_SSL_SERVER) == X509_V_OK);
    CHECK(verify_chain(pki.ca_cert(), peer->cert, X509_PURPOSE_SSL_CLIENT) == X509_V_OK);
    CHECK(verify_chain(pki.ca_cert(), pki.healthcheck_client().cert, X509_PURPOSE_SSL_CLIENT) ==
          X509_V_OK);
    CHECK(verify_chain(pki.ca_cert(), pki.admin().cert, X509_PURPOSE_SSL_CLIENT) == X509_V_OK);
    // A server certificate is no client certificate, and the reverse.
    CHECK(verify_chain(pki.ca_cert(), server->cert, X509_PURPOSE_SSL_CLIENT) != X509_V_OK);
    CHECK(verify_chain(pki.ca_cert(), pki.admin().cert, X509_PURPOSE_SSL_SERVER) != X509_V_OK);
  }

  TEST_CASE("a leaf of another CA does not verify") {
    TempDir a;
    TempDir b;
    const auto cluster = example_cluster();
    const auto one = ensure(cluster, a.path()).take();
    const auto two = ensure(cluster, b.path()).take();
    CHECK(verify_chain(one.ca_cert(), two.etcd_server("cp-1")->cert, X509_PURPOSE_SSL_SERVER) !=
          X509_V_OK);
  }

  TEST_CASE("the openssl command line verifies the chain") {
    TempDir dir;
    ensure(example_cluster(), dir.path()).take();
    const auto ca = dir.path() / "pki/ca.crt";
    for (const auto* leaf :
         {"etcd/cp-2-server", "etcd/cp-2-peer", "etcd/healthcheck-client", "admin"}) {
      const auto cert = dir.path() / "pki" / (std::string(leaf) + ".crt");
      const auto command = "openssl verify -CAfile " + ca.string() + " " + cert.string() + " 2>&1";
      FILE* pipe = ::popen(command.c_str(), "r");
      REQUIRE(pipe != nullptr);
      char buffer[512] = {};
      std::string output;
      while (std::fgets(buffer, sizeof buffer, pipe) != nullptr)
        output += buffer;
      const int status = ::pclose(pipe);
      INFO(output);
      CHECK(status == 0);
      CHECK(output.find(": OK") != std::string::npos);
    }
  }

  TEST_CASE("issue writes exactly the SANs, subject and usage asked for") {
    const auto key = detail::generate_key().take();
    const auto now = Clock::now();
    const detail::Validity validity{now, now + std::chrono::days(2)};
    const KeyPair ca{detail::issue_ca({"test-ca", "acpctl"}, key, validity).take(), key};
    const detail::CertSpec spec{
        {"n1", "o1"}, {"DNS:n1", "IP:10.0.0.1", "IP:fd00::1"}, detail::Usage::peer};
    const auto leaf_key = detail::generate_key().take();
    const auto cert = detail::issue(spec, leaf_key, ca, validity).take();
    const auto facts = detail::inspect(cert).take();
    CHECK(facts.cn == "n1");
    CHECK(facts.org == "o1");
    CHECK(facts.sans == std::vector<std::string>{"DNS:n1", "IP:10.0.0.1", "IP:fd00::1"});
    CHECK(facts.server_auth);
    CHECK(facts.client_auth);
    CHECK_FALSE(facts.is_ca);
    CHECK(detail::signed_by(cert, ca.cert));
    CHECK(detail::key_matches(cert, leaf_key));
    CHECK_FALSE(detail::key_matches(cert, key));
    CHECK(std::chrono::abs(facts.not_after - validity.not_after) < std::chrono::seconds(1));
    CHECK(detail::inspect(ca.cert).take().is_ca);
  }

  TEST_CASE("inspect refuses what is not a certificate") {
    CHECK_FALSE(detail::inspect("hello").ok());
    CHECK_FALSE(detail::is_key("-----BEGIN "
                               "PRIVATE KEY-----\nAAAA\n-----END "
                               "PRIVATE KEY-----\n"));
  }
}
