// Stage "etcd" (serial): one member per etcd-role node. A new cluster's members bootstrap it
// together (initial-cluster = every etcd node, state new); a node added later joins one at a
// time (member add on the cluster, start with initial-cluster-state existing, health gate).
// Members whose node left the config or lost the role are removed (member remove on the
// cluster, then stop and clean the node). Steps run in this order: restarts of existing
// members (they restore health), bootstraps and joins, removals. Every membership change is
// checked against quorum first: N members need N/2+1 up and tolerate (N-1)/2 failures.
// Without quorum no member passes its health gate alone, so then every step is marked
// "together" and the runner starts them at once (a new cluster; all members down).

#include "acpctl/plan/etcd.hpp"

#include "acpctl/plan/planner.hpp"
#include "acpctl/util/hash.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::plan {

namespace {

const DesiredComponent* etcd_binary(const PlanInput& input) {
  for (const auto& c : input.components)
    if (c.name == "etcd" && !c.service)
      return &c;
  return nullptr;
}

Error refuse(const std::string& why, const std::string& hint) {
  return Error(Errc::conflict, "refusing to change etcd membership: " + why).with_hint(hint);
}

// Simulates the membership changes in plan order; refuses the first one that is not safe.
Status check_quorum(const etcd::ClusterView& view, int restarted, int joins,
                    const std::vector<const etcd::MemberView*>& removed) {
  if (!view.exists || (joins == 0 && removed.empty()))
    return {};
  int size = view.size();
  int up = view.up() + restarted;
  if (size == 0)
    return refuse("no etcd member answers, so the cluster cannot take a member add or remove",
                  "start the existing members first: apply with the etcd nodes unchanged (it "
                  "restarts them), check `acpctl status`, then apply the change");
  if (up < etcd::quorum(size))
    return refuse(
        fmt::format("the cluster has lost quorum: {} of {} members are up and {} members need {} "
                    "to accept writes (they tolerate {} failure{})",
                    up, size, size, etcd::quorum(size), etcd::tolerance(size),
                    etcd::tolerance(size) == 1 ? "" : "s"),
        "start the stopped members first: apply with the etcd nodes unchanged (it restarts "
        "them), check `acpctl status`, then apply the change");
  for (int j = 0; j < joins; ++j, ++size, ++up)
    if (size > 1 && up < etcd::quorum(size + 1))
      return refuse(fmt::format("adding a member to {} members with {} up would leave {} of {} "
                                "up, below the quorum of {}",
                                size, up, up, size + 1, etcd::quorum(size + 1)),
                    "start the stopped members first, then add nodes");
  const int safe = std::max(1, etcd::tolerance(size));
  if (static_cast<int>(removed.size()) > safe)
    return refuse(fmt::format("removing {} of {} members at once is not safe: {} members tolerate "
                              "{} failure{}, so remove at most {} per apply",
                              removed.size(), size, size, etcd::tolerance(size),
                              etcd::tolerance(size) == 1 ? "" : "s", safe),
                  fmt::format("keep all but {} of the nodes being removed in the config with "
                              "the etcd role, apply, then remove the rest in another apply",
                              safe));
  for (const auto* m : removed) {
    if (size - 1 < 1)
      return refuse("that would remove the last member", "keep at least one etcd node");
    const int up_after = up - (m->reached ? 1 : 0);
    if (up_after < etcd::quorum(size - 1))
      return refuse(
          fmt::format("removing member {} would leave {} of {} members up, below the "
                      "quorum of {}",
                      m->member.name.empty() ? acp::etcd::hex_id(m->member.id) : m->member.name,
                      up_after, size - 1, etcd::quorum(size - 1)),
          "start the stopped members first, then remove nodes");
    --size;
    up = up_after;
  }
  return {};
}

Step member_step(Action action, const std::string& node, std::string reason,
                 std::string digest = "") {
  Step s;
  s.host = node;
  s.action = action;
  s.component = acp::etcd::k_service;
  s.digest = std::move(digest);
  s.reason = std::move(reason);
  s.params["member"] = node;
  return s;
}

} // namespace

std::string etcd_digest(std::span<const FileDigest> etcd_files,
                        std::span<const FileDigest> pki_files, const std::string& binary_digest) {
  const auto text =
      files_digest(etcd_files) + "\n" + files_digest(pki_files) + "\n" + binary_digest;
  return "sha256:" + util::sha256_hex(text);
}

Status plan_etcd(const PlanInput& input, std::span<const HostContext> hosts,
                 std::vector<Step>& out) {
  const auto* binary = etcd_binary(input);
  if (!input.platform || !binary)
    return {};
  const auto& cluster = input.cluster;
  const auto view = etcd::view_of(cluster, input.facts);
  std::vector<Step> restarts;
  std::vector<Step> joins;
  std::vector<Step> removals;
  int restarted = 0;
  int added = 0; // members this plan adds (a bootstrap or a resumed join adds none)
  const int wanted = static_cast<int>(std::count_if(hosts.begin(), hosts.end(), [](const auto& h) {
    return h.node.has_role(config::Role::etcd);
  }));
  int bootstrapped = 0;
  for (const auto& host : hosts) {
    if (!host.node.has_role(config::Role::etcd))
      continue;
    const auto want = etcd_digest(input.platform->of(host.node.name, "etcd"),
                                  input.platform->of(host.node.name, "pki"), binary->digest);
    const auto* member = view.of_node(cluster, host.node);
    const auto* record = host.facts.state.find_record(acp::etcd::k_service);
    if (record && (member || view.members.empty())) {
      if (auto step = plan_platform_service(host, acp::etcd::k_service, acp::etcd::k_service, want,
                                            "its config, certificates or binary")) {
        step->host = host.node.name;
        step->params["member"] = host.node.name;
        step->params["mode"] = "member";
        if (member && !member->reached)
          ++restarted;
        restarts.push_back(std::move(*step));
      }
      continue;
    }
    // A new cluster (no member anywhere), or a member of its initial-cluster that has not
    // started yet (an interrupted bootstrap): start with the bootstrap config.
    if (!view.exists || (member && member->member.bootstrap_pending())) {
      auto s =
          member_step(Action::create, host.node.name,
                      !view.exists ? fmt::format("bootstrap a new etcd cluster: member {} of {}, "
                                                 "the members start together",
                                                 ++bootstrapped, wanted)
                                   : "finish the bootstrap: start this member of the new cluster",
                      want);
      s.params["mode"] = "bootstrap";
      joins.push_back(std::move(s));
      continue;
    }
    const bool was_added = member != nullptr;
    added += was_added ? 0 : 1;
    auto s = member_step(Action::create, host.node.name,
                         was_added && member->member.started()
                             ? "rejoin: its member is known to the cluster but not recorded "
                               "here; started again, or replaced if its data dir is gone"
                         : was_added ? "finish joining: the member was added before; start it"
                         : record    ? "not a member of the cluster any more: rejoin with an empty "
                                       "data dir (member add, start)"
                                     : "join the cluster: member add, start, health gate",
                         want);
    s.params["mode"] = "join";
    joins.push_back(std::move(s));
  }
  std::vector<const etcd::MemberView*> removed;
  const HostContext* runner = nullptr;
  for (const auto& host : hosts)
    if (const auto* m = view.of_node(cluster, host.node);
        !runner && host.node.has_role(config::Role::etcd) && m && m->reached)
      runner = &host;
  // Removals in config order, then members of nodes no longer in the config by name.
  std::vector<const etcd::MemberView*> leaving;
  for (const auto& m : view.members)
    leaving.push_back(&m);
  const auto rank = [&](const etcd::MemberView* m) {
    for (std::size_t i = 0; i < hosts.size(); ++i)
      if (hosts[i].node.name == m->node)
        return std::pair<std::size_t, std::string>(i, "");
    return std::pair<std::size_t, std::string>(hosts.size(), m->member.name);
  };
  std::stable_sort(leaving.begin(), leaving.end(),
                   [&](const auto* a, const auto* b) { return rank(a) < rank(b); });
  for (const auto* leaver : leaving) {
    const auto& m = *leaver;
    const auto* node = m.node.empty() ? nullptr : find_host(hosts, m.node);
    if (node && node->node.has_role(config::Role::etcd))
      continue;
    removed.push_back(&m);
    const auto name = m.member.name.empty() ? acp::etcd::hex_id(m.member.id) : m.member.name;
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
    s.params["member"] = name;
    s.params["id"] = acp::etcd::hex_id(m.member.id);
    s.params["local"] = node ? "true" : "false";
    removals.push_back(std::move(s));
  }
  if (auto ok = check_quorum(view, restarted, added, removed); !ok)
    return ok;
  const bool together = !view.has_quorum();
  for (auto* list : {&restarts, &joins, &removals})
    for (auto& s : *list) {
      if (together)
        s.params["together"] = "true";
      out.push_back(std::move(s));
    }
  return {};
}

} // namespace acp::plan
