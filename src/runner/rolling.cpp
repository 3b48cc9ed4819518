// apply_rolling: bytes ahead to every node, then node by node (rolling.hpp).

#include "acpctl/runner/rolling.hpp"

#include "acpctl/transport/local.hpp"
#include "acpctl/transport/parallel.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"
#include "apply_common.hpp"
#include "rolling_undo.hpp"

#include <chrono>
#include <fmt/format.h>

namespace acp::runner {

namespace {

using detail::HostRun;

std::vector<const plan::Step*> steps_of(const plan::Plan& plan, const std::string& host) {
  std::vector<const plan::Step*> out;
  for (const auto& s : plan.steps)
    if (s.host == host)
      out.push_back(&s);
  return out;
}

// Every node's bytes, all nodes at once: nothing switches and nothing restarts.
bool prestage_all(detail::ApplyShared& shared, const plan::Plan& plan,
                  std::map<std::string, HostRun>& runs) {
  const auto hosts = plan.hosts();
  const auto results = transport::run_bounded<bool>(
      hosts.size(), shared.options.parallel, [&](std::size_t i) -> Result<bool> {
        if (auto ok = detail::prestage_host(shared, steps_of(plan, hosts[i]), runs.at(hosts[i]));
            !ok)
          return std::move(ok).error();
        return true;
      });
  bool ok = true;
  for (std::size_t i = 0; i < hosts.size(); ++i)
    if (!results[i]) {
      runs.at(hosts[i]).outcome.error = results[i].error();
      ok = false;
    }
  return ok;
}

nlohmann::json journal(const RollingOptions& o, const plan::Plan& plan, const HostRun& run,
                       const std::string& status, const std::string& started) {
  nlohmann::json steps = nlohmann::json::array();
  int i = 0;
  for (const auto* s : steps_of(plan, run.outcome.host))
    steps.push_back({{"stage", s->stage},
                     {"action", plan::to_string(s->action)},
                     {"component", s->component},
                     {"from", s->from_version},
                     {"to", s->to_version},
                     {"result", i++ < run.outcome.steps_done ? "done" : "not done"}});
  nlohmann::json j = {{"kind", o.kind},       {"target", o.target}, {"snapshot", o.snapshot},
                      {"startedAt", started}, {"status", status},   {"steps", steps}};
  if (status != "running")
    j["finishedAt"] = util::now_rfc3339();
  if (run.outcome.error)
    j["error"] = run.outcome.error->describe();
  return j;
}

Status record(detail::ApplyShared& shared, HostRun& run, nlohmann::json j) {
  stages::Actions actions(shared.session.node(run.outcome.host), shared.options.dry_run);
  return detail::commit_change(shared, actions, run, state::StateChange::set_journal(std::move(j)));
}

// One node's steps, stage by stage, between two journal entries; what the node serves for
// the cluster (the VIP) moves elsewhere first when its steps would interrupt it.
Status run_node(detail::ApplyShared& shared, const plan::Plan& plan, HostRun& run,
                const RollingOptions& o) {
  auto& session = shared.session;
  const auto& host = run.outcome.host;
  const auto started = util::now_rfc3339();
  if (auto ok = record(shared, run, journal(o, plan, run, "running", started)); !ok)
    return Error(std::move(ok).error()).with_host(host);
  const auto steps = steps_of(plan, host);
  const stages::DrainContext drain{session.cluster(), *session.cluster().find_node(host),
                                   shared.gathered.facts.at(host), session.node(host), steps};
  std::vector<const stages::Component*> drained;
  for (const auto* c : session.registry().components()) {
    if (!c->drain || shared.options.dry_run)
      continue;
    auto done = c->drain(drain);
    if (!done)
      return Error(std::move(done).error()).with_host(host);
    if (*done)
      drained.push_back(c);
  }
  auto ok = detail::run_host_plan(shared, plan, run);
  if (!ok)
    run.outcome.error = ok.error();
  for (const auto* c : drained)
    if (auto back = c->undrain(drain); !back)
      log::warn(Error(back.error()).with_host(host).describe());
  if (!ok)
    return ok;
  return record(shared, run, journal(o, plan, run, "done", started));
}

// Runs one batch (its nodes at once); a node that fails is rolled back. False when any
// node failed.
bool run_batch(detail::ApplyShared& shared, const plan::Plan& plan,
               const std::vector<std::string>& batch, std::map<std::string, HostRun>& runs,
               const RollingOptions& o, RollingReport& out) {
  const auto results = transport::run_bounded<bool>(
      batch.size(), shared.options.parallel, [&](std::size_t i) -> Result<bool> {
        if (auto ok = run_node(shared, plan, runs.at(batch[i]), o); !ok)
          return std::move(ok).error();
        return true;
      });
  bool ok = true;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (results[i])
      continue;
    ok = false;
    auto& run = runs.at(batch[i]);
    if (!run.outcome.error)
      run.outcome.error = results[i].error();
    const auto before = shared.gathered.facts.at(batch[i]).state;
    auto undone = detail::roll_back_node(shared, before, run);
    if (undone)
      out.rolled_back.push_back(batch[i]);
    else
      out.rollback_error = undone.error();
    const auto started = run.state.last_upgrade.is_object()
                             ? run.state.last_upgrade.value("startedAt", "")
                             : std::string();
    (void)record(shared, run,
                 journal(o, plan, run, undone ? "rolled back" : "rollback failed", started));
  }
  return ok;
}

} // namespace

Result<RollingReport> apply_rolling(Session& session, const plan::Plan& plan,
                                    const facts::Gathered& gathered,
                                    std::span<const plan::DesiredComponent> desired,
                                    Progress& progress, const RollingOptions& o) {
  auto runs = detail::host_runs(plan, gathered);
  util::TempDir tmp("acpctl-upgrade");
  const auto unpacked = tmp.path() / "package";
  if (auto ok = detail::unpack_needed(session, plan, unpacked); !ok)
    return std::move(ok).error();
  const auto hosts = plan.hosts();
  detail::Locks locks{session, hosts, o.apply, this_process(o.apply.command)};
  if (auto ok = locks.acquire(); !ok && !o.apply.dry_run)
    return std::move(ok).error();
  const auto platform = session.platform(gathered);
  stages::Outputs outputs;
  if (!o.snapshot.empty())
    outputs.put("etcd.snapshot", o.snapshot);
  const auto workstation = transport::make_local_transport("workstation");
  detail::ApplyShared shared{session,      gathered, unpacked, platform, outputs,
                             *workstation, progress, o.apply,  desired};
  progress.emit({EventType::apply_started, "", "", "",
                 fmt::format("rolling out to {} node(s), one batch at a time", hosts.size()), 0});
  const auto started = std::chrono::steady_clock::now();
  RollingReport out;
  if (prestage_all(shared, plan, runs)) {
    // The facts the plan was made from answer the first gate when they show it healthy.
    bool healthy = o.apply.dry_run || gate_problem(session, gathered.facts).empty();
    std::vector<std::string> last;
    for (const auto* c : session.registry().components())
      if (c->last)
        for (auto& name : c->last(session.cluster(), gathered.facts))
          last.push_back(std::move(name));
    for (const auto& batch : rollout_batches(session.cluster(), hosts, o.max_unavailable, last)) {
      if (auto ok = healthy ? Status{} : wait_cluster_healthy(session, o.gate_seconds); !ok) {
        out.gate_error = ok.error();
        break;
      }
      if (!run_batch(shared, plan, batch, runs, o, out))
        break;
      healthy = o.apply.dry_run;
    }
    if (!out.gate_error && out.rolled_back.empty() && !out.rollback_error && !o.apply.dry_run)
      if (auto ok = wait_cluster_healthy(session, o.gate_seconds); !ok)
        out.gate_error = ok.error();
  }
  locks.release(runs);
  out.report = detail::finish(plan, runs, progress, started);
  return out;
}

} // namespace acp::runner
