#pragma once
// The rolling upgrade: a plan applied node by node instead of stage by stage. Every node's
// bytes are sent ahead (nothing switches); then, one batch of nodes at a time (etcd and
// control-plane nodes alone, the others `max_unavailable` at a time), each node switches,
// restarts and passes its health gates, and the cluster's gates (every etcd member healthy,
// exactly one VIP holder) pass before the next batch. A node that fails is rolled back to
// the versions it ran before (switch back, restart, gate) and the rollout stops; nodes not
// yet reached keep what they run.

#include "acpctl/runner/apply.hpp"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace acp::runner {

struct RollingOptions {
  ApplyOptions apply;
  int max_unavailable = 1;      ///< nodes without etcd or control-plane role changed at once
  int gate_seconds = 120;       ///< how long the cluster may take to be healthy between batches
  std::string kind = "upgrade"; ///< upgrade | rollback: the journal's word
  std::string target;           ///< "core 4.0.1": the journal's target
  std::string snapshot;         ///< the etcd snapshot taken before: journal and history
};

struct RollingReport {
  ApplyReport report;
  std::vector<std::string> rolled_back; ///< nodes returned to their versions after a failure
  std::optional<Error> rollback_error;  ///< a rollback that failed too (the node needs a hand)
  std::optional<Error> gate_error;      ///< the cluster was not healthy in time
  bool ok() const { return report.ok() && !gate_error; }
};

/// Applies `plan` node by node; `desired` are the components it installs (the session's
/// when empty). Fails as a whole only if nothing could start (package, locks).
Result<RollingReport> apply_rolling(Session& session, const plan::Plan& plan,
                                    const facts::Gathered& gathered,
                                    std::span<const plan::DesiredComponent> desired,
                                    Progress& progress, const RollingOptions& options);

/// The batches of `hosts`: nodes with an etcd or control-plane role one at a time in config
/// order, those in `last` (the VIP holder) after the others, then the remaining nodes
/// `max_unavailable` (at least 1) at a time.
std::vector<std::vector<std::string>> rollout_batches(const config::Cluster& cluster,
                                                      const std::vector<std::string>& hosts,
                                                      int max_unavailable,
                                                      const std::vector<std::string>& last = {});

/// What the components' gates say of `facts`: "" when every gate passes.
std::string gate_problem(Session& session, const std::map<std::string, facts::HostFacts>& facts);

/// Gathers facts every second until every component's gate passes; fails (Errc::timeout)
/// after `seconds` with what the last gate said and which node did not answer.
Status wait_cluster_healthy(Session& session, int seconds);

} // namespace acp::runner
