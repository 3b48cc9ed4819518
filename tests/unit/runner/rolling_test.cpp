// The rolling upgrade's batches: etcd and control-plane nodes alone, the others bounded.

#include "acpctl/config/load.hpp"
#include "acpctl/runner/rolling.hpp"

#include <doctest/doctest.h>

using namespace acp;

namespace {

config::Cluster with_workers(int workers) {
  auto cluster = config::load_text(config::example_config(), "cluster.yaml").cluster.value();
  for (int i = 1; i <= workers; ++i) {
    auto w = cluster.nodes[0];
    w.name = "w-" + std::to_string(i);
    w.address = "10.0.9." + std::to_string(i);
    w.roles = {config::Role::worker};
    cluster.nodes.push_back(w);
  }
  return cluster;
}

} // namespace

TEST_SUITE("runner::rolling") {
  TEST_CASE("control-plane and etcd nodes one at a time, then workers max-unavailable at a "
            "time") {
    const auto cluster = with_workers(3);
    const std::vector<std::string> hosts{"w-3", "cp-2", "w-1", "cp-1", "w-2", "cp-3"};
    using Batches = std::vector<std::vector<std::string>>;
    CHECK(runner::rollout_batches(cluster, hosts, 2) ==
          Batches{{"cp-1"}, {"cp-2"}, {"cp-3"}, {"w-1", "w-2"}, {"w-3"}});
    CHECK(runner::rollout_batches(cluster, hosts, 1).size() == 6);
    CHECK(runner::rollout_batches(cluster, {"w-2", "cp-3"}, 5) == Batches{{"cp-3"}, {"w-2"}});
    CHECK(runner::rollout_batches(cluster, hosts, 0).size() == 6); // at least one at a time
    // The VIP holder goes last among the one-at-a-time nodes.
    CHECK(runner::rollout_batches(cluster, hosts, 3, {"cp-1"}) ==
          Batches{{"cp-2"}, {"cp-3"}, {"cp-1"}, {"w-1", "w-2", "w-3"}});
  }
}
