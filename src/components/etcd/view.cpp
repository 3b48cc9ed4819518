// The etcd cluster from the nodes' facts: the member list of the leader (else of any member
// that answered) joined with each member's own answer.

#include "acpctl/components/etcd/view.hpp"

#include "acpctl/components/etcd/facts.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::etcd {

int ClusterView::up() const {
  return static_cast<int>(
      std::count_if(members.begin(), members.end(), [](const MemberView& m) { return m.reached; }));
}

namespace {
bool has_url(const Member& m, const std::string& url) {
  return std::find(m.peer_urls.begin(), m.peer_urls.end(), url) != m.peer_urls.end();
}
} // namespace

const MemberView* ClusterView::of_node(const config::Cluster& cluster,
                                       const config::Node& node) const {
  for (const auto& m : members)
    if (m.member.name == node.name)
      return &m;
  const auto url = peer_url(cluster, node);
  for (const auto& m : members)
    if (m.member.name.empty() && has_url(m.member, url))
      return &m;
  return nullptr;
}

ClusterView view_of(const config::Cluster& cluster,
                    const std::map<std::string, facts::HostFacts>& facts) {
  ClusterView view;
  const EtcdFacts* source = nullptr;
  for (const auto& node : cluster.nodes) {
    const auto f = facts.find(node.name);
    if (f == facts.end())
      continue;
    if (f->second.state.find_record(k_service))
      view.exists = true;
    const auto* e = facts_of(f->second);
    if (!e || e->members.empty())
      continue;
    view.exists = true;
    if (!source || (e->leader() && !source->leader()))
      source = e;
  }
  if (!source)
    return view;
  for (const auto& m : source->members) {
    MemberView mv;
    mv.member = m;
    for (const auto& node : cluster.nodes)
      if (node.name == m.name || (m.name.empty() && has_url(m, peer_url(cluster, node))))
        mv.node = node.name;
    if (!mv.node.empty())
      if (const auto f = facts.find(mv.node); f != facts.end() && facts_of(f->second)) {
        const auto& e = *facts_of(f->second);
        mv.reached = e.answered && e.status.member_id == m.id;
        mv.healthy = mv.reached && e.healthy;
        mv.leader = mv.reached && e.leader();
        view.leader_known = view.leader_known || (mv.reached && e.status.leader != 0);
        mv.error = e.error;
      }
    if (!m.started() && mv.error.empty())
      mv.error = "added but never started";
    view.members.push_back(std::move(mv));
  }
  return view;
}

std::string quorum_line(const ClusterView& view) {
  if (!view.exists)
    return "";
  const int n = view.size();
  const int h = view.up();
  if (n == 0)
    return "etcd: no member answers — QUORUM LOST: every member is down or unreachable; "
           "`acpctl apply` restarts them";
  if (view.has_quorum())
    return fmt::format("etcd: {}/{} members healthy, quorum ok (tolerates {} more failure{})", h, n,
                       tolerance(n) - (n - h), tolerance(n) - (n - h) == 1 ? "" : "s");
  return fmt::format("etcd: {}/{} healthy — QUORUM LOST: writes fail; {} members need {} "
                     "up. Start the stopped members (`acpctl apply` restarts them)",
                     h, n, n, quorum(n));
}

} // namespace acp::etcd
