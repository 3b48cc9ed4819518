// The restore plan: names and paths only, computed from the config, so the user sees every
// node's step before anything happens.

#include "acpctl/components/etcd/restore.hpp"

#include "acpctl/components/etcd/etcd.hpp"
#include "acpctl/components/etcd/snapshot.hpp"
#include "acpctl/util/strings.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace acp::etcd {

RestorePlan plan_restore(const config::Cluster& cluster, RestoreSource source,
                         std::chrono::system_clock::time_point at) {
  RestorePlan plan;
  const auto stamp =
      fmt::format("{:%Y%m%d-%H%M%S}", fmt::gmtime(std::chrono::system_clock::to_time_t(at)));
  plan.token = fmt::format("{}-restore-{}", cluster_token(cluster), stamp);
  std::vector<std::string> initial;
  for (const auto* n : cluster.nodes_with(config::Role::etcd)) {
    initial.push_back(n->name + "=" + peer_url(cluster, *n));
    plan.members.push_back({n->name, cluster.etcd.data_dir,
                            cluster.etcd.data_dir + ".restore-" + stamp,
                            cluster.etcd.data_dir + ".pre-restore-" + stamp,
                            snapshot_dir(cluster) + "/.restore-" + source.name});
  }
  plan.initial_cluster = util::join(initial, ",");
  plan.source = std::move(source);
  return plan;
}

std::vector<std::string> RestorePlan::lines() const {
  std::vector<std::string> out;
  out.push_back(fmt::format("restore etcd from {} ({}, {}, sha256 {})", source.name, source.origin,
                            util::human_bytes(source.size), source.sha256));
  for (const auto& m : members)
    out.push_back(fmt::format("  {}: upload the snapshot to {} (sha256 checked on the node)",
                              m.node, m.staged));
  for (const auto& m : members)
    out.push_back(fmt::format("  {}: restore it into {} with cluster token {} (etcd still runs)",
                              m.node, m.prepared, token));
  for (const auto& m : members)
    out.push_back(fmt::format("  {}: stop etcd; move {} aside to {}, {} into its place", m.node,
                              m.data_dir, m.aside, m.prepared));
  out.push_back("  every member: start together, wait until all are healthy");
  for (const auto& m : members)
    out.push_back(fmt::format("  {}: remove {} and {}", m.node, m.aside, m.staged));
  return out;
}

} // namespace acp::etcd
