#include "../service/run_local.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/shell.hpp"
#include "fixtures.hpp"

#include <filesystem>

using namespace acp::kubernetes;
using namespace kubernetes_fixtures;

namespace {

// The lab cluster's PKI, made once per test run in a scratch directory: no key is committed.
struct MadePki {
  acp::util::TempDir dir;
  acp::pki::ClusterPki pki = acp::pki::ensure(cluster(), dir.path()).take();
};

const MadePki& made() {
  static const MadePki pki;
  return pki;
}

KubeconfigInput input() {
  KubeconfigInput in;
  in.cluster_name = "lab";
  in.server = *api_server_url(cluster());
  in.ca_pem = made().pki.ca_cert();
  in.client_cert_pem = made().pki.admin().cert;
  in.client_key_pem = made().pki.admin().key;
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
    // kubeadm join's --discovery-token-ca-cert-hash recipe
    // (https://kubernetes.io/docs/reference/setup-tools/kubeadm/kubeadm-join/), with
    // `openssl pkey` for any key type where the docs use `openssl rsa`.
    const auto ca = made().dir.path() / "pki" / "ca.crt";
    REQUIRE(std::filesystem::exists(ca));
    const auto ran = test_support::run_local(
        "openssl x509 -pubkey -noout -in " + acp::util::shell_quote(ca.string()) +
        " | openssl pkey -pubin -outform der | openssl dgst -sha256 -hex | sed 's/^.* //'");
    REQUIRE_MESSAGE(ran.exit_code == 0, ran.output);
    const auto want = "sha256:" + ran.output.substr(0, ran.output.find('\n'));
    REQUIRE(want.size() == 7 + 64);
    auto hash = acp::pki::ca_cert_hash(made().pki.ca_cert());
    REQUIRE_MESSAGE(hash.ok(), hash.error().describe());
    CHECK(*hash == want);
  }

  TEST_CASE("refuses what is no certificate") {
    auto r = acp::pki::ca_cert_hash("not a certificate");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == acp::Errc::invalid_input);
  }
}
