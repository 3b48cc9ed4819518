// Registration of Kubernetes: Nodes gone from the config drained and deleted (54), the files and
// the kubelet on every node (55), then kubeadm on the control-plane nodes one at a time (56), on
// the workers in batches (57), the core manifests (58); its facts probe, its ports on control-plane
// nodes and its status line.

#include "acpctl/components/kubernetes/render.hpp"
#include "acpctl/components/kubernetes/stage.hpp"
#include "acpctl/components/registry.hpp"

#include <array>

namespace acp::components {

namespace {

namespace k8s = acp::kubernetes;

// While acp-kubelet runs on a node, these are its own (its static pods' on control planes).
std::vector<preflight::PortClaim> kubernetes_ports(const config::Cluster& cluster) {
  if (cluster.kubernetes_version.empty())
    return {};
  const auto cp = k8s::kubernetes_ports(true);
  const auto worker = k8s::kubernetes_ports(false);
  return {{{config::Role::control_plane}, {cp.begin(), cp.end()}, "kubelet"},
          {{config::Role::worker, config::Role::etcd}, {worker.begin(), worker.end()}, "kubelet"}};
}

const std::array<stages::Phase, 5> k_phases{{
    {{k8s::k_remove, 54, "drain and delete the Nodes the config no longer has, through the API",
      nullptr, k8s::plan_removals, true, plan::parse_params<k8s::RemoveParams>},
     k8s::apply_removal,
     nullptr},
    {{k8s::k_name, 55, "put kubeadm's certificates and kubeconfigs in place, run the kubelet",
      k8s::plan_node, nullptr, false, nullptr},
     k8s::apply,
     k8s::render},
    {{k8s::k_bootstrap, 56,
      "kubeadm init on the first control-plane node, joins one at a time behind a gate", nullptr,
      k8s::plan_bootstrap, true, plan::parse_params<k8s::BootstrapParams>},
     k8s::apply_bootstrap,
     k8s::render_bootstrap},
    {{k8s::k_workers, 57, "kubeadm join on the workers, a few at a time", nullptr,
      k8s::plan_workers, false, plan::parse_params<k8s::BootstrapParams>, k8s::k_worker_batch},
     k8s::apply_bootstrap,
     nullptr},
    {{k8s::k_manifests, 58, "apply the platform's core manifests through the API, wait for them",
      k8s::plan_manifests, nullptr, false, nullptr},
     k8s::apply_manifests,
     nullptr},
}};

} // namespace

const stages::Component& kubernetes() {
  static const stages::Component k_component{.name = "kubernetes",
                                             .phases = k_phases,
                                             .facts = k8s::facts_probe(),
                                             .ports = kubernetes_ports,
                                             .node_status = k8s::node_status,
                                             .remove_record = k8s::remove_record};
  return k_component;
}

} // namespace acp::components
