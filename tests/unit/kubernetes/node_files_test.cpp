// What a node gets for kubeadm's external-CA mode: exactly kubeadm's files (a worker: the CA
// and kubelet.conf), never a CA key, and kubeconfigs that parse and carry the node's own
// client certificate.

#include "acpctl/components/kubernetes/files.hpp"
#include "fixtures.hpp"

#include <map>
#include <set>

using namespace acp::kubernetes;
using namespace kubernetes_fixtures;
using acp::pki::KubeCert;
using acp::util::TempDir;

namespace {

std::map<std::string, acp::pki::NodeFile> by_path(const std::vector<acp::pki::NodeFile>& files) {
  std::map<std::string, acp::pki::NodeFile> out;
  for (const auto& f : files)
    out[f.path] = f;
  return out;
}

std::set<std::string> paths(const std::vector<acp::pki::NodeFile>& files) {
  std::set<std::string> out;
  for (const auto& f : files)
    out.insert(f.path);
  return out;
}

const std::set<std::string> k_pki_files{
    "/etc/kubernetes/pki/ca.crt",
    "/etc/kubernetes/pki/etcd/ca.crt",
    "/etc/kubernetes/pki/front-proxy-ca.crt",
    "/etc/kubernetes/pki/apiserver.crt",
    "/etc/kubernetes/pki/apiserver.key",
    "/etc/kubernetes/pki/apiserver-kubelet-client.crt",
    "/etc/kubernetes/pki/apiserver-kubelet-client.key",
    "/etc/kubernetes/pki/apiserver-etcd-client.crt",
    "/etc/kubernetes/pki/apiserver-etcd-client.key",
    "/etc/kubernetes/pki/front-proxy-client.crt",
    "/etc/kubernetes/pki/front-proxy-client.key",
    "/etc/kubernetes/pki/sa.key",
    "/etc/kubernetes/pki/sa.pub",
    "/etc/kubernetes/admin.conf",
    "/etc/kubernetes/controller-manager.conf",
    "/etc/kubernetes/scheduler.conf",
    "/etc/kubernetes/kubelet.conf",
};

} // namespace

TEST_SUITE("kubernetes::node_files") {
  TEST_CASE("a control-plane node gets exactly kubeadm's files and no CA key") {
    TempDir dir;
    const auto c = cluster();
    const auto pki = acp::pki::ensure(c, dir.path()).take();
    const auto ca_key = acp::util::read_file(dir.path() / "pki/ca.key").take();
    const auto fp_key = acp::util::read_file(dir.path() / "pki/front-proxy-ca.key").take();
    auto init_want = k_pki_files;
    init_want.insert("/etc/kubernetes/super-admin.conf");
    const auto init = node_files(c, pki, *c.find_node("cp-1")).take();
    CHECK(paths(init) == init_want);
    const auto join = node_files(c, pki, *c.find_node("cp-2")).take();
    CHECK(paths(join) == k_pki_files);
    for (const auto& f : join) {
      CAPTURE(f.path);
      CHECK_FALSE(f.path.ends_with("ca.key"));
      CHECK(f.content.find(ca_key) == std::string::npos);
      CHECK(f.content.find(fp_key) == std::string::npos);
      const bool secret = f.path.ends_with(".key") || f.path.ends_with(".conf");
      CHECK(f.mode == (secret ? 0600u : 0644u));
    }
    const auto files = by_path(join);
    CHECK(files.at("/etc/kubernetes/pki/ca.crt").content == pki.ca_cert());
    CHECK(files.at("/etc/kubernetes/pki/etcd/ca.crt").content == pki.ca_cert());
    CHECK(files.at("/etc/kubernetes/pki/front-proxy-ca.crt").content == pki.front_proxy_ca());
    CHECK(files.at("/etc/kubernetes/pki/apiserver.key").content ==
          pki.kubernetes("cp-2", KubeCert::apiserver)->key);
    CHECK(files.at("/etc/kubernetes/pki/sa.pub").content == pki.service_account()->pub);
  }

  TEST_CASE("a worker gets the CA and its own kubelet.conf, nothing else") {
    TempDir dir;
    const auto c = cluster();
    const auto pki = acp::pki::ensure(c, dir.path()).take();
    const auto ca_key = acp::util::read_file(dir.path() / "pki/ca.key").take();
    const auto worker = node_files(c, pki, *c.find_node("w-1")).take();
    CHECK(paths(worker) ==
          std::set<std::string>{"/etc/kubernetes/pki/ca.crt", "/etc/kubernetes/kubelet.conf"});
    const auto files = by_path(worker);
    const auto& ca = files.at("/etc/kubernetes/pki/ca.crt");
    CHECK(ca.content == pki.ca_cert());
    CHECK(ca.mode == 0644u);
    const auto& conf = files.at("/etc/kubernetes/kubelet.conf");
    CHECK(conf.mode == 0600u);
    CHECK(conf.content.find(ca_key) == std::string::npos);
    const auto* pair = pki.kubernetes("w-1", KubeCert::kubelet);
    REQUIRE(pair != nullptr);
    const auto k = YAML::Load(conf.content);
    CHECK(k["clusters"][0]["cluster"]["server"].as<std::string>() == "https://10.88.0.100:6443");
    CHECK(unbase64(k["clusters"][0]["cluster"]["certificate-authority-data"].as<std::string>()) ==
          pki.ca_cert());
    CHECK(k["users"][0]["name"].as<std::string>() == "system:node:w-1");
    CHECK(unbase64(k["users"][0]["user"]["client-certificate-data"].as<std::string>()) ==
          pair->cert);
    CHECK(unbase64(k["users"][0]["user"]["client-key-data"].as<std::string>()) == pair->key);
    // The join ignores exactly kubeadm's checks for these two files.
    CHECK(k_join_ignore_preflight ==
          "FileAvailable--etc-kubernetes-kubelet.conf,FileAvailable--etc-kubernetes-pki-ca.crt");
  }

  TEST_CASE("a worker behind a load balancer reaches the API there") {
    TempDir dir;
    Shape shape;
    shape.load_balancer = true;
    const auto c = cluster(shape);
    const auto pki = acp::pki::ensure(c, dir.path()).take();
    const auto files = by_path(node_files(c, pki, *c.find_node("w-1")).take());
    const auto k = YAML::Load(files.at("/etc/kubernetes/kubelet.conf").content);
    CHECK(k["clusters"][0]["cluster"]["server"].as<std::string>() == "https://lb.example.com:8443");
  }

  TEST_CASE("the kubeconfigs parse and carry the node's own client certificate") {
    TempDir dir;
    const auto c = cluster();
    const auto pki = acp::pki::ensure(c, dir.path()).take();
    const auto files = by_path(node_files(c, pki, *c.find_node("cp-1")).take());
    struct Want {
      const char* file;
      const acp::pki::KeyPair* pair;
      std::string user;
      std::string server;
    };
    const std::vector<Want> wants{
        {"admin.conf", pki.kubernetes("cp-1", KubeCert::admin), "kubernetes-admin",
         "https://10.88.0.100:6443"},
        {"super-admin.conf", pki.super_admin(), "kubernetes-super-admin",
         "https://10.88.0.100:6443"},
        {"controller-manager.conf", pki.kubernetes("cp-1", KubeCert::controller_manager),
         "system:kube-controller-manager", "https://10.88.0.11:6443"},
        {"scheduler.conf", pki.kubernetes("cp-1", KubeCert::scheduler), "system:kube-scheduler",
         "https://10.88.0.11:6443"},
        {"kubelet.conf", pki.kubernetes("cp-1", KubeCert::kubelet), "system:node:cp-1",
         "https://10.88.0.100:6443"},
    };
    for (const auto& w : wants) {
      CAPTURE(w.file);
      REQUIRE(w.pair != nullptr);
      const auto k = YAML::Load(files.at(std::string("/etc/kubernetes/") + w.file).content);
      CHECK(k["kind"].as<std::string>() == "Config");
      CHECK(k["clusters"][0]["name"].as<std::string>() == "lab");
      CHECK(k["clusters"][0]["cluster"]["server"].as<std::string>() == w.server);
      CHECK(unbase64(k["clusters"][0]["cluster"]["certificate-authority-data"].as<std::string>()) ==
            pki.ca_cert());
      CHECK(k["users"][0]["name"].as<std::string>() == w.user);
      CHECK(unbase64(k["users"][0]["user"]["client-certificate-data"].as<std::string>()) ==
            w.pair->cert);
      CHECK(unbase64(k["users"][0]["user"]["client-key-data"].as<std::string>()) == w.pair->key);
      CHECK(k["current-context"].as<std::string>() == w.user + "@lab");
    }
  }

  TEST_CASE("an IPv6 node's local API endpoint is bracketed") {
    TempDir dir;
    auto c = cluster();
    c.nodes[1].address = "fd00:88::12";
    const auto pki = acp::pki::ensure(c, dir.path()).take();
    const auto files = by_path(node_files(c, pki, *c.find_node("cp-2")).take());
    const auto k = YAML::Load(files.at("/etc/kubernetes/scheduler.conf").content);
    CHECK(k["clusters"][0]["cluster"]["server"].as<std::string>() == "https://[fd00:88::12]:6443");
  }

  TEST_CASE("a PKI made without Kubernetes is refused for every node") {
    TempDir dir;
    auto c = cluster();
    c.kubernetes_version.clear();
    const auto pki = acp::pki::ensure(c, dir.path()).take();
    for (const auto* node : {"cp-1", "w-1"}) {
      CAPTURE(node);
      const auto r = node_files(cluster(), pki, *c.find_node(node));
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().code() == acp::Errc::invalid_input);
      CHECK(r.error().host() == node);
      CHECK(r.error().hint().find("kubernetesVersion") != std::string::npos);
    }
  }
}
