// The bootstrap's plan, from the nodes' facts: who runs kubeadm init, who joins, who was
// interrupted (reset first), and where a join token comes from when no init runs.

#include "acpctl/components/kubernetes/prereqs.hpp"
#include "acpctl/components/kubernetes/stage.hpp"
#include "acpctl/plan/planner.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::kubernetes {

using namespace plan;

namespace {

const KubeFacts* kube_facts(const facts::HostFacts& facts) {
  return facts.component<KubeFacts>(std::string(k_name));
}

bool bootstrapped(const std::map<std::string, facts::HostFacts>* facts, const std::string& node) {
  if (!facts)
    return false;
  const auto it = facts->find(node);
  const auto* f = it == facts->end() ? nullptr : kube_facts(it->second);
  return f && f->bootstrapped();
}

std::string reason_for(const BootstrapParams& p) {
  const std::string reset = p.reset ? "kubeadm reset (an earlier run was interrupted), then " : "";
  if (p.role == "init")
    return reset + "kubeadm init: the cluster's first control plane";
  if (p.role == "control-plane")
    return reset + "kubeadm join --control-plane, then the API server must answer";
  return reset + "kubeadm join as a worker";
}

// The step of a node that still needs kubeadm; nullopt when it does not.
std::optional<Step> node_step(const PlanInput& input, const HostContext& host) {
  if (!input.platform)
    return std::nullopt;
  const auto& files = input.platform->of(host.node.name, std::string(k_bootstrap));
  const auto* f = kube_facts(host.facts);
  if (files.empty() || (f && f->bootstrapped()))
    return std::nullopt;
  BootstrapParams p;
  p.role = bootstrap_role(input.cluster, &input.facts, host.node);
  p.reset = f && f->partial();
  p.config = files_digest(files);
  Step step;
  step.host = host.node.name;
  step.stage = std::string(p.role == "worker" ? k_workers : k_bootstrap);
  step.component = std::string(k_name);
  step.digest = p.config;
  step.reason = reason_for(p);
  step.params = make_params(std::move(p));
  return step;
}

// A bootstrapped control plane whose certificates or kubeconfigs the kubernetes stage
// changes (or changed, in an interrupted apply): its static pods restart on them.
std::optional<Step> restart_step(const PlanInput& input, const HostContext& host) {
  const auto* f = kube_facts(host.facts);
  if (!input.platform || !f || !f->bootstrapped() ||
      !host.node.has_role(config::Role::control_plane))
    return std::nullopt;
  const auto& files = input.platform->of(host.node.name, std::string(k_name));
  if (files.empty() ||
      (!f->restart_pending &&
       !static_pod_files_changed(host.facts.state.find_record(std::string(k_name)), files)))
    return std::nullopt;
  Step step;
  step.host = host.node.name;
  step.stage = std::string(k_bootstrap);
  step.component = std::string(k_name);
  step.action = Action::restart;
  step.reason = "its certificates or kubeconfigs change: restart kube-apiserver, the "
                "controller-manager and the scheduler one at a time, then the API server must "
                "answer";
  step.params = make_params(BootstrapParams{"restart", false, ""});
  return step;
}

// A join token made on a bootstrapped control-plane node, for joins when no init runs.
Result<Step> token_step(const PlanInput& input, std::span<const HostContext> hosts) {
  for (const auto& host : hosts)
    if (host.node.has_role(config::Role::control_plane) &&
        bootstrapped(&input.facts, host.node.name)) {
      Step step;
      step.host = host.node.name;
      step.stage = std::string(k_bootstrap);
      step.component = std::string(k_name);
      step.target = Target::cluster;
      step.reason = "make a join token (1 h) for the nodes that join";
      step.params = make_params(BootstrapParams{"token", false, ""});
      return step;
    }
  return Error(Errc::conflict, "nodes must join Kubernetes, but no control-plane node is "
                               "bootstrapped to make a join token on")
      .with_hint("run `acpctl status` to see why the control-plane nodes have no Kubernetes");
}

// Before kubeadm runs on `host`: the kubelet's kernel prerequisites (swap off, modules,
// sysctls) from its facts, every problem named with its fix. Modules are not judged on a node
// whose /proc/modules could not be read and whose kernel builds none in.
Status check_prerequisites(const PlanInput& input, const HostContext& host) {
  const auto* f = kube_facts(host.facts);
  if (!f || !f->prereqs)
    return {};
  auto wanted = kubelet_prerequisites(input.cluster.network.ip_family);
  if (f->prereqs->proc_modules.empty() && f->prereqs->modules_builtin.empty())
    wanted.modules.clear();
  const auto problems = kubernetes::check_prerequisites(host.node.name, wanted, *f->prereqs);
  if (problems.empty())
    return {};
  std::string what;
  std::string fixes;
  for (const auto& e : problems) {
    what += (what.empty() ? "" : "; ") + e.message();
    fixes += (fixes.empty() ? "" : "; ") + e.hint();
  }
  return Error(Errc::invalid_input, "the node is not ready for the kubelet: " + what)
      .with_host(host.node.name)
      .with_hint(fixes);
}

} // namespace

std::string bootstrap_role(const config::Cluster& cluster,
                           const std::map<std::string, facts::HostFacts>* facts,
                           const config::Node& node) {
  if (facts)
    if (const auto it = facts->find(node.name); it != facts->end())
      if (const auto* f = kube_facts(it->second); f && f->bootstrapped())
        return f->marker;
  if (!node.has_role(config::Role::control_plane))
    return "worker";
  const auto cps = cluster.nodes_with(config::Role::control_plane);
  const bool any = std::any_of(cps.begin(), cps.end(),
                               [&](const config::Node* n) { return bootstrapped(facts, n->name); });
  return !any && !cps.empty() && cps.front()->name == node.name ? "init" : "control-plane";
}

Status plan_bootstrap(const PlanInput& input, std::span<const HostContext> hosts,
                      std::vector<Step>& out) {
  std::vector<Step> steps;
  bool init = false;
  bool joins = false;
  for (const auto& host : hosts)
    if (auto restart = restart_step(input, host))
      steps.push_back(std::move(*restart));
  for (const auto& host : hosts)
    if (auto step = node_step(input, host)) {
      if (auto ok = check_prerequisites(input, host); !ok)
        return ok;
      const auto role = step->params_as<BootstrapParams>()->role;
      init = init || role == "init";
      joins = true;
      if (role != "worker")
        steps.push_back(std::move(*step));
    }
  if (joins && !init) {
    auto token = token_step(input, hosts);
    if (!token)
      return std::move(token).error();
    steps.insert(steps.begin(), std::move(*token));
  }
  // init first, then the control-plane joins in file order
  std::stable_partition(steps.begin(), steps.end(), [](const Step& s) {
    return s.params_as<BootstrapParams>()->role != "control-plane";
  });
  out.insert(out.end(), steps.begin(), steps.end());
  return {};
}

Status plan_workers(const PlanInput& input, std::span<const HostContext> hosts,
                    std::vector<Step>& out) {
  for (const auto& host : hosts)
    if (auto step = node_step(input, host); step && step->stage == k_workers)
      out.push_back(std::move(*step));
  return {};
}

std::string BootstrapParams::subject() const {
  if (role == "restart")
    return "static pods";
  return role == "token" ? "join token" : "kubeadm " + role;
}

std::string BootstrapParams::create_verb() const {
  return role == "token" ? "make" : (role == "init" ? "init" : "join");
}

} // namespace acp::kubernetes
