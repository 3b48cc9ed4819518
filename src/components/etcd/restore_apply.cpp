// Running a restore plan (see restore.hpp for the order and why). Until the members stop,
// a failure changes nothing; after, the members are rolled back to their aside data dirs.

#include "acpctl/components/etcd/etcd.hpp"
#include "acpctl/components/etcd/restore.hpp"
#include "acpctl/components/etcd/snapshot.hpp"
#include "acpctl/util/strings.hpp"
#include "restore_node.hpp"

#include <fmt/format.h>
#include <thread>

namespace acp::etcd {

namespace {

constexpr auto k_switch_limit = std::chrono::seconds(30);
constexpr auto k_gate_limit = std::chrono::seconds(60);

using Managers = std::map<std::string, std::unique_ptr<service::ServiceManager>>;

void say(const RestoreNodes& nodes, const std::string& line) {
  if (nodes.progress)
    nodes.progress(line);
}

Result<Managers> managers_of(const RestorePlan& plan, const RestoreNodes& nodes) {
  Managers out;
  for (const auto& m : plan.members) {
    const facts::HostFacts* facts = nullptr;
    if (nodes.facts)
      if (const auto it = nodes.facts->find(m.node); it != nodes.facts->end())
        facts = &it->second;
    if (!facts)
      return Error(Errc::failed, "no facts: the node could not be reached")
          .with_host(m.node)
          .with_hint("every etcd node must be reachable for a restore; fix it and retry");
    auto manager = service::for_host(facts->service_manager, m.node);
    if (!manager)
      return std::move(manager).error();
    out[m.node] = std::move(*manager);
  }
  return out;
}

// Steps 1 and 2: nothing stops until every member holds the same bytes and etcd read them.
Result<detail::SnapshotStatus> stage(const config::Cluster& cluster, const RestorePlan& plan,
                                     const RestoreNodes& nodes) {
  for (const auto& m : plan.members) {
    auto& on = nodes.transport(m.node);
    if (auto r = detail::run_root(on, {"mkdir", "-p", "-m", "0700", "--", snapshot_dir(cluster)},
                                  std::chrono::seconds(30));
        !r)
      return std::move(r).error();
    auto up = on.upload_file(plan.source.local, m.staged, {0600, "", true});
    if (!up)
      return Error(std::move(up).error()).context("staging the snapshot");
    if (up->sha256 != plan.source.sha256)
      return Error(Errc::verify, fmt::format("the node holds sha256 {} for {}, not {}", up->sha256,
                                             m.staged, plan.source.sha256))
          .with_host(m.node);
    say(nodes, fmt::format("{}: snapshot staged at {}", m.node, m.staged));
  }
  const auto& first = plan.members.front();
  auto status = detail::trial_restore(nodes.transport(first.node), first.staged,
                                      snapshot_dir(cluster) + "/.restore-check");
  if (status)
    say(nodes, fmt::format("{}: trial restore passed: revision {}, {} keys", first.node,
                           status->revision, status->keys));
  return status;
}

Status switch_all(const RestorePlan& plan, const RestoreNodes& nodes, const Managers& managers,
                  bool up) {
  for (const auto& m : plan.members)
    if (auto ok = detail::switch_service(nodes.transport(m.node), *managers.at(m.node), k_service,
                                         up, k_switch_limit);
        !ok)
      return ok;
  say(nodes, up ? "every member started" : "every member stopped");
  return {};
}

// Step 5's gate: every member healthy; returns the cluster's revision.
Result<std::uint64_t> wait_healthy(const config::Cluster& cluster, const RestorePlan& plan,
                                   const RestoreNodes& nodes) {
  const auto deadline = std::chrono::steady_clock::now() + k_gate_limit;
  std::vector<std::string> waiting;
  while (true) {
    waiting.clear();
    for (const auto& m : plan.members)
      if (!detail::run_root(nodes.transport(m.node),
                            etcdctl({local_client_url(cluster)}, {"endpoint", "health"}),
                            std::chrono::seconds(10)))
        waiting.push_back(m.node);
    if (waiting.empty())
      break;
    if (std::chrono::steady_clock::now() >= deadline)
      return Error(Errc::timeout, fmt::format("etcd is not healthy on {} {}s after the restore",
                                              util::join(waiting, ", "), k_gate_limit.count()));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  auto r = detail::run_root(nodes.transport(plan.members.front().node),
                            etcdctl({local_client_url(cluster)}, {"endpoint", "status"}),
                            std::chrono::seconds(10));
  if (!r)
    return std::move(r).error();
  auto st = parse_endpoint_status(r->out + "\n" + r->err);
  if (!st)
    return std::move(st).error();
  return st->revision;
}

Status rebuild(const config::Cluster& cluster, const RestorePlan& plan, const RestoreNodes& nodes) {
  for (const auto& m : plan.members) {
    const auto* node = cluster.find_node(m.node);
    if (auto ok = detail::restore_member(nodes.transport(m.node), plan, m, peer_url(cluster, *node));
        !ok)
      return ok;
    say(nodes, fmt::format("{}: {} restored ({} kept aside)", m.node, m.data_dir, m.aside));
  }
  return {};
}

// After a failure past the stop: the old data dirs back, the members started again.
Error roll_back(const RestorePlan& plan, const RestoreNodes& nodes, const Managers& managers,
                Error why) {
  std::vector<std::string> problems;
  for (const auto& m : plan.members) {
    auto& on = nodes.transport(m.node);
    (void)detail::switch_service(on, *managers.at(m.node), k_service, false, k_switch_limit);
    if (auto ok = detail::undo_member(on, m); !ok)
      problems.push_back(ok.error().describe());
  }
  if (auto ok = switch_all(plan, nodes, managers, true); !ok)
    problems.push_back(ok.error().describe());
  why.context("restoring etcd");
  return std::move(why).with_hint(
      problems.empty() ? "the members were rolled back to their data as it was before the restore"
                       : "rolling back failed as well: " + util::join(problems, "; ") +
                             ". The old data dirs are at <data-dir>.pre-restore-*");
}

} // namespace

Result<Restored> apply_restore(const config::Cluster& cluster, const RestorePlan& plan,
                               const RestoreNodes& nodes) {
  if (plan.members.empty())
    return Error(Errc::invalid_input, "the config has no etcd node to restore");
  auto managers = managers_of(plan, nodes);
  if (!managers)
    return std::move(managers).error();
  auto status = stage(cluster, plan, nodes);
  if (!status)
    return std::move(status).error();
  if (auto ok = switch_all(plan, nodes, *managers, false); !ok)
    return roll_back(plan, nodes, *managers, std::move(ok).error());
  if (auto ok = rebuild(cluster, plan, nodes); !ok)
    return roll_back(plan, nodes, *managers, std::move(ok).error());
  if (auto ok = switch_all(plan, nodes, *managers, true); !ok)
    return roll_back(plan, nodes, *managers, std::move(ok).error());
  auto revision = wait_healthy(cluster, plan, nodes);
  if (!revision)
    return roll_back(plan, nodes, *managers, std::move(revision).error());
  for (const auto& m : plan.members)
    if (auto ok = detail::clean_member(nodes.transport(m.node), m); !ok)
      say(nodes, fmt::format("{}: could not remove {}: {}", m.node, m.aside,
                             ok.error().message()));
  return Restored{status->revision, *revision, status->keys};
}

} // namespace acp::etcd
