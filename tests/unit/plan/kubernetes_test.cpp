// The kubernetes stages' planners: who runs kubeadm init, who joins and in which stage, who
// is reset first, where the join token comes from, and the kubelet's files-and-service step.

#include "acpctl/components/kubernetes/stage.hpp"
#include "acpctl/plan/planner.hpp"
#include "fixtures.hpp"

#include <doctest/doctest.h>

using namespace acp;
using acp::kubernetes::BootstrapParams;
using acp::kubernetes::KubeFacts;

namespace {

struct World {
  config::Cluster cluster = fixtures::example_cluster();
  std::map<std::string, facts::HostFacts> facts;
  plan::PlatformInput platform;
  std::vector<plan::DesiredComponent> components;

  World() {
    for (const char* name : {"w-1", "w-2"}) {
      config::Node worker = cluster.nodes.back();
      worker.name = name;
      worker.address = std::string(name) == "w-1" ? "192.168.10.21" : "192.168.10.22";
      worker.roles = {config::Role::worker};
      cluster.nodes.push_back(worker);
    }
    facts = fixtures::fresh_facts(cluster);
    for (const auto& n : cluster.nodes) {
      kube(n.name, KubeFacts{"/usr/local/bin", "v1.31.6", "sha256:bins"});
      platform.files[n.name]["kubernetes-bootstrap"] = {
          {"/etc/acp/kubernetes/kubeadm.yaml", "cfg-" + n.name, 0600}};
      platform.files[n.name]["kubernetes"] = {{"/etc/kubernetes/kubelet.conf", "k", 0600}};
    }
  }
  void kube(const std::string& node, KubeFacts f) { facts.at(node).components["kubernetes"] = f; }
  KubeFacts& kube(const std::string& node) {
    return *std::any_cast<KubeFacts>(&facts.at(node).components.at("kubernetes"));
  }
  std::vector<plan::HostContext> hosts() const {
    std::vector<plan::HostContext> out;
    for (const auto& n : cluster.nodes)
      out.push_back({n, facts.at(n.name), {}});
    return out;
  }
  Result<std::vector<plan::Step>> bootstrap() const {
    plan::PlanInput input{cluster, components, facts, "c", "p", &platform};
    std::vector<plan::Step> out;
    const auto h = hosts();
    if (auto ok = acp::kubernetes::plan_bootstrap(input, h, out); !ok)
      return std::move(ok).error();
    if (auto ok = acp::kubernetes::plan_workers(input, h, out); !ok)
      return std::move(ok).error();
    return out;
  }
};

const BootstrapParams& params(const plan::Step& s) {
  const auto* p = s.params_as<BootstrapParams>();
  REQUIRE(p != nullptr);
  return *p;
}

std::string summary(const std::vector<plan::Step>& steps) {
  std::string out;
  for (const auto& s : steps)
    out += fmt::format("{}:{}:{}{} ", s.stage, s.host, params(s).role, params(s).reset ? "!" : "");
  return out;
}

} // namespace

TEST_SUITE("plan::kubernetes") {
  TEST_CASE("a fresh cluster: init on the first control plane, joins in order, then workers") {
    World w;
    auto steps = w.bootstrap();
    REQUIRE(steps.ok());
    CHECK(summary(*steps) ==
          "kubernetes-bootstrap:cp-1:init kubernetes-bootstrap:cp-2:control-plane "
          "kubernetes-bootstrap:cp-3:control-plane kubernetes-workers:w-1:worker "
          "kubernetes-workers:w-2:worker ");
    // the config the step will apply is pinned by its digest; no secret is in the params
    CHECK(params(steps->front()).config ==
          plan::files_digest(w.platform.of("cp-1", "kubernetes-bootstrap")));
    const auto json = nlohmann::json(params(steps->front())).dump();
    CHECK(json == fmt::format(R"({{"config":"{}","reset":false,"role":"init"}})",
                              params(steps->front()).config));
  }

  TEST_CASE("after an interruption: a join token from a bootstrapped control plane, resets") {
    World w;
    w.kube("cp-1").marker = "init";
    w.kube("cp-2").kubelet_config = true; // kubeadm join stopped half way
    w.kube("w-2").marker = "worker";
    w.platform.files["cp-1"].erase("kubernetes-bootstrap");
    w.platform.files["w-2"].erase("kubernetes-bootstrap");
    auto steps = w.bootstrap();
    REQUIRE(steps.ok());
    CHECK(summary(*steps) ==
          "kubernetes-bootstrap:cp-1:token kubernetes-bootstrap:cp-2:control-plane! "
          "kubernetes-bootstrap:cp-3:control-plane kubernetes-workers:w-1:worker ");
    CHECK(steps->front().target == plan::Target::cluster);
    CHECK(steps->front().digest.empty());
  }

  TEST_CASE("a replaced first control plane joins the running cluster instead of init") {
    World w;
    w.kube("cp-2").marker = "control-plane";
    w.kube("cp-3").marker = "init";
    w.kube("w-1").marker = "worker";
    w.kube("w-2").marker = "worker";
    CHECK(acp::kubernetes::bootstrap_role(w.cluster, &w.facts, *w.cluster.find_node("cp-1")) ==
          "control-plane");
    for (const char* n : {"cp-2", "cp-3", "w-1", "w-2"})
      w.platform.files[n].erase("kubernetes-bootstrap");
    auto steps = w.bootstrap();
    REQUIRE(steps.ok());
    CHECK(summary(*steps) ==
          "kubernetes-bootstrap:cp-2:token kubernetes-bootstrap:cp-1:control-plane ");
  }

  TEST_CASE("a bootstrapped cluster plans nothing") {
    World w;
    for (const auto& n : w.cluster.nodes) {
      w.kube(n.name).marker = n.has_role(config::Role::control_plane) ? "control-plane" : "worker";
      w.platform.files[n.name].erase("kubernetes-bootstrap");
    }
    auto steps = w.bootstrap();
    REQUIRE(steps.ok());
    CHECK(steps->empty());
  }

  TEST_CASE("joins without any control plane to make a token on are refused") {
    World w;
    w.platform.files["cp-1"].erase("kubernetes-bootstrap"); // cp-1 has no kubeadm
    auto steps = w.bootstrap();
    REQUIRE_FALSE(steps.ok());
    CHECK(steps.error().code() == Errc::conflict);
    CHECK(steps.error().message().find("no control-plane node is bootstrapped") !=
          std::string::npos);
  }

  TEST_CASE("a partial node is one kubeadm left files on, or one where kubeadm still runs") {
    KubeFacts f;
    CHECK_FALSE(f.partial());
    f.kubeadm_running = true;
    CHECK(f.partial());
    f.marker = "worker";
    CHECK_FALSE(f.partial());
    KubeFacts g;
    g.apiserver_manifest = true;
    CHECK(g.partial());
  }

  TEST_CASE("saved params read back exactly, and nothing else") {
    const nlohmann::json j = {{"role", "worker"}, {"reset", true}, {"config", "sha256:ab"}};
    auto p = plan::parse_params<BootstrapParams>(j);
    REQUIRE(p.ok());
    auto extra = j;
    extra["token"] = "abcdef.0123456789abcdef";
    CHECK_FALSE(plan::parse_params<BootstrapParams>(extra).ok());
  }
}

TEST_SUITE("plan::kubernetes files") {
  TEST_CASE("the kubelet's step follows the files and the node's binaries") {
    World w;
    const auto h = w.hosts();
    plan::PlanInput input{w.cluster, w.components, w.facts, "c", "p", &w.platform};
    std::vector<plan::Step> out;
    acp::kubernetes::plan_node(input, h[0], out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].action == plan::Action::create);
    CHECK(out[0].digest ==
          plan::service_digest(w.platform.of("cp-1", "kubernetes"), "sha256:bins"));
    // no kubeadm on the node and none in the package: nothing
    w.facts.at("cp-1").components.erase("kubernetes");
    const auto h2 = w.hosts();
    out.clear();
    acp::kubernetes::plan_node(input, h2[0], out);
    CHECK(out.empty());
  }

  TEST_CASE("a Node the API lists but the config does not name is drained and deleted") {
    World w;
    w.kube("cp-1").marker = "init";
    w.kube("cp-1").api_nodes = std::vector<std::string>{"cp-1", "cp-2", "old-1", "w-1"};
    w.kube("cp-2").marker = "control-plane";
    w.kube("cp-2").api_nodes = std::vector<std::string>{"cp-1", "old-1", "old-2"};
    plan::PlanInput input{w.cluster, w.components, w.facts, "c", "p", &w.platform};
    std::vector<plan::Step> out;
    const auto h = w.hosts();
    REQUIRE(acp::kubernetes::plan_removals(input, h, out).ok());
    // one control plane's view (the first that answered): old-1 only, through cp-1
    REQUIRE(out.size() == 1);
    CHECK(out[0].host == "cp-1");
    CHECK(out[0].stage == "kubernetes-remove");
    CHECK(out[0].target == plan::Target::cluster);
    CHECK(out[0].action == plan::Action::remove);
    CHECK(out[0].params_as<acp::kubernetes::RemoveParams>()->node == "old-1");
    // no control plane answered: nothing (not a guess)
    w.kube("cp-1").api_nodes.reset();
    w.kube("cp-2").api_nodes.reset();
    out.clear();
    const auto h2 = w.hosts();
    REQUIRE(acp::kubernetes::plan_removals(input, h2, out).ok());
    CHECK(out.empty());
  }

  TEST_CASE("a node not ready for the kubelet refuses the plan, naming it and the fix") {
    World w;
    acp::kubernetes::ProbeOutput seen;
    seen.proc_swaps = "Filename Type Size Used Priority\n/swap.img file 1024 0 -2\n";
    seen.sysctls = {{"net.ipv4.ip_forward", "1"}, {"net.bridge.bridge-nf-call-iptables", "1"}};
    w.kube("w-2").prereqs = seen; // no /proc/modules and nothing built in: modules not judged
    auto steps = w.bootstrap();
    REQUIRE_FALSE(steps.ok());
    CHECK(steps.error().host() == "w-2");
    CHECK(steps.error().message().find("swap is on (/swap.img)") != std::string::npos);
    CHECK(steps.error().message().find("module") == std::string::npos);
    CHECK(steps.error().hint().find("swapoff -a") != std::string::npos);
    // fixed: the plan goes through; a node already bootstrapped is not judged again
    w.kube("w-2").prereqs->proc_swaps = "Filename Type Size Used Priority\n";
    CHECK(w.bootstrap().ok());
  }
}

TEST_SUITE("plan::kubernetes_restart") {
  // A converged cluster: every node bootstrapped, its kubernetes record holding `files`.
  World converged(const std::vector<plan::FileDigest>& files) {
    World w;
    for (const auto& n : w.cluster.nodes) {
      w.kube(n.name).marker = n.has_role(config::Role::control_plane) ? "control-plane" : "worker";
      w.platform.files[n.name].erase("kubernetes-bootstrap");
      state::PlatformRecord r;
      r.name = "kubernetes";
      for (const auto& f : files)
        r.files.push_back({f.path, f.sha256});
      w.facts.at(n.name).state.platform["kubernetes"] = r;
      w.platform.files[n.name]["kubernetes"] = files;
    }
    return w;
  }

  const std::vector<plan::FileDigest> k_files{
      {"/etc/kubernetes/kubelet.conf", "k1", 0600},
      {"/etc/kubernetes/pki/apiserver-etcd-client.crt", "e1", 0644},
      {"/etc/kubernetes/controller-manager.conf", "c1", 0600}};

  TEST_CASE("unchanged files: no restart") {
    auto w = converged(k_files);
    auto steps = w.bootstrap();
    REQUIRE(steps.ok());
    CHECK(steps->empty());
  }

  TEST_CASE("a control plane's certificate or kubeconfig changes: every control plane restarts, "
            "one at a time in config order; workers and the kubelet's own file do not count") {
    auto w = converged(k_files);
    for (const auto& n : w.cluster.nodes)
      w.platform.files[n.name]["kubernetes"][1].sha256 = "e2"; // certs renew
    auto steps = w.bootstrap();
    REQUIRE(steps.ok());
    CHECK(summary(*steps) == "kubernetes-bootstrap:cp-1:restart kubernetes-bootstrap:cp-2:restart "
                             "kubernetes-bootstrap:cp-3:restart ");
    CHECK(steps->front().action == plan::Action::restart);
    CHECK(params(steps->front()).subject() == "static pods");
    // only the kubelet's kubeconfig: the kubernetes stage restarts the kubelet, no static pod
    auto kubelet = converged(k_files);
    kubelet.platform.files["cp-2"]["kubernetes"][0].sha256 = "k2";
    REQUIRE(kubelet.bootstrap().ok());
    CHECK(kubelet.bootstrap()->empty());
    // a kubeconfig the controller-manager reads
    auto cm = converged(k_files);
    cm.platform.files["cp-3"]["kubernetes"][2].sha256 = "c2";
    CHECK(summary(*cm.bootstrap()) == "kubernetes-bootstrap:cp-3:restart ");
  }

  TEST_CASE("an apply interrupted after the files changed: the marker still restarts the node") {
    auto w = converged(k_files);
    w.kube("cp-2").restart_pending = true;
    CHECK(summary(*w.bootstrap()) == "kubernetes-bootstrap:cp-2:restart ");
    // not bootstrapped (yet): nothing to restart, the join runs
    auto fresh = World();
    fresh.kube("cp-2").restart_pending = true;
    CHECK(summary(*fresh.bootstrap()).find("restart") == std::string::npos);
  }

  TEST_CASE("static_pod_files_changed: new files count, no record does not") {
    const std::vector<plan::FileDigest> planned{
        {"/etc/kubernetes/pki/front-proxy-client.key", "x", 0600}};
    state::PlatformRecord empty;
    CHECK(acp::kubernetes::static_pod_files_changed(&empty, planned));
    CHECK_FALSE(acp::kubernetes::static_pod_files_changed(nullptr, planned));
    const std::vector<plan::FileDigest> other{{"/etc/kubernetes/pki-old/x.crt", "x", 0600},
                                              {"/etc/acp/kubernetes/kubelet-run.sh", "y", 0755}};
    CHECK_FALSE(acp::kubernetes::static_pod_files_changed(&empty, other));
  }
}
