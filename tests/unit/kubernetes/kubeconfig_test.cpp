#include "acpctl/pki/pki.hpp"
#include "fixtures.hpp"

using namespace acp::kubernetes;
using namespace kubernetes_fixtures;

namespace {

KubeconfigInput input() {
  KubeconfigInput in;
  in.cluster_name = "lab";
  in.server = *api_server_url(cluster());
  in.ca_pem = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
  in.client_cert_pem = "-----BEGIN CERTIFICATE-----\nadmin\n-----END CERTIFICATE-----\n";
  in.client_key_pem = "-----BEGIN PRIVATE KEY-----\nk\n-----END PRIVATE KEY-----\n";
  return in;
}

} // namespace

TEST_SUITE("kubernetes::kubeconfig") {
  TEST_CASE("one cluster, user and context; the PEMs embedded and read back") {
    const auto in = input();
    auto text = render_kubeconfig(in);
    REQUIRE(text.ok());
    const auto k = YAML::Load(*text);
    CHECK(k["apiVersion"].as<std::string>() == "v1");
    CHECK(k["kind"].as<std::string>() == "Config");
    REQUIRE(k["clusters"].size() == 1);
    CHECK(k["clusters"][0]["name"].as<std::string>() == "lab");
    CHECK(k["clusters"][0]["cluster"]["server"].as<std::string>() == "https://10.88.0.100:6443");
    CHECK(unbase64(k["clusters"][0]["cluster"]["certificate-authority-data"].as<std::string>()) ==
          in.ca_pem);
    REQUIRE(k["users"].size() == 1);
    CHECK(k["users"][0]["name"].as<std::string>() == "acpctl-admin");
    CHECK(unbase64(k["users"][0]["user"]["client-certificate-data"].as<std::string>()) ==
          in.client_cert_pem);
    CHECK(unbase64(k["users"][0]["user"]["client-key-data"].as<std::string>()) ==
          in.client_key_pem);
    REQUIRE(k["contexts"].size() == 1);
    CHECK(k["contexts"][0]["context"]["cluster"].as<std::string>() == "lab");
    CHECK(k["contexts"][0]["context"]["user"].as<std::string>() == "acpctl-admin");
    CHECK(k["current-context"].as<std::string>() == k["contexts"][0]["name"].as<std::string>());
    CHECK(unknown_fields(k).empty());
  }

  TEST_CASE("base64 of every length pads as RFC 4648 says") {
    auto in = input();
    for (const char* pem : {"f", "fo", "foo", "foob", "fooba", "foobar"}) {
      in.ca_pem = pem;
      const auto k = YAML::Load(*render_kubeconfig(in));
      const auto data = k["clusters"][0]["cluster"]["certificate-authority-data"].as<std::string>();
      CHECK(unbase64(data) == pem);
      CHECK(data.size() % 4 == 0);
    }
    in.ca_pem = "foobar";
    CHECK(YAML::Load(*render_kubeconfig(in))["clusters"][0]["cluster"]["certificate-authority-data"]
              .as<std::string>() == "Zm9vYmFy");
  }

  TEST_CASE("refuses an empty field or a server that is not https") {
    auto in = input();
    in.client_key_pem.clear();
    auto r = render_kubeconfig(in);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("client key") != std::string::npos);
    in = input();
    in.server = "http://10.88.0.100:6443";
    r = render_kubeconfig(in);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("https") != std::string::npos);
  }
}

TEST_SUITE("pki::ca_cert_hash") {
  TEST_CASE("the public key pin matches the one openssl computes the way kubeadm's docs say") {
    const auto pem = read_fixture("ca-hash.pem");
    auto hash = acp::pki::ca_cert_hash(pem.substr(pem.find("-----BEGIN")));
    REQUIRE_MESSAGE(hash.ok(), hash.error().describe());
    CHECK(*hash == k_hash);
    CHECK(pem.find(std::string(k_hash).substr(7)) != std::string::npos); // recorded beside it
  }

  TEST_CASE("refuses what is no certificate") {
    auto r = acp::pki::ca_cert_hash("not a certificate");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == acp::Errc::invalid_input);
  }
}
