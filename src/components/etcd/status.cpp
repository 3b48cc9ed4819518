// What `acpctl status` shows of etcd: each node's member, and the cluster's quorum line
// (exit code 3 when quorum is lost) with the age of the newest scheduled snapshot.

#include "acpctl/components/etcd/status.hpp"

#include "acpctl/components/etcd/facts.hpp"
#include "acpctl/components/etcd/view.hpp"
#include "acpctl/util/cron.hpp"
#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"

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
// The newest snapshot on any etcd node, as "last snapshot 3h ago"; stale when older than two
// schedule periods (a missed run is normal, two are not). Empty without scheduled snapshots.
struct SnapshotAge {
  std::string text;
  bool stale = false;
  nlohmann::json json;
};

std::optional<SnapshotAge> snapshot_age(const config::Cluster& cluster,
                                        const std::map<std::string, facts::HostFacts>& facts) {
  const auto cron = cluster.etcd_backup ? util::parse_cron(cluster.etcd_backup->schedule)
                                        : Result<util::Cron>(Error(Errc::failed, ""));
  if (!cron)
    return std::nullopt;
  bool scheduled = false;
  const LastSnapshot* newest = nullptr;
  for (const auto& [name, f] : facts)
    if (const auto* e = facts_of(f); e && e->scheduled) {
      scheduled = true;
      if (e->last_snapshot && (!newest || e->last_snapshot->age_seconds < newest->age_seconds))
        newest = &*e->last_snapshot;
    }
  if (!scheduled)
    return std::nullopt;
  const auto period =
      std::chrono::seconds(util::cron_period(*cron, std::chrono::system_clock::now()));
  SnapshotAge out;
  out.stale = !newest || newest->age_seconds > 2 * period.count();
  out.text = newest ? fmt::format("last snapshot {} ago",
                                  util::human_duration(std::chrono::seconds(newest->age_seconds)))
                    : "no snapshot yet";
  if (out.stale)
    out.text += fmt::format(" (STALE: schedule {} runs every {})", cluster.etcd_backup->schedule,
                            util::human_duration(period));
  out.json = {{"name", newest ? newest->name : ""},
              {"ageSeconds", newest ? newest->age_seconds : -1},
              {"periodSeconds", period.count()},
              {"stale", out.stale}};
  return out;
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
  const auto age = snapshot_age(cluster, facts);
  if (age)
    json["lastSnapshot"] = age->json;
  return stages::StatusLine{"etcd", age ? summary + "; " + age->text : summary,
                            view.has_quorum() && !(age && age->stale), std::move(json),
                            view.has_quorum() ? 0 : k_exit_quorum_lost};
}

std::optional<stages::StatusLine> gate(const config::Cluster& cluster,
                                       const std::map<std::string, facts::HostFacts>& facts) {
  const auto view = view_of(cluster, facts);
  if (!view.exists)
    return std::nullopt;
  std::vector<std::string> not_healthy;
  for (const auto& m : view.members)
    if (!m.reached || !m.healthy)
      not_healthy.push_back(m.node.empty() ? m.member.name : m.node);
  const bool ok = view.has_quorum() && not_healthy.empty();
  const auto text =
      ok ? quorum_line(view)
         : fmt::format("{}; not healthy: {}", quorum_line(view),
                       not_healthy.empty() ? "no leader" : util::join(not_healthy, ", "));
  return stages::StatusLine{"etcd", text, ok, {{"notHealthy", not_healthy}}, 0};
}

} // namespace acp::etcd
