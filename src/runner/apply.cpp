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
#include "apply_step.hpp"

#include <chrono>
#include <cstdlib>
#include <fmt/format.h>
#include <set>

namespace acp::runner {

namespace {

using detail::HostRun;

double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::map<std::string, HostRun> host_runs(const plan::Plan& plan, const facts::Gathered& gathered) {
  std::map<std::string, HostRun> runs;
  for (const auto& s : plan.steps) {
    auto [it, added] = runs.try_emplace(s.host);
    auto& r = it->second;
    if (added) {
      r.outcome.host = s.host;
      if (const auto f = gathered.facts.find(s.host); f != gathered.facts.end()) {
        r.state = f->second.state;
        if (auto mgr = service::for_host(f->second.service_manager, s.host))
          r.services = std::move(*mgr);
      }
    }
    ++r.outcome.steps_planned;
  }
  return runs;
}

// Verifies and unpacks the package once, with only the components an unpacking stage needs.
Status unpack_needed(Session& session, const plan::Plan& plan, const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& s : plan.steps)
    if (const auto* phase = session.registry().phase(s.stage); phase && phase->unpacks)
      names.insert(s.component);
  if (names.empty())
    return {};
  if (!session.package())
    return Error(Errc::usage, "the plan distributes components but no package was given")
        .with_hint("pass --package with the package the plan was made from");
  if (!session.trust())
    return Error(Errc::verify, "the package was not trust-checked");
  package::UnpackOptions uo;
  uo.public_key = session.trust()->key;
  uo.components = {names.begin(), names.end()};
  auto report = package::unpack(*session.options().package, dir, uo);
  if (!report)
    return Error(std::move(report).error()).context("verifying the package");
  if ("sha256:" + report->manifest_sha256 != session.package_digest())
    return Error(Errc::verify, session.options().package->string() +
                                   " changed since it was planned; nothing was changed")
        .with_hint("make a new plan");
  return {};
}

} // namespace

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

// Locks every node of the plan before the first step (not in a dry run: it changes
// nothing, not even the lock). Fails with the first node's refusal, releasing the others.
struct Locks {
  Session& session;
  const std::vector<std::string>& hosts;
  const ApplyOptions& options;
  LockOwner me;
  std::vector<Result<bool>> taken{};

  Status acquire() {
    taken = transport::run_bounded<bool>(
        hosts.size(), options.parallel, [&](std::size_t i) -> Result<bool> {
          if (options.dry_run)
            return false;
          if (auto ok = acquire_lock(session.node(hosts[i]), me, options.force_unlock); !ok)
            return Error(std::move(ok).error()).with_host(hosts[i]);
          return true;
        });
    for (const auto& t : taken)
      if (!t.ok()) {
        release({});
        return t.error();
      }
    return {};
  }

  // A node that went silent or dropped its connection keeps its lock (nothing can reach it;
  // a later apply from here takes over a lock whose holder has exited): waiting on it again
  // would only delay the error.
  void release(const std::map<std::string, HostRun>& runs) {
    const auto unreachable = [&](const std::string& host) {
      const auto it = runs.find(host);
      const auto& error = it == runs.end() ? std::nullopt : it->second.outcome.error;
      return error && (error->code() == Errc::timeout || error->code() == Errc::connect);
    };
    (void)transport::run_bounded<bool>(hosts.size(), options.parallel,
                                       [&](std::size_t i) -> Result<bool> {
                                         if (!taken[i].ok() || !*taken[i] || unreachable(hosts[i]))
                                           return false;
                                         (void)release_lock(session.node(hosts[i]), me);
                                         return true;
                                       });
  }
};

// Runs one stage: a serial stage one host at a time in the plan's order, stopping at the
// first failure (the next etcd member must not join or restart while one is unhealthy),
// unless every step is marked together (none can pass its health gate alone); otherwise
// hosts in parallel. Returns false if a host failed.
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
  } else {
    results = transport::run_bounded<bool>(hosts.size(), shared.options.parallel, run_one);
  }
  bool ok = true;
  for (std::size_t i = 0; i < results.size(); ++i)
    if (!results[i].ok()) {
      runs.at(hosts[i]).outcome.error = results[i].error();
      ok = false;
    }
  shared.progress.emit({EventType::stage_finished, "", name, "", "", since(t0)});
  return ok;
}

ApplyReport finish(const plan::Plan& plan, const std::map<std::string, HostRun>& runs,
                   Progress& progress, std::chrono::steady_clock::time_point started) {
  ApplyReport report;
  std::vector<std::string> order = plan.hosts();
  if (runs.contains(""))
    order.insert(order.begin(), "");
  for (const auto& h : order) {
    const auto& outcome = runs.at(h).outcome;
    progress.emit({EventType::apply_finished, h.empty() ? "workstation" : h, "", "",
                   outcome.error ? outcome.error->message() : "ok", 0});
    report.hosts.push_back(outcome);
  }
  progress.emit(
      {EventType::apply_finished, "", "", "", report.ok() ? "ok" : "failed", since(started)});
  return report;
}

} // namespace

Result<ApplyReport> apply_plan(Session& session, const plan::Plan& plan,
                               const facts::Gathered& gathered, Progress& progress,
                               const ApplyOptions& options) {
  auto runs = host_runs(plan, gathered);
  util::TempDir tmp("acpctl-apply");
  const auto unpacked = tmp.path() / "package";
  if (auto ok = unpack_needed(session, plan, unpacked); !ok)
    return std::move(ok).error();
  const auto hosts = plan.hosts();
  Locks locks{session, hosts, options, this_process(options.command)};
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
  return finish(plan, runs, progress, started);
}

} // namespace acp::runner
