// Running a restore plan (see restore.hpp for the order and why). Each step runs on every
// member at once. Until the members stop, a failure changes nothing (what was prepared is
// removed); after, the members are rolled back to their aside data dirs.

#include "acpctl/components/etcd/etcd.hpp"
#include "acpctl/components/etcd/facts.hpp"
#include "acpctl/components/etcd/restore.hpp"
#include "acpctl/components/etcd/snapshot.hpp"
#include "acpctl/transport/parallel.hpp"
#include "acpctl/util/strings.hpp"
#include "restore_node.hpp"

#include <fmt/format.h>
#include <thread>

namespace acp::etcd {

namespace {

constexpr auto k_switch_limit = std::chrono::seconds(30);
constexpr auto k_gate_limit = std::chrono::seconds(60);

using Managers = std::map<std::string, std::unique_ptr<service::ServiceManager>>;
using MemberStep = std::function<Status(transport::Transport&, const RestoreMember&)>;

void say(const RestoreNodes& nodes, const std::string& line) {
  if (nodes.progress)
    nodes.progress(line);
}

// Runs `step` on every one of `members` at once; the first failure (in member order),
// naming its node.
Status each(const std::vector<RestoreMember>& members, const RestoreNodes& nodes,
            const MemberStep& step) {
  const auto results =
      transport::run_bounded<bool>(members.size(), 8, [&](std::size_t i) -> Result<bool> {
        const auto& m = members[i];
        if (auto ok = step(nodes.transport(m.node), m); !ok) {
          auto error = std::move(ok).error();
          return error.host().empty() ? std::move(error).with_host(m.node) : std::move(error);
        }
        return true;
      });
  for (const auto& r : results)
    if (!r)
      return r.error();
  return {};
}

Status each(const RestorePlan& plan, const RestoreNodes& nodes, const MemberStep& step) {
  return each(plan.members, nodes, step);
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

// Steps 1 and 2: nothing stops until every member holds the same bytes and etcd restored
// them into the prepared dir.
Status prepare(const config::Cluster& cluster, const RestorePlan& plan, const RestoreNodes& nodes) {
  const auto dir = snapshot_dir(cluster);
  auto staged = each(plan, nodes, [&](transport::Transport& on, const RestoreMember& m) -> Status {
    if (auto r = detail::run_root(on, {"mkdir", "-p", "-m", "0700", "--", dir},
                                  std::chrono::seconds(30));
        !r)
      return std::move(r).error();
    auto up = on.upload_file(plan.source.local, m.staged, {0600, "", true});
    if (!up)
      return Error(std::move(up).error()).context("staging the snapshot");
    if (up->sha256 != plan.source.sha256)
      return Error(Errc::verify, fmt::format("the node holds sha256 {} for {}, not {}", up->sha256,
                                             m.staged, plan.source.sha256));
    return {};
  });
  if (!staged)
    return staged;
  say(nodes, fmt::format("snapshot staged on {} member(s), sha256 checked", plan.members.size()));
  return each(plan, nodes, [&](transport::Transport& on, const RestoreMember& m) {
    return detail::prepare_member(on, plan, m, peer_url(cluster, *cluster.find_node(m.node)));
  });
}

// The followers, then the leader: a leader stopped while its followers stop too waits for a
// leadership transfer that cannot happen (seconds); alone, it stops at once.
std::vector<std::vector<RestoreMember>> stop_order(const RestorePlan& plan,
                                                   const RestoreNodes& nodes) {
  std::vector<RestoreMember> followers;
  std::vector<RestoreMember> leader;
  for (const auto& m : plan.members) {
    const EtcdFacts* e = nullptr;
    if (nodes.facts)
      if (const auto it = nodes.facts->find(m.node); it != nodes.facts->end())
        e = facts_of(it->second);
    (e && e->leader() ? leader : followers).push_back(m);
  }
  return {followers, leader};
}

Status switch_all(const RestorePlan& plan, const RestoreNodes& nodes, const Managers& managers,
                  bool up) {
  const auto groups =
      up ? std::vector<std::vector<RestoreMember>>{plan.members} : stop_order(plan, nodes);
  for (const auto& group : groups)
    if (auto ok = each(group, nodes,
                       [&](transport::Transport& on, const RestoreMember& m) {
                         return detail::switch_service(on, *managers.at(m.node), k_service, up,
                                                       k_switch_limit);
                       });
        !ok)
      return ok;
  say(nodes, up ? "every member started" : "every member stopped");
  return {};
}

} // namespace

namespace {

// Step 5's gate: every member healthy; returns the cluster's revision.
Result<std::uint64_t> wait_healthy(const config::Cluster& cluster, const RestorePlan& plan,
                                   const RestoreNodes& nodes) {
  const auto deadline = std::chrono::steady_clock::now() + k_gate_limit;
  const auto health = etcdctl({local_client_url(cluster)}, {"endpoint", "health"});
  while (true) {
    std::vector<std::string> waiting;
    for (const auto& m : plan.members)
      if (!detail::run_root(nodes.transport(m.node), health, std::chrono::seconds(10)))
        waiting.push_back(m.node);
    if (waiting.empty())
      break;
    if (std::chrono::steady_clock::now() >= deadline)
      return Error(Errc::timeout, fmt::format("etcd is not healthy on {} {}s after the restore",
                                              util::join(waiting, ", "), k_gate_limit.count()));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
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

// Before the stop: remove what was prepared; the members never noticed.
Error give_up(const RestorePlan& plan, const RestoreNodes& nodes, Error why) {
  (void)each(plan, nodes, detail::discard_member);
  return why;
}

// After a failure past the stop: the old data dirs back, the members started again.
Error roll_back(const RestorePlan& plan, const RestoreNodes& nodes, const Managers& managers,
                Error why) {
  std::vector<std::string> problems;
  (void)each(plan, nodes, [&](transport::Transport& on, const RestoreMember& m) {
    return detail::switch_service(on, *managers.at(m.node), k_service, false, k_switch_limit);
  });
  if (auto ok = each(plan, nodes, detail::undo_member); !ok)
    problems.push_back(ok.error().describe());
  if (auto ok = switch_all(plan, nodes, managers, true); !ok)
    problems.push_back(ok.error().describe());
  (void)each(plan, nodes, detail::discard_member);
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
  if (auto ok = prepare(cluster, plan, nodes); !ok)
    return give_up(plan, nodes, std::move(ok).error());
  auto status = detail::snapshot_status(nodes.transport(plan.members.front().node),
                                        plan.members.front().staged);
  if (!status)
    return give_up(plan, nodes, std::move(status).error());
  say(nodes, fmt::format("restored into the prepared data dirs: revision {}, {} keys",
                         status->revision, status->keys));
  if (auto ok = switch_all(plan, nodes, *managers, false); !ok)
    return roll_back(plan, nodes, *managers, std::move(ok).error());
  if (auto ok = each(plan, nodes, detail::swap_member); !ok)
    return roll_back(plan, nodes, *managers, std::move(ok).error());
  if (auto ok = switch_all(plan, nodes, *managers, true); !ok)
    return roll_back(plan, nodes, *managers, std::move(ok).error());
  auto revision = wait_healthy(cluster, plan, nodes);
  if (!revision)
    return roll_back(plan, nodes, *managers, std::move(revision).error());
  if (auto ok = each(plan, nodes, detail::clean_member); !ok)
    say(nodes, "could not remove everything left over: " + ok.error().describe());
  return Restored{status->revision, *revision, status->keys};
}

} // namespace acp::etcd
