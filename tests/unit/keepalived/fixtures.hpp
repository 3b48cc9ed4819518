#pragma once
// Lab-like clusters for the keepalived tests: N control-plane+etcd nodes at 10.88.0.11.., a
// worker after them, and a selfBuiltVIP 10.88.0.100 with vrid 51.

#include "acpctl/config/load.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <string>

namespace keepalived_fixtures {

struct Shape {
  int control_planes = 3;
  std::string interface = "eth0"; ///< empty: not in the config
  std::string node_cidr = "10.88.0.0/24";
  std::string vip = "10.88.0.100";
};

inline std::string yaml(const Shape& shape) {
  std::string text = fmt::format(
      R"(apiVersion: acpctl.alauda.io/v1alpha1
kind: Cluster
metadata:
  name: lab
spec:
  type: global
  kubernetesVersion: v1.31.6
  network:
    ipFamily: ipv4
{cidr}    podCIDR: 10.3.0.0/16
    serviceCIDR: 10.4.0.0/16
  controlPlaneEndpoint:
    selfBuiltVIP:
      vip: {vip}
      vrid: 51
{iface}  nodes:
)",
      fmt::arg("cidr",
               shape.node_cidr.empty() ? std::string() : "    nodeCIDR: " + shape.node_cidr + "\n"),
      fmt::arg("vip", shape.vip),
      fmt::arg("iface", shape.interface.empty() ? std::string()
                                                : "      interface: " + shape.interface + "\n"));
  const int etcd = shape.control_planes >= 3 ? shape.control_planes : 1;
  for (int i = 1; i <= shape.control_planes + 1; ++i) {
    const bool cp = i <= shape.control_planes;
    text +=
        fmt::format("    - name: n{}\n      address: 10.88.0.{}\n      roles: [{}]\n", i, 10 + i,
                    cp ? (i <= etcd ? "control-plane, etcd" : "control-plane") : "worker");
  }
  return text;
}

inline acp::config::Cluster cluster(const Shape& shape = {}) {
  auto r = acp::config::load_text(yaml(shape), "cluster.yaml");
  for (const auto& p : r.problems)
    MESSAGE(p.describe());
  REQUIRE(r.ok());
  return *r.cluster;
}

} // namespace keepalived_fixtures
