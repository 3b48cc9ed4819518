// Kubernetes' certificates follow the PKI's rules: kept byte for byte while right for the
// config, re-issued exactly when what they name changes; no Kubernetes, no change at all.

#include "acpctl/pki/pki.hpp"
#include "fixture.hpp"
#include "pki/reconcile.hpp"
#include "pki/x509.hpp"

#include <doctest/doctest.h>
#include <map>
#include <set>

using namespace acp::pki;
using namespace acp::pki::test;
using acp::util::TempDir;
namespace fs = std::filesystem;

namespace {

std::set<std::string> names(const detail::Outcome& out) {
  std::set<std::string> s;
  for (const auto& r : out.issued)
    s.insert(r.name);
  return s;
}

// The files under pki/ whose bytes differ between two snapshots.
std::set<std::string> changed(const std::map<std::string, std::string>& before,
                              const std::map<std::string, std::string>& after) {
  std::set<std::string> out;
  for (const auto& [file, bytes] : after)
    if (!before.contains(file) || before.at(file) != bytes)
      out.insert(file);
  return out;
}

} // namespace

TEST_SUITE("pki::kubernetes") {
  TEST_CASE("a second ensure keeps every file byte for byte") {
    TempDir dir;
    const auto cluster = example_cluster(true);
    ensure(cluster, dir.path()).take();
    const auto before = snapshot(dir.path());
    const auto again = detail::reconcile(cluster, dir.path(), {}).take();
    CHECK(again.issued.empty());
    CHECK(snapshot(dir.path()) == before);
  }

  TEST_CASE("a new VIP re-issues exactly the certificates that name it") {
    TempDir dir;
    auto cluster = example_cluster(true);
    ensure(cluster, dir.path()).take();
    const auto before = snapshot(dir.path());
    cluster.endpoint.self_built_vip->vip = "192.168.10.101";
    const auto out = detail::reconcile(cluster, dir.path(), {}).take();
    std::set<std::string> want;
    for (const auto* node : {"cp-1", "cp-2", "cp-3"})
      for (const auto& name :
           {"etcd/" + std::string(node) + "-server", "registry/" + std::string(node) + "-server",
            "kubernetes/" + std::string(node) + "-apiserver"})
        want.insert(name);
    CHECK(names(out) == want);
    std::set<std::string> files;
    for (const auto& name : want) {
      files.insert("pki/" + name + ".crt");
      files.insert("pki/" + name + ".key");
    }
    CHECK(changed(before, snapshot(dir.path())) == files);
  }

  TEST_CASE("a new node address or service CIDR re-issues only the API servers that name it") {
    TempDir dir;
    auto cluster = example_cluster(true);
    ensure(cluster, dir.path()).take();
    cluster.nodes[1].address = "192.168.10.22";
    CHECK(names(detail::reconcile(cluster, dir.path(), {}).take()) ==
          std::set<std::string>{"etcd/cp-2-server", "etcd/cp-2-peer", "registry/cp-2-server",
                                "kubernetes/cp-2-apiserver"});
    cluster.network.service_cidrs = {"10.5.0.0/16"};
    const auto out = detail::reconcile(cluster, dir.path(), {}).take();
    CHECK(names(out) == std::set<std::string>{"kubernetes/cp-1-apiserver",
                                              "kubernetes/cp-2-apiserver",
                                              "kubernetes/cp-3-apiserver"});
    CHECK(out.issued[0].reason == "SANs changed (+IP:10.5.0.1 -IP:10.4.0.1)");
  }

  TEST_CASE("a new cluster CA re-issues every leaf but the front-proxy client") {
    TempDir dir;
    const auto cluster = example_cluster(true);
    ensure(cluster, dir.path()).take();
    const auto fp = slurp(dir.path() / "pki/kubernetes/cp-1-front-proxy-client.crt");
    fs::remove(dir.path() / "pki/ca.crt");
    fs::remove(dir.path() / "pki/ca.key");
    const auto out = detail::reconcile(cluster, dir.path(), {}).take();
    const auto issued = names(out);
    CHECK(issued.contains("ca"));
    CHECK(issued.contains("kubernetes/cp-1-apiserver"));
    CHECK(issued.size() == 1 + 14 + 3 * 7 + 1);
    CHECK_FALSE(issued.contains("kubernetes/cp-1-front-proxy-client"));
    CHECK(slurp(dir.path() / "pki/kubernetes/cp-1-front-proxy-client.crt") == fp);
  }

  TEST_CASE("a new front-proxy CA re-issues the front-proxy clients only") {
    TempDir dir;
    const auto cluster = example_cluster(true);
    ensure(cluster, dir.path()).take();
    fs::remove(dir.path() / "pki/front-proxy-ca.crt");
    fs::remove(dir.path() / "pki/front-proxy-ca.key");
    const auto out = detail::reconcile(cluster, dir.path(), {}).take();
    CHECK(names(out) == std::set<std::string>{"front-proxy-ca",
                                              "kubernetes/cp-1-front-proxy-client",
                                              "kubernetes/cp-2-front-proxy-client",
                                              "kubernetes/cp-3-front-proxy-client"});
  }

  TEST_CASE("without Kubernetes the PKI is what it was: no front-proxy CA, no sa key") {
    TempDir dir;
    const auto cluster = example_cluster(false);
    const auto pki = ensure(cluster, dir.path()).take();
    const auto files = snapshot(dir.path());
    CHECK(files.size() == 30);
    for (const auto& [file, bytes] : files) {
      CAPTURE(file);
      CHECK_FALSE(file.starts_with("pki/kubernetes/"));
      CHECK_FALSE(file.starts_with("pki/front-proxy"));
    }
    CHECK(pki.front_proxy_ca().empty());
    CHECK(pki.service_account() == nullptr);
    CHECK(pki.kubernetes("cp-1", KubeCert::apiserver) == nullptr);
    CHECK(check(cluster, dir.path()).size() == 15);
  }

  TEST_CASE("load reads the Kubernetes certificates and names a missing one") {
    TempDir dir;
    const auto cluster = example_cluster(true);
    ensure(cluster, dir.path()).take();
    CHECK(load(cluster, dir.path()).take().kubernetes("cp-3", KubeCert::kubelet) != nullptr);
    fs::remove(dir.path() / "pki/kubernetes/sa.key");
    auto r = load(cluster, dir.path());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("sa.key is missing") != std::string::npos);
    CHECK_FALSE(fs::exists(dir.path() / "pki/kubernetes/sa.key"));
  }

  TEST_CASE("a worker gets a kubelet certificate only; it is kept, and dropped with the node") {
    TempDir dir;
    auto cluster = example_cluster(true);
    acp::config::Node worker;
    worker.name = "w-1";
    worker.address = "192.168.10.51";
    worker.roles = {acp::config::Role::worker};
    cluster.nodes.push_back(worker);
    const auto pki = ensure(cluster, dir.path()).take();
    const auto* kubelet = pki.kubernetes("w-1", KubeCert::kubelet);
    REQUIRE(kubelet != nullptr);
    const auto f = detail::inspect(kubelet->cert).take();
    CHECK(f.cn == "system:node:w-1");
    CHECK(f.org == "system:nodes");
    CHECK(f.client_auth);
    CHECK_FALSE(f.server_auth);
    CHECK(f.sans.empty());
    CHECK(pki.kubernetes("w-1", KubeCert::apiserver) == nullptr);
    CHECK(pki.kubernetes("w-1", KubeCert::admin) == nullptr);
    CHECK(pki.registry_server("w-1") == nullptr);
    std::set<std::string> worker_files;
    for (const auto& [file, bytes] : snapshot(dir.path()))
      if (file.find("w-1") != std::string::npos)
        worker_files.insert(file);
    CHECK(worker_files ==
          std::set<std::string>{"pki/kubernetes/w-1-kubelet.crt", "pki/kubernetes/w-1-kubelet.key",
                                "pki/registry/w-1-client.crt", "pki/registry/w-1-client.key"});
    const auto entries = check(cluster, dir.path());
    CHECK(entries.size() == 2 + 14 + 3 * 8 + 1 + 1 + 1);
    // A second apply keeps it byte for byte; renew --all re-issues it with the others.
    const auto files = snapshot(dir.path());
    CHECK(detail::reconcile(cluster, dir.path(), {}).take().issued.empty());
    CHECK(snapshot(dir.path()) == files);
    RenewOptions all;
    all.all = true;
    std::set<std::string> renewed;
    for (const auto& r : renew(cluster, dir.path(), all).take())
      renewed.insert(r.name);
    CHECK(renewed.contains("kubernetes/w-1-kubelet"));
    // Without the node in the config, the PKI no longer offers or lists its certificate.
    cluster.nodes.pop_back();
    CHECK(load(cluster, dir.path()).take().kubernetes("w-1", KubeCert::kubelet) == nullptr);
    for (const auto& e : check(cluster, dir.path()))
      CHECK(e.node != "w-1");
  }
}
