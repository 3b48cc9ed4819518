#pragma once
// Shared test data for the planner and preflight: the `acpctl init` example cluster (three
// control-plane+etcd nodes), a small package, and facts as a fresh or converged host reports.

#include "acpctl/config/load.hpp"
#include "acpctl/facts/host_facts.hpp"
#include "acpctl/plan/desired.hpp"

#include <doctest/doctest.h>
#include <map>
#include <string>
#include <vector>

namespace fixtures {

using acp::config::Role;

inline acp::config::Cluster example_cluster() {
  auto r = acp::config::load_text(acp::config::example_config(), "cluster.yaml");
  REQUIRE(r.ok());
  return *r.cluster;
}

inline acp::service::ServiceSpec spec(const std::string& name) {
  return {name, {"/opt/acp/components/" + name + "/current/bin/" + name}, "", {}, "", {}, {}};
}

/// etcd (etcd nodes, a service), kube-apiserver (control-plane nodes, a service), and
/// acp-tools (every node, files only).
inline std::vector<acp::plan::DesiredComponent> package() {
  return {
      {"etcd", "3.5.16", "sha256:e1", {Role::etcd}, spec("etcd"), {2379, 2380}},
      {"kube-apiserver",
       "1.31.6",
       "sha256:a1",
       {Role::control_plane},
       spec("kube-apiserver"),
       {6443}},
      {"tools", "1.0.0", "sha256:t1", {}, std::nullopt, {}},
  };
}

/// A host with nothing of acpctl's on it.
inline acp::facts::HostFacts fresh_host(const acp::config::Node& node) {
  acp::facts::HostFacts f;
  f.hostname = node.name;
  f.os_id = "debian";
  f.os_version = "12";
  f.arch = "amd64";
  f.cpus = 4;
  f.memory_bytes = 8ull << 30;
  f.disk_free_bytes["/opt/acp"] = 50ull << 30;
  f.interfaces = {{"lo", {"127.0.0.1"}}, {"eth0", {node.address}}};
  f.service_manager = acp::facts::ServiceManagerKind::runit;
  return f;
}

/// A host on which `components` (those it should have) are installed and running.
inline acp::facts::HostFacts converged_host(const acp::config::Node& node,
                                            const std::vector<acp::plan::DesiredComponent>& pkg,
                                            std::uint64_t serial = 7) {
  auto f = fresh_host(node);
  f.state.serial = serial;
  for (const auto& c : pkg) {
    if (!c.wanted_on(node.roles))
      continue;
    f.state.components[c.name] = {c.name,
                                  c.version,
                                  c.digest,
                                  {},
                                  c.service ? c.service->name : "",
                                  c.ports,
                                  "2026-11-27T12:00:00Z",
                                  c.service ? c.digest : ""};
    if (c.service) {
      f.services[c.service->name] = true;
      for (int p : c.ports)
        f.listening.push_back({p, "0.0.0.0"});
    }
  }
  return f;
}

inline std::map<std::string, acp::facts::HostFacts> fresh_facts(const acp::config::Cluster& c) {
  std::map<std::string, acp::facts::HostFacts> out;
  for (const auto& n : c.nodes)
    out[n.name] = fresh_host(n);
  return out;
}

inline std::map<std::string, acp::facts::HostFacts>
converged_facts(const acp::config::Cluster& c,
                const std::vector<acp::plan::DesiredComponent>& pkg) {
  std::map<std::string, acp::facts::HostFacts> out;
  for (const auto& n : c.nodes)
    out[n.name] = converged_host(n, pkg);
  return out;
}

} // namespace fixtures
