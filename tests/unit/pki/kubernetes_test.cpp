// The certificates kubeadm's external-CA mode needs, checked against upstream's table:
// https://kubernetes.io/docs/setup/best-practices/certificates/ (kubernetes/website
// content/en/docs/setup/best-practices/certificates.md), "All certificates" and "Configure
// certificates for user accounts", with the 1.29 group changes (kubernetes/kubernetes#120521:
// no O on apiserver-etcd-client; #121837: apiserver-kubelet-client in kubeadm:cluster-admins;
// KEP-4214: admin.conf in kubeadm:cluster-admins, super-admin.conf in system:masters):
//
// | file                     | CN                             | O (1.29+ / before) | kind   | CA |
// |--------------------------|--------------------------------|------------------------------------------|--------|-------------|
// | apiserver                | kube-apiserver                 | | server | ca          | |
// apiserver-kubelet-client | kube-apiserver-kubelet-client  | kubeadm:cluster-admins /
// system:masters  | client | ca          | | apiserver-etcd-client    | kube-apiserver-etcd-client
// | (none) / system:masters                  | client | etcd-ca (*) | | front-proxy-client       |
// front-proxy-client             |                                          | client | front-proxy
// | | admin.conf               | kubernetes-admin               | kubeadm:cluster-admins /
// system:masters  | client | ca          | | super-admin.conf (1.29+) | kubernetes-super-admin |
// system:masters                           | client | ca          | | controller-manager.conf  |
// system:kube-controller-manager |                                          | client | ca | |
// scheduler.conf           | system:kube-scheduler          | | client | ca          | |
// kubelet.conf             | system:node:<nodeName>         | system:nodes | client | ca          |
// (*) acpctl's etcd CA is the cluster CA. apiserver SANs: [1] kubernetes, kubernetes.default,
// kubernetes.default.svc, kubernetes.default.svc.cluster.local, the load balancer, the host
// name and address; kubeadm also adds the service CIDR's first address.

#include "acpctl/pki/pki.hpp"
#include "fixture.hpp"
#include "pki/layout.hpp"
#include "pki/x509.hpp"
#include "verify.hpp"

#include <doctest/doctest.h>
#include <map>

using namespace acp::pki;
using namespace acp::pki::test;
using acp::util::TempDir;
namespace fs = std::filesystem;

namespace {

detail::CertFacts facts_of(const std::string& pem) {
  return detail::inspect(pem).take();
}

struct Want {
  KubeCert cert{};
  std::string cn{};
  std::string org{};
  bool server = false;
};

std::vector<Want> table(const std::string& node, bool groups_1_29) {
  const std::string admins = groups_1_29 ? "kubeadm:cluster-admins" : "system:masters";
  return {
      {KubeCert::apiserver, "kube-apiserver", "", true},
      {KubeCert::apiserver_kubelet_client, "kube-apiserver-kubelet-client", admins},
      {KubeCert::apiserver_etcd_client, "kube-apiserver-etcd-client",
       groups_1_29 ? "" : "system:masters"},
      {KubeCert::front_proxy_client, "front-proxy-client", ""},
      {KubeCert::admin, "kubernetes-admin", admins},
      {KubeCert::controller_manager, "system:kube-controller-manager", ""},
      {KubeCert::scheduler, "system:kube-scheduler", ""},
      {KubeCert::kubelet, "system:node:" + node, "system:nodes"},
  };
}

// Subject, usage and chain of every Kubernetes certificate of `node`.
void check_node(const ClusterPki& pki, const std::string& node, bool groups_1_29) {
  for (const auto& want : table(node, groups_1_29)) {
    CAPTURE(to_string(want.cert));
    const auto* pair = pki.kubernetes(node, want.cert);
    REQUIRE(pair != nullptr);
    const auto f = facts_of(pair->cert);
    CHECK(f.cn == want.cn);
    CHECK(f.org == want.org);
    CHECK_FALSE(f.is_ca);
    CHECK(f.server_auth == want.server);
    CHECK(f.client_auth == !want.server);
    CHECK(detail::key_matches(pair->cert, pair->key));
    const auto x = read_pem(pair->cert);
    CHECK((X509_get_key_usage(x.get()) & KU_DIGITAL_SIGNATURE) != 0);
    const bool fp = want.cert == KubeCert::front_proxy_client;
    const auto& signer = fp ? pki.front_proxy_ca() : pki.ca_cert();
    const auto& other = fp ? pki.ca_cert() : pki.front_proxy_ca();
    const int purpose = want.server ? X509_PURPOSE_SSL_SERVER : X509_PURPOSE_SSL_CLIENT;
    CHECK(verify_chain(signer, pair->cert, purpose) == X509_V_OK);
    CHECK(verify_chain(other, pair->cert, purpose) != X509_V_OK);
    if (!want.server)
      CHECK(f.sans.empty());
  }
}

} // namespace

TEST_SUITE("pki::kubernetes") {
  TEST_CASE("every certificate kubeadm needs has upstream's subject and usage, and verifies") {
    TempDir dir;
    const auto cluster = example_cluster(true);
    const auto pki = ensure(cluster, dir.path()).take();
    for (const auto* node : {"cp-1", "cp-2", "cp-3"})
      check_node(pki, node, true);
    const auto* super = pki.super_admin();
    REQUIRE(super != nullptr);
    CHECK(facts_of(super->cert).cn == "kubernetes-super-admin");
    CHECK(facts_of(super->cert).org == "system:masters");
    CHECK(verify_chain(pki.ca_cert(), super->cert, X509_PURPOSE_SSL_CLIENT) == X509_V_OK);
    const auto fp = facts_of(pki.front_proxy_ca());
    CHECK(fp.is_ca);
    CHECK(fp.cn == "global-front-proxy-ca");
    CHECK(pki.front_proxy_ca() != pki.ca_cert());
    // ca, front-proxy-ca, 14 leaves as before, 8 per control-plane node, super-admin: a .crt
    // and a .key each; sa.key and sa.pub.
    std::size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir.path() / "pki"))
      files += e.is_regular_file() ? 1 : 0;
    CHECK(files == 2 * (2 + 14 + 3 * 8 + 1) + 2);
    CHECK(mode_of(dir.path() / "pki/front-proxy-ca.key") == 0600);
    CHECK(mode_of(dir.path() / "pki/kubernetes/cp-1-apiserver.key") == 0600);
    CHECK(mode_of(dir.path() / "pki/kubernetes/sa.key") == 0600);
    CHECK(mode_of(dir.path() / "pki/kubernetes") == 0700);
  }

  TEST_CASE("before 1.29 the admin groups are system:masters and there is no super-admin") {
    TempDir dir;
    auto cluster = example_cluster(true);
    cluster.kubernetes_version = "v1.28.9";
    const auto pki = ensure(cluster, dir.path()).take();
    check_node(pki, "cp-2", false);
    CHECK(pki.super_admin() == nullptr);
  }

  TEST_CASE("the API server's SANs are exactly kubeadm's names, the node, the VIP and loopback") {
    TempDir dir;
    const auto pki = ensure(example_cluster(true), dir.path()).take();
    CHECK(facts_of(pki.kubernetes("cp-2", KubeCert::apiserver)->cert).sans ==
          std::vector<std::string>{
              "DNS:cp-2", "DNS:kubernetes", "DNS:kubernetes.default", "DNS:kubernetes.default.svc",
              "DNS:kubernetes.default.svc.cluster.local", "DNS:localhost", "IP:10.4.0.1",
              "IP:127.0.0.1", "IP:192.168.10.100", "IP:192.168.10.12"});
  }

  TEST_CASE("dual-stack service CIDRs and a load balancer name are in the API server's SANs") {
    TempDir dir;
    auto cluster = example_cluster(true);
    cluster.network.service_cidrs = {"10.4.0.0/16", "fd00:10:4::/112"};
    cluster.endpoint.self_built_vip.reset();
    cluster.endpoint.external_load_balancer =
        acp::config::ExternalLoadBalancer{"api.example", 6443};
    cluster.nodes[0].address = "fd00:10::11";
    const auto pki = ensure(cluster, dir.path()).take();
    CHECK(facts_of(pki.kubernetes("cp-1", KubeCert::apiserver)->cert).sans ==
          std::vector<std::string>{"DNS:api.example", "DNS:cp-1", "DNS:kubernetes",
                                   "DNS:kubernetes.default", "DNS:kubernetes.default.svc",
                                   "DNS:kubernetes.default.svc.cluster.local", "DNS:localhost",
                                   "IP:10.4.0.1", "IP:127.0.0.1", "IP:::1", "IP:fd00:10:4::1",
                                   "IP:fd00:10::11"});
  }

  TEST_CASE("the service-account key is kept and sa.pub is its public half") {
    TempDir dir;
    const auto cluster = example_cluster(true);
    const auto pki = ensure(cluster, dir.path()).take();
    const auto* sa = pki.service_account();
    REQUIRE(sa != nullptr);
    CHECK(sa->key == slurp(dir.path() / "pki/kubernetes/sa.key"));
    CHECK(sa->pub == slurp(dir.path() / "pki/kubernetes/sa.pub"));
    CHECK(sa->pub == detail::public_key_pem(sa->key).take());
    CHECK(sa->pub.starts_with("-----BEGIN PUBLIC KEY-----"));
    fs::remove(dir.path() / "pki/kubernetes/sa.pub");
    const auto again = ensure(cluster, dir.path()).take();
    CHECK(again.service_account()->key == sa->key);
    CHECK(slurp(dir.path() / "pki/kubernetes/sa.pub") == sa->pub);
    CHECK(load(cluster, dir.path()).take().service_account()->pub == sa->pub);
  }

  TEST_CASE("certs check lists the front-proxy CA and judges each leaf against its own CA") {
    TempDir dir;
    const auto cluster = example_cluster(true);
    ensure(cluster, dir.path()).take();
    const auto entries = check(cluster, dir.path());
    REQUIRE(entries.size() == 2 + 14 + 3 * 8 + 1);
    CHECK(entries[1].name == "front-proxy-ca");
    for (const auto& e : entries) {
      CAPTURE(e.name);
      CHECK(e.status == CertStatus::ok);
    }
  }
}
