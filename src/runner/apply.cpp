// apply_plan: stage by stage (the registry's order), hosts in parallel, one committed step
// at a time. The runner knows no component or stage by name.

#include "acpctl/runner/apply.hpp"

#include "acpctl/package/verify.hpp"
#include "acpctl/plan/render.hpp"
#include "acpctl/runner/lock.hpp"
#include "acpctl/service/manager.hpp"
#include "acpctl/stages/registry.hpp"
#include "acpctl/transport/local.hpp"
#include "acpctl/transport/parallel.hpp"
#include "acpctl/util/fs.hpp"
#include "apply_common.hpp"

#include <chrono>
#include <cstdlib>
#include <fmt/format.h>
#include <set>

namespace acp::runner {

int test_exit_after_step() {
  const char* v = std::getenv("ACPCTL_TEST_EXIT_AFTER_STEP");
  return v ? std::atoi(v) : 0;
}

bool ApplyReport::ok() const {
  for (const auto& h : hosts)
    if (h.error)
      return false;
  return true;
}

namespace {

using detail::HostRun;
using detail::since;

// Runs one stage: a serial stage one host at a time in the plan's order, stopping at the
// first failure (the next etcd member must not join or restart while one is unhealthy),
// unless every step is marked together (none can pass its health gate alone); a batched
// stage a batch at a time; otherwise hosts in parallel. Returns false if a host failed.
bool run_stage(detail::ApplyShared& shared, const stages::Phase& phase, const plan::Plan& plan,
               std::map<std::string, HostRun>& runs) {
  std::vector<std::string> hosts;
  std::map<std::string, std::vector<const plan::Step*>> by_host;
  bool together = true;
  for (const auto& s : plan.steps)
    if (s.stage == phase.stage.name && !runs.at(s.host).outcome.error) {
      if (by_host[s.host].empty())
        hosts.push_back(s.host);
      by_host[s.host].push_back(&s);
      together = together && s.together;
    }
  if (hosts.empty())
    return true;
  const std::string name(phase.stage.name);
  shared.progress.emit({EventType::stage_started, "", name, "", "", 0});
  const auto t0 = std::chrono::steady_clock::now();
  const auto run_one = [&](std::size_t i) -> Result<bool> {
    if (auto ok = detail::run_host_stage(shared, phase, by_host.at(hosts[i]), runs.at(hosts[i]));
        !ok)
      return std::move(ok).error();
    return true;
  };
  std::vector<Result<bool>> results;
  if (phase.stage.serial && !together) {
    for (std::size_t i = 0; i < hosts.size(); ++i) {
      results.push_back(run_one(i));
      if (!results.back().ok())
        break;
    }
  } else if (phase.stage.batch > 0)
    results =
        transport::run_batches<bool>(hosts.size(), static_cast<std::size_t>(phase.stage.batch),
                                     shared.options.parallel, run_one);
  else
    results = transport::run_bounded<bool>(hosts.size(), shared.options.parallel, run_one);
  bool ok = true;
  for (std::size_t i = 0; i < results.size(); ++i)
    if (!results[i].ok()) {
      runs.at(hosts[i]).outcome.error = results[i].error();
      ok = false;
    }
  shared.progress.emit({EventType::stage_finished, "", name, "", "", since(t0)});
  return ok;
}

} // namespace

Result<ApplyReport> apply_plan(Session& session, const plan::Plan& plan,
                               const facts::Gathered& gathered, Progress& progress,
                               const ApplyOptions& options) {
  auto runs = detail::host_runs(plan, gathered);
  util::TempDir tmp("acpctl-apply");
  const auto unpacked = tmp.path() / "package";
  if (auto ok = detail::unpack_needed(session, plan, unpacked); !ok)
    return std::move(ok).error();
  const auto hosts = plan.hosts();
  detail::Locks locks{session, hosts, options, this_process(options.command)};
  if (auto ok = locks.acquire(); !ok && !options.dry_run)
    return std::move(ok).error();

  const auto platform = session.platform(gathered);
  stages::Outputs outputs;
  const auto workstation = transport::make_local_transport("workstation");
  detail::ApplyShared shared{session, gathered,     unpacked, platform,
                             outputs, *workstation, progress, options};
  progress.emit({EventType::apply_started, "", "", "", plan::summary_line(plan), 0});
  const auto started = std::chrono::steady_clock::now();
  for (const auto* stage : session.registry().stages()) {
    const auto* phase = session.registry().phase(stage->name);
    if (!run_stage(shared, *phase, plan, runs))
      break;
  }
  locks.release(runs);
  return detail::finish(plan, runs, progress, started);
}

} // namespace acp::runner
