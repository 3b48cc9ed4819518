// What `acpctl status` shows of etcd: each node's member, and the cluster's quorum line
// (exit code 3 when quorum is lost).

#include "acpctl/components/etcd/status.hpp"

#include "acpctl/components/etcd/facts.hpp"
#include "acpctl/components/etcd/view.hpp"
#include "acpctl/util/log.hpp"

#include <fmt/format.h>

namespace acp::etcd {

namespace {
// All nodes answered but etcd cannot accept writes.
constexpr int k_exit_quorum_lost = 3;

std::string member_text(const EtcdFacts& e) {
  if (!e.answered)
    return "etcd member down: " + log::redact(e.error);
  const auto text =
      fmt::format("etcd member {}{}, ", hex_id(e.status.member_id), e.leader() ? " (leader)" : "");
  return text + (e.healthy ? "healthy" : "not healthy: " + log::redact(e.error));
}
} // namespace

std::optional<stages::StatusLine> node_status(const facts::HostFacts& facts) {
  const auto* e = facts_of(facts);
  if (!e)
    return std::nullopt;
  nlohmann::json json = {{"member", e->answered && !e->members.empty()},
                         {"memberId", e->answered ? hex_id(e->status.member_id) : ""},
                         {"up", e->answered},
                         {"healthy", e->healthy},
                         {"leader", e->leader()},
                         {"error", log::redact(e->error)}};
  return stages::StatusLine{"etcd", member_text(*e), e->answered && e->healthy, std::move(json), 0};
}

std::optional<stages::StatusLine>
cluster_status(const config::Cluster& cluster,
               const std::map<std::string, facts::HostFacts>& facts) {
  const auto view = view_of(cluster, facts);
  if (!view.exists)
    return std::nullopt;
  const auto summary = quorum_line(view);
  nlohmann::json json = {{"members", view.size()},
                         {"up", view.up()},
                         {"quorum", view.has_quorum()},
                         {"summary", summary}};
  return stages::StatusLine{"etcd", summary, view.has_quorum(), std::move(json),
                            view.has_quorum() ? 0 : k_exit_quorum_lost};
}

} // namespace acp::etcd
