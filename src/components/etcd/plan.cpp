// Stage "etcd" (serial): one member per etcd-role node. A new cluster's members bootstrap it
// together (initial-cluster = every etcd node, state new); a node added later joins one at a
// time (member add on the cluster, start with initial-cluster-state existing, health gate).
// Members whose node left the config or lost the role are removed (member remove on the
// cluster, then stop and clean the node). Steps run in this order: restarts of existing
// members (they restore health), bootstraps and joins, removals. Every membership change is
// checked against quorum first: N members need N/2+1 up and tolerate (N-1)/2 failures.
// Without quorum no member passes its health gate alone, so then every step is marked
// "together" and the runner starts them at once (a new cluster; all members down).

#include "acpctl/components/etcd/steps.hpp"
#include "acpctl/components/etcd/view.hpp"
#include "acpctl/util/hash.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::etcd {

using plan::Action;
using plan::HostContext;
using plan::PlanInput;
using plan::Step;

namespace {

const plan::DesiredComponent* etcd_binary(const PlanInput& input) {
  for (const auto& c : input.components)
    if (c.name == "etcd" && !c.service)
      return &c;
  return nullptr;
}

Error refuse(const std::string& why, const std::string& hint) {
  return Error(Errc::conflict, "refusing to change etcd membership: " + why).with_hint(hint);
}

// Simulates the membership changes in plan order; refuses the first one that is not safe.
Status check_quorum(const ClusterView& view, int restarted, int joins,
                    const std::vector<const MemberView*>& removed) {
  if (!view.exists || (joins == 0 && removed.empty()))
    return {};
  int size = view.size();
  int up = view.up() + restarted;
  if (size == 0)
    return refuse("no etcd member answers, so the cluster cannot take a member add or remove",
                  "start the existing members first: apply with the etcd nodes unchanged (it "
                  "restarts them), check `acpctl status`, then apply the change");
  if (up < quorum(size))
    return refuse(
        fmt::format("the cluster has lost quorum: {} of {} members are up and {} members need {} "
                    "to accept writes (they tolerate {} failure{})",
                    up, size, size, quorum(size), tolerance(size), tolerance(size) == 1 ? "" : "s"),
        "start the stopped members first: apply with the etcd nodes unchanged (it restarts "
        "them), check `acpctl status`, then apply the change");
  for (int j = 0; j < joins; ++j, ++size, ++up)
    if (size > 1 && up < quorum(size + 1))
      return refuse(fmt::format("adding a member to {} members with {} up would leave {} of {} "
                                "up, below the quorum of {}",
                                size, up, up, size + 1, quorum(size + 1)),
                    "start the stopped members first, then add nodes");
  const int safe = std::max(1, tolerance(size));
  if (static_cast<int>(removed.size()) > safe)
    return refuse(fmt::format("removing {} of {} members at once is not safe: {} members tolerate "
                              "{} failure{}, so remove at most {} per apply",
                              removed.size(), size, size, tolerance(size),
                              tolerance(size) == 1 ? "" : "s", safe),
                  fmt::format("keep all but {} of the nodes being removed in the config with "
                              "the etcd role, apply, then remove the rest in another apply",
                              safe));
  for (const auto* m : removed) {
    if (size - 1 < 1)
      return refuse("that would remove the last member", "keep at least one etcd node");
    const int up_after = up - (m->reached ? 1 : 0);
    if (up_after < quorum(size - 1))
      return refuse(fmt::format("removing member {} would leave {} of {} members up, below the "
                                "quorum of {}",
                                m->member.name.empty() ? hex_id(m->member.id) : m->member.name,
                                up_after, size - 1, quorum(size - 1)),
                    "start the stopped members first, then remove nodes");
    --size;
    up = up_after;
  }
  return {};
}

Step member_step(Action action, const std::string& node, std::string reason,
                 std::string digest = "", std::string mode = "") {
  Step s;
  s.host = node;
  s.action = action;
  s.component = k_service;
  s.digest = std::move(digest);
  s.reason = std::move(reason);
  s.params = plan::make_params(StepParams{node, std::move(mode), "", false});
  return s;
}

} // namespace

std::string member_digest(std::span<const plan::FileDigest> etcd_files,
                          std::span<const plan::FileDigest> pki_files,
                          const std::string& binary_digest) {
  const auto text =
      plan::files_digest(etcd_files) + "\n" + plan::files_digest(pki_files) + "\n" + binary_digest;
  return "sha256:" + util::sha256_hex(text);
}

namespace {

// The members' steps so far: restarts of existing members, bootstraps and joins, removals.
struct Planned {
  std::vector<Step> restarts;
  std::vector<Step> joins;
  std::vector<Step> removals;
  int restarted = 0; // members down now that a restart brings back
  int added = 0;     // members this plan adds (a bootstrap or a resumed join adds none)
  std::vector<const MemberView*> removed;
};

std::string join_reason(const MemberView* member, bool recorded) {
  if (member && member->member.started())
    return "rejoin: its member is known to the cluster but not recorded here; started again, "
           "or replaced if its data dir is gone";
  if (member)
    return "finish joining: the member was added before; start it";
  return recorded ? "not a member of the cluster any more: rejoin with an empty data dir "
                    "(member add, start)"
                  : "join the cluster: member add, start, health gate";
}

// One etcd node: restart its recorded member, bootstrap a new cluster, or join.
void plan_node(const PlanInput& input, const HostContext& host, const ClusterView& view,
               const std::string& want, int wanted, Planned& out) {
  const auto& name = host.node.name;
  const auto* member = view.of_node(input.cluster, host.node);
  const auto* record = host.facts.state.find_record(k_service);
  if (record && (member || view.members.empty())) {
    if (auto step = plan::plan_platform_service(host, k_service, k_service, want,
                                                "its config, certificates or binary")) {
      step->host = name;
      step->params = plan::make_params(StepParams{name, "member", "", false});
      out.restarted += member && !member->reached ? 1 : 0;
      out.restarts.push_back(std::move(*step));
    }
    return;
  }
  // A new cluster (no member anywhere), or a member of its initial-cluster that has not
  // started yet (an interrupted bootstrap): start with the bootstrap config.
  if (!view.exists || (member && member->member.bootstrap_pending())) {
    const auto number = static_cast<int>(out.joins.size()) + 1;
    out.joins.push_back(member_step(
        Action::create, name,
        !view.exists ? fmt::format("bootstrap a new etcd cluster: member {} of {}, the members "
                                   "start together",
                                   number, wanted)
                     : "finish the bootstrap: start this member of the new cluster",
        want, "bootstrap"));
    return;
  }
  out.added += member ? 0 : 1;
  out.joins.push_back(
      member_step(Action::create, name, join_reason(member, record != nullptr), want, "join"));
}

// The member every removal of a member of no node runs on: the first one that answers.
const HostContext* answering(const PlanInput& input, std::span<const HostContext> hosts,
                             const ClusterView& view) {
  for (const auto& host : hosts)
    if (const auto* m = view.of_node(input.cluster, host.node);
        host.node.has_role(config::Role::etcd) && m && m->reached)
      return &host;
  return nullptr;
}

// Members in config order, then members of nodes no longer in the config by name.
std::vector<const MemberView*> in_removal_order(std::span<const HostContext> hosts,
                                                const ClusterView& view) {
  std::vector<const MemberView*> leaving;
  for (const auto& m : view.members)
    leaving.push_back(&m);
  const auto rank = [&](const MemberView* m) {
    for (std::size_t i = 0; i < hosts.size(); ++i)
      if (hosts[i].node.name == m->node)
        return std::pair<std::size_t, std::string>(i, "");
    return std::pair<std::size_t, std::string>(hosts.size(), m->member.name);
  };
  std::stable_sort(leaving.begin(), leaving.end(),
                   [&](const auto* a, const auto* b) { return rank(a) < rank(b); });
  return leaving;
}

Status plan_removals(const PlanInput& input, std::span<const HostContext> hosts,
                     const ClusterView& view, Planned& out) {
  const auto* runner = answering(input, hosts, view);
  for (const auto* leaver : in_removal_order(hosts, view)) {
    const auto& m = *leaver;
    const auto* node = m.node.empty() ? nullptr : plan::find_host(hosts, m.node);
    if (node && node->node.has_role(config::Role::etcd))
      continue;
    out.removed.push_back(&m);
    const auto name = m.member.name.empty() ? hex_id(m.member.id) : m.member.name;
    const auto* on = node ? node : runner;
    if (!on)
      return refuse(fmt::format("member {} must be removed but no member of the cluster answers "
                                "to run `member remove` on",
                                name),
                    "start the etcd members (apply with the etcd nodes unchanged), then apply "
                    "the change");
    Step s = member_step(Action::remove, on->node.name,
                         node ? fmt::format("{} no longer has the etcd role: member remove on the "
                                            "cluster, then stop etcd and delete its data",
                                            name)
                              : fmt::format("{} is not in the config: member remove on the "
                                            "cluster (etcd on it stops by itself)",
                                            name));
    s.params = plan::make_params(StepParams{name, "", hex_id(m.member.id), node != nullptr});
    out.removals.push_back(std::move(s));
  }
  return {};
}

} // namespace

Status plan_members(const PlanInput& input, std::span<const HostContext> hosts,
                    std::vector<Step>& out) {
  const auto* binary = etcd_binary(input);
  if (!input.platform || !binary)
    return {};
  const auto view = view_of(input.cluster, input.facts);
  const int wanted = static_cast<int>(std::count_if(hosts.begin(), hosts.end(), [](const auto& h) {
    return h.node.has_role(config::Role::etcd);
  }));
  Planned planned;
  for (const auto& host : hosts)
    if (host.node.has_role(config::Role::etcd))
      plan_node(input, host, view,
                member_digest(input.platform->of(host.node.name, "etcd"),
                              input.platform->of(host.node.name, "pki"), binary->digest),
                wanted, planned);
  if (auto ok = plan_removals(input, hosts, view, planned); !ok)
    return ok;
  if (auto ok = check_quorum(view, planned.restarted, planned.added, planned.removed); !ok)
    return ok;
  // Without quorum no member passes its health gate alone: they start at once.
  const bool together = !view.has_quorum();
  for (auto* list : {&planned.restarts, &planned.joins, &planned.removals})
    for (auto& s : *list) {
      s.together = together;
      out.push_back(std::move(s));
    }
  return {};
}

} // namespace acp::etcd
