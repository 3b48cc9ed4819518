// Registration of the etcd component: one serial stage after pki, its authorization, the
// snapshot scheduler, its facts probe, its ports on control-plane and etcd nodes, its status
// lines.

#include "acpctl/components/etcd/backup.hpp"
#include "acpctl/components/etcd/facts.hpp"
#include "acpctl/components/etcd/status.hpp"
#include "acpctl/components/etcd/steps.hpp"
#include "acpctl/components/registry.hpp"

#include <array>

namespace acp::components {

namespace {

std::vector<preflight::PortClaim> etcd_ports(const config::Cluster& cluster) {
  using config::Role;
  return {{{Role::control_plane, Role::etcd},
           {cluster.etcd.client_port, cluster.etcd.peer_port},
           acp::etcd::k_service},
          {{Role::etcd}, {cluster.etcd.peer_port}, acp::etcd::k_service, true, "etcd peer"}};
}

const std::array<stages::Phase, 3> k_phases{{
    {{"etcd", 30, "bootstrap, join, restart or remove etcd members, one node at a time", nullptr,
      acp::etcd::plan_members, true, plan::parse_params<acp::etcd::StepParams>},
     acp::etcd::apply,
     acp::etcd::render},
    {{acp::etcd::k_auth, 32,
      "turn on etcd's authorization: only acpctl's and the API server's certificates get in",
      nullptr, acp::etcd::plan_auth, true, nullptr},
     acp::etcd::apply_auth,
     nullptr},
    {{acp::etcd::k_backup, 35, "schedule etcd snapshots on the etcd nodes (spec.etcdBackup)",
      acp::etcd::plan_backup, nullptr, false, nullptr},
     acp::etcd::apply_backup,
     acp::etcd::render_backup},
}};

} // namespace

const stages::Component& etcd() {
  static const stages::Component k_component{"etcd",
                                             k_phases,
                                             acp::etcd::facts_probe(),
                                             etcd_ports,
                                             acp::etcd::node_status,
                                             acp::etcd::cluster_status,
                                             acp::etcd::gate};
  return k_component;
}

} // namespace acp::components
