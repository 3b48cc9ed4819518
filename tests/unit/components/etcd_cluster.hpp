#pragma once
// The cluster the etcd component's unit tests start from: the example config, and the same
// cut to three etcd nodes r1..r3 (the names of the recorded facts in tests/data/etcd).

#include "acpctl/config/load.hpp"

#include <doctest/doctest.h>
#include <string>

namespace acp::test {

inline config::Cluster example_cluster() {
  auto loaded = config::load_text(config::example_config(), "cluster.yaml");
  REQUIRE(loaded.cluster.has_value());
  return *loaded.cluster;
}

inline config::Cluster three_etcd_nodes(config::Cluster c = example_cluster()) {
  c.nodes.resize(3);
  for (std::size_t i = 0; i < 3; ++i) {
    c.nodes[i].name = "r" + std::to_string(i + 1);
    c.nodes[i].roles = {config::Role::etcd};
  }
  return c;
}

} // namespace acp::test
