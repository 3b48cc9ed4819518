#include "fixtures.hpp"

#include <algorithm>

using namespace acp::kubernetes;
using namespace kubernetes_fixtures;

namespace {

bool has(const YAML::Node& list, const std::string& value) {
  for (const auto& item : list)
    if (item.as<std::string>() == value)
      return true;
  return false;
}

} // namespace

TEST_SUITE("kubernetes::kubeadm_api") {
  TEST_CASE("v1beta4 from 1.31, v1beta3 from 1.22 to 1.30") {
    CHECK(*kubeadm_api("v1.31.0") == KubeadmApi::v1beta4);
    CHECK(*kubeadm_api("1.33.2") == KubeadmApi::v1beta4);
    CHECK(*kubeadm_api("v1.30.9") == KubeadmApi::v1beta3);
    CHECK(*kubeadm_api("v1.22.0") == KubeadmApi::v1beta3);
    CHECK(api_version(KubeadmApi::v1beta4) == "kubeadm.k8s.io/v1beta4");
    CHECK(api_version(KubeadmApi::v1beta3) == "kubeadm.k8s.io/v1beta3");
  }

  TEST_CASE("refuses old, foreign and malformed versions with a hint") {
    for (const char* bad : {"v1.21.14", "v2.0.0", "v0.31.0"}) {
      auto r = kubeadm_api(bad);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().code() == acp::Errc::invalid_input);
      CHECK(r.error().message().find("not supported") != std::string::npos);
      CHECK(r.error().hint().find("v1.22.0") != std::string::npos);
    }
    for (const char* bad : {"", "1.31", "v1.31.6-rc.1", "latest", "v1..3", "v1.31.x"}) {
      auto r = kubeadm_api(bad);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().code() == acp::Errc::invalid_input);
      CHECK_FALSE(r.error().hint().empty());
    }
  }

  TEST_CASE("a cluster with a bad version renders nothing") {
    Shape s;
    s.version = "v1.20.15";
    const auto c = cluster(s);
    auto r = render_kubeadm(c, c.nodes[0], {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == acp::Errc::invalid_input);
  }
}

TEST_SUITE("kubernetes::render_kubeadm") {
  TEST_CASE("v1beta4 init: this node, the token and key as placeholders, timeouts") {
    const auto docs = render(cluster(), "cp-1");
    REQUIRE(docs.size() == 3);
    const auto& init = docs[0];
    CHECK(init["apiVersion"].as<std::string>() == "kubeadm.k8s.io/v1beta4");
    CHECK(init["kind"].as<std::string>() == "InitConfiguration");
    CHECK(init["bootstrapTokens"][0]["token"].as<std::string>() ==
          "{{ACP_SECRET:bootstrap-token}}");
    CHECK_FALSE(init["certificateKey"]); // external-CA mode: no certificates are uploaded
    CHECK(init["localAPIEndpoint"]["advertiseAddress"].as<std::string>() == "10.88.0.11");
    CHECK(init["localAPIEndpoint"]["bindPort"].as<int>() == 6443);
    const auto reg = init["nodeRegistration"];
    CHECK(reg["name"].as<std::string>() == "cp-1");
    CHECK(reg["criSocket"].as<std::string>() == "unix:///run/containerd/containerd.sock");
    REQUIRE(reg["kubeletExtraArgs"].IsSequence());
    CHECK(reg["kubeletExtraArgs"][0]["name"].as<std::string>() == "node-ip");
    CHECK(reg["kubeletExtraArgs"][0]["value"].as<std::string>() == "10.88.0.11");
    CHECK(init["timeouts"]["controlPlaneComponentHealthCheck"].as<std::string>() == "4m0s");
  }

  TEST_CASE("v1beta4 cluster: endpoint, images, networks, external etcd, SANs") {
    const auto docs = render(cluster(), "cp-1");
    const auto& cc = docs[1];
    CHECK(cc["kind"].as<std::string>() == "ClusterConfiguration");
    CHECK(cc["clusterName"].as<std::string>() == "lab");
    CHECK(cc["kubernetesVersion"].as<std::string>() == "v1.31.6");
    CHECK(cc["controlPlaneEndpoint"].as<std::string>() == "10.88.0.100:6443");
    CHECK(cc["imageRepository"].as<std::string>() == "10.88.0.100:11443/acp");
    CHECK(cc["certificatesDir"].as<std::string>() == "/etc/kubernetes/pki");
    CHECK(cc["networking"]["podSubnet"].as<std::string>() == "10.3.0.0/16");
    CHECK(cc["networking"]["serviceSubnet"].as<std::string>() == "10.4.0.0/16");
    const auto etcd = cc["etcd"]["external"];
    REQUIRE(etcd["endpoints"].size() == 3);
    CHECK(etcd["endpoints"][0].as<std::string>() == "https://10.88.0.11:2379");
    CHECK(etcd["endpoints"][2].as<std::string>() == "https://10.88.0.13:2379");
    CHECK(etcd["caFile"].as<std::string>() == "/etc/kubernetes/pki/etcd/ca.crt");
    CHECK(etcd["certFile"].as<std::string>() == "/etc/kubernetes/pki/apiserver-etcd-client.crt");
    CHECK(etcd["keyFile"].as<std::string>() == "/etc/kubernetes/pki/apiserver-etcd-client.key");
    CHECK_FALSE(cc["etcd"]["local"].IsDefined());
    const auto sans = cc["apiServer"]["certSANs"];
    for (const char* san : {"10.88.0.100", "cp-1", "cp-2", "cp-3", "10.88.0.11", "10.88.0.13"})
      CHECK_MESSAGE(has(sans, san), san);
    CHECK_FALSE(has(sans, "w-1"));
    CHECK_FALSE(cc["apiServer"]["timeoutForControlPlane"].IsDefined());
    const auto& kubelet = docs[2];
    CHECK(kubelet["apiVersion"].as<std::string>() == "kubelet.config.k8s.io/v1beta1");
    CHECK(kubelet["cgroupDriver"].as<std::string>() == "systemd");
    CHECK(kubelet["containerRuntimeEndpoint"].as<std::string>() ==
          "unix:///run/containerd/containerd.sock");
  }

  TEST_CASE("v1beta3: extra arguments as a map, the control-plane timeout on apiServer") {
    Shape s;
    s.version = "v1.28.15";
    const auto docs = render(cluster(s), "cp-1", "cgroupfs");
    REQUIRE(docs.size() == 3);
    CHECK(docs[0]["apiVersion"].as<std::string>() == "kubeadm.k8s.io/v1beta3");
    const auto args = docs[0]["nodeRegistration"]["kubeletExtraArgs"];
    REQUIRE(args.IsMap());
    CHECK(args["node-ip"].as<std::string>() == "10.88.0.11");
    CHECK_FALSE(docs[0]["timeouts"].IsDefined());
    CHECK(docs[1]["apiVersion"].as<std::string>() == "kubeadm.k8s.io/v1beta3");
    CHECK(docs[1]["apiServer"]["timeoutForControlPlane"].as<std::string>() == "4m0s");
    CHECK(docs[1]["kubernetesVersion"].as<std::string>() == "v1.28.15");
    CHECK(docs[2]["cgroupDriver"].as<std::string>() == "cgroupfs");
  }

  TEST_CASE("before 1.27 the kubelet gets its runtime socket only from criSocket") {
    Shape s;
    s.version = "v1.26.3";
    const auto docs = render(cluster(s), "cp-1");
    CHECK_FALSE(docs[2]["containerRuntimeEndpoint"].IsDefined());
    CHECK(docs[0]["nodeRegistration"]["criSocket"].as<std::string>() ==
          "unix:///run/containerd/containerd.sock");
  }

  TEST_CASE("1, 3 and 5 control planes: one init, control-plane joins, worker joins") {
    for (const int n : {1, 3, 5}) {
      CAPTURE(n);
      Shape s;
      s.control_planes = n;
      s.workers = 2;
      const auto c = cluster(s);
      CHECK(render(c, "cp-1")[0]["kind"].as<std::string>() == "InitConfiguration");
      CHECK(render(c, "cp-1")[1]["etcd"]["external"]["endpoints"].size() ==
            static_cast<std::size_t>(n));
      CHECK(render(c, "cp-1")[1]["apiServer"]["certSANs"].size() ==
            static_cast<std::size_t>(2 * n + 1));
      for (int i = 2; i <= n; ++i) {
        const auto name = fmt::format("cp-{}", i);
        const auto docs = render(c, name);
        REQUIRE(docs.size() == 1);
        const auto& join = docs[0];
        CHECK(join["kind"].as<std::string>() == "JoinConfiguration");
        CHECK(join["nodeRegistration"]["name"].as<std::string>() == name);
        const auto cp = join["controlPlane"];
        REQUIRE(cp.IsMap());
        CHECK(cp["localAPIEndpoint"]["advertiseAddress"].as<std::string>() ==
              fmt::format("10.88.0.{}", 10 + i));
        CHECK(cp["localAPIEndpoint"]["bindPort"].as<int>() == 6443);
        // a certificate key would make kubeadm download certificates nobody uploaded
        CHECK_FALSE(cp["certificateKey"]);
      }
      for (const char* worker : {"w-1", "w-2"}) {
        const auto docs = render(c, worker);
        REQUIRE(docs.size() == 1);
        CHECK(docs[0]["kind"].as<std::string>() == "JoinConfiguration");
        CHECK_FALSE(docs[0]["controlPlane"].IsDefined());
      }
    }
  }

  TEST_CASE("joins find the API through the endpoint and pin the cluster CA") {
    const auto join = render(cluster(), "w-1")[0];
    const auto token = join["discovery"]["bootstrapToken"];
    CHECK(token["apiServerEndpoint"].as<std::string>() == "10.88.0.100:6443");
    CHECK(token["token"].as<std::string>() == "{{ACP_SECRET:bootstrap-token}}");
    REQUIRE(token["caCertHashes"].size() == 1);
    CHECK(token["caCertHashes"][0].as<std::string>() == k_hash);
    CHECK_FALSE(token["unsafeSkipCAVerification"].IsDefined());
    CHECK(join["nodeRegistration"]["kubeletExtraArgs"][0]["value"].as<std::string>() ==
          "10.88.0.51");
  }

  TEST_CASE("an external load balancer is the endpoint, the discovery address and a SAN") {
    Shape s;
    s.load_balancer = true;
    const auto c = cluster(s);
    const auto cc = render(c, "cp-1")[1];
    CHECK(cc["controlPlaneEndpoint"].as<std::string>() == "lb.example.com:8443");
    CHECK(has(cc["apiServer"]["certSANs"], "lb.example.com"));
    CHECK_FALSE(has(cc["apiServer"]["certSANs"], "10.88.0.100"));
    CHECK(render(c, "cp-2")[0]["discovery"]["bootstrapToken"]["apiServerEndpoint"]
              .as<std::string>() == "lb.example.com:8443");
    CHECK(*api_server_url(c) == "https://lb.example.com:8443");
  }

  TEST_CASE("an IPv6 VIP is bracketed in the endpoint") {
    Shape s;
    s.vip = "fd00:88::100";
    const auto c = cluster(s);
    CHECK(*control_plane_endpoint(c) == "[fd00:88::100]:6443");
    CHECK(*api_server_url(c) == "https://[fd00:88::100]:6443");
  }

  TEST_CASE("dual-stack: both families' CIDRs, comma-joined") {
    Shape s;
    s.dual_stack = true;
    const auto cc = render(cluster(s), "cp-1")[1];
    CHECK(cc["networking"]["podSubnet"].as<std::string>() == "10.3.0.0/16,fd00:10:3::/56");
    CHECK(cc["networking"]["serviceSubnet"].as<std::string>() == "10.4.0.0/16,fd00:10:4::/112");
  }

  TEST_CASE("without spec.registry kubeadm keeps its default image repository") {
    auto c = cluster();
    c.registry.reset();
    CHECK(image_repository(c).empty());
    CHECK_FALSE(render(c, "cp-1")[1]["imageRepository"].IsDefined());
  }

  TEST_CASE("node names that look like numbers stay strings") {
    auto c = cluster();
    c.nodes[0].name = "1234";
    const auto docs = render(c, "1234");
    CHECK(docs[0]["nodeRegistration"]["name"].Tag() == "!");
    CHECK(docs[0]["nodeRegistration"]["name"].as<std::string>() == "1234");
  }

  TEST_CASE("refuses what kubeadm could not use") {
    auto c = cluster();
    acp::kubernetes::KubeadmOptions options;
    options.ca_cert_hash = k_hash;
    options.cgroup_driver = "cgroupv2";
    auto r = render_kubeadm(c, c.nodes[0], options);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("cgroupv2") != std::string::npos);

    options.cgroup_driver = "systemd";
    options.ca_cert_hash.clear();
    CHECK(render_kubeadm(c, c.nodes[0], options).ok()); // init needs no hash
    r = render_kubeadm(c, *c.find_node("w-1"), options);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().host() == "w-1");
    CHECK(r.error().hint().find("ca_cert_hash") != std::string::npos);

    options.ca_cert_hash = k_hash;
    auto no_endpoint = cluster();
    no_endpoint.endpoint = {};
    r = render_kubeadm(no_endpoint, no_endpoint.nodes[0], options);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == acp::Errc::invalid_input);
    CHECK(r.error().hint().find("selfBuiltVIP") != std::string::npos);

    auto no_etcd = cluster();
    for (auto& n : no_etcd.nodes)
      n.roles.erase(std::remove(n.roles.begin(), n.roles.end(), acp::config::Role::etcd),
                    n.roles.end());
    r = render_kubeadm(no_etcd, no_etcd.nodes[0], options);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("etcd") != std::string::npos);
  }
}
