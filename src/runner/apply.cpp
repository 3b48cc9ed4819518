// apply_plan: stage by stage, hosts in parallel, one committed step at a time.

#include "acpctl/runner/apply.hpp"

#include "acpctl/package/verify.hpp"
#include "acpctl/plan/planner.hpp"
#include "acpctl/plan/render.hpp"
#include "acpctl/runner/lock.hpp"
#include "acpctl/service/manager.hpp"
#include "acpctl/stages/step.hpp"
#include "acpctl/transport/parallel.hpp"
#include "acpctl/util/fs.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fmt/format.h>
#include <set>
#include <unistd.h>

namespace acp::runner {

namespace {

std::atomic<int> g_steps_committed{0};

double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// One host's running state across stages.
struct HostRun {
  HostOutcome outcome;
  state::NodeState state;
  std::unique_ptr<service::ServiceManager> services;
};

Status commit(stages::Actions& actions, state::NodeState& st, const state::StateChange& change,
              const std::string& package_trust) {
  auto next = state::commit(st, change);
  if (!package_trust.empty())
    next.package_trust = package_trust;
  if (auto r = actions.run({"mkdir", "-p", "--", "/var/lib/acp"}); !r)
    return std::move(r).error();
  if (auto r = actions.upload_text(state::to_text(next), std::string(state::k_state_path), 0600);
      !r)
    return Error(std::move(r).error()).context("committing state.json");
  st = std::move(next);
  return {};
}

Status run_host_stage(Session& session, const std::string& stage,
                      const std::vector<const plan::Step*>& steps, HostRun& run,
                      const facts::HostFacts& facts, const std::filesystem::path& unpacked,
                      const stages::PlatformSource& platform, Progress& progress,
                      const ApplyOptions& options) {
  const auto& host = run.outcome.host;
  stages::Actions actions(session.node(host), options.dry_run);
  for (const auto* step : steps) {
    const auto apply = stages::applier_for(stage);
    const auto label = fmt::format("{} {}", plan::to_string(step->action), step->component);
    progress.emit({EventType::step_started, host, stage, label, step->reason, 0});
    const auto start = std::chrono::steady_clock::now();
    const plan::DesiredComponent* desired = nullptr;
    for (const auto& d : session.desired())
      if (d.name == step->component)
        desired = &d;
    const package::Component* component =
        session.package() ? session.package()->manifest.find_component(step->component) : nullptr;
    stages::StepContext ctx{
        actions,   facts,    run.state,          desired,
        component, unpacked, run.services.get(), session.cluster().find_node(host),
        &platform};
    Status done =
        apply ? Status{} : Status{Error(Errc::failed, "no apply code for stage " + stage)};
    if (done) {
      auto change = apply(*step, ctx);
      done = change ? commit(actions, run.state, *change,
                             session.trust() ? session.trust()->label() : "")
                    : Status{std::move(change).error()};
    }
    run.outcome.uploads = actions.uploads_sent();
    if (!done) {
      auto err = Error(std::move(done).error()).with_host(host);
      progress.emit({EventType::step_failed, host, stage, label, err.describe(), since(start)});
      return err;
    }
    ++run.outcome.steps_done;
    progress.emit({EventType::step_finished, host, stage, label, "", since(start)});
    if (const int limit = test_exit_after_step(); limit > 0 && ++g_steps_committed == limit)
      _exit(137);
  }
  return {};
}

std::vector<std::string> components_to_send(const plan::Plan& plan) {
  std::set<std::string> names;
  for (const auto& s : plan.steps)
    if (s.stage == "distribute")
      names.insert(s.component);
  return {names.begin(), names.end()};
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

Result<ApplyReport> apply_plan(Session& session, const plan::Plan& plan,
                               const facts::Gathered& gathered, Progress& progress,
                               const ApplyOptions& options) {
  const auto hosts = plan.hosts();
  std::map<std::string, HostRun> runs;
  for (const auto& h : hosts) {
    auto& r = runs[h];
    r.outcome.host = h;
    r.state = gathered.facts.at(h).state;
    auto mgr = service::for_host(gathered.facts.at(h).service_manager, h);
    if (mgr)
      r.services = std::move(*mgr);
  }
  for (const auto& s : plan.steps)
    ++runs[s.host].outcome.steps_planned;

  // Verify and unpack the package once, with only the components some host needs.
  util::TempDir tmp("acpctl-apply");
  const auto unpacked = tmp.path() / "package";
  if (const auto send = components_to_send(plan); !send.empty()) {
    if (!session.package())
      return Error(Errc::usage, "the plan distributes components but no package was given")
          .with_hint("pass --package with the package the plan was made from");
    if (!session.trust())
      return Error(Errc::verify, "the package was not trust-checked");
    package::UnpackOptions uo;
    uo.public_key = session.trust()->key;
    uo.components = send;
    auto report = package::unpack(*session.options().package, unpacked, uo);
    if (!report)
      return Error(std::move(report).error()).context("verifying the package");
    if ("sha256:" + report->manifest_sha256 != session.package_digest())
      return Error(Errc::verify, session.options().package->string() +
                                     " changed since it was planned; nothing was changed")
          .with_hint("make a new plan");
  }

  // Lock every node of the plan before the first step; release them all at the end.
  const auto me = this_process(options.command);
  const auto locked = transport::run_bounded<bool>(
      hosts.size(), options.parallel, [&](std::size_t i) -> Result<bool> {
        if (options.dry_run)
          return false; // a dry run changes nothing, not even the lock
        if (auto ok = acquire_lock(session.node(hosts[i]), me, options.force_unlock); !ok)
          return Error(std::move(ok).error()).with_host(hosts[i]);
        return true;
      });
  // A node that went silent or dropped its connection keeps its lock (nothing can reach
  // it; a later apply from here takes over a lock whose holder has exited): waiting on it
  // again would only delay the error.
  const auto unreachable = [&](const std::string& host) {
    const auto& error = runs.at(host).outcome.error;
    return error && (error->code() == Errc::timeout || error->code() == Errc::connect);
  };
  auto unlock_all = [&] {
    (void)transport::run_bounded<bool>(
        hosts.size(), options.parallel, [&](std::size_t i) -> Result<bool> {
          if (!locked[i].ok() || !*locked[i] || unreachable(hosts[i]))
            return false;
          (void)release_lock(session.node(hosts[i]), me);
          return true;
        });
  };
  for (const auto& l : locked)
    if (!l.ok() && !options.dry_run) {
      unlock_all();
      return l.error();
    }

  const auto platform = session.platform(gathered);
  progress.emit({EventType::apply_started, "", "", "", plan::summary_line(plan), 0});
  const auto started = std::chrono::steady_clock::now();
  bool failed = false;
  for (const auto& stage : plan::stages()) {
    if (failed)
      break;
    std::vector<std::string> stage_hosts;
    std::map<std::string, std::vector<const plan::Step*>> by_host;
    for (const auto& s : plan.steps)
      if (s.stage == stage.name && !runs[s.host].outcome.error) {
        if (by_host[s.host].empty())
          stage_hosts.push_back(s.host);
        by_host[s.host].push_back(&s);
      }
    if (stage_hosts.empty())
      continue;
    const std::string name(stage.name);
    progress.emit({EventType::stage_started, "", name, "", "", 0});
    const auto t0 = std::chrono::steady_clock::now();
    const auto run_one = [&](std::size_t i) -> Result<bool> {
      auto& run = runs.at(stage_hosts[i]);
      if (auto ok = run_host_stage(session, name, by_host.at(stage_hosts[i]), run,
                                   gathered.facts.at(stage_hosts[i]), unpacked, platform, progress,
                                   options);
          !ok)
        return std::move(ok).error();
      return true;
    };
    // A serial stage (etcd) runs one host at a time in the plan's order and stops at the
    // first failure: the next member must not join or restart while one is unhealthy. Steps
    // the planner marked "together" (etcd without quorum: a new cluster, or every member
    // down) run at once, because none of them can pass its health gate alone.
    bool together = true;
    for (const auto& [host, steps] : by_host)
      for (const auto* s : steps)
        together = together && s->params.contains("together");
    std::vector<Result<bool>> results;
    if (stage.serial && !together) {
      for (std::size_t i = 0; i < stage_hosts.size(); ++i) {
        results.push_back(run_one(i));
        if (!results.back().ok())
          break;
      }
    } else {
      results = transport::run_bounded<bool>(stage_hosts.size(), options.parallel, run_one);
    }
    for (std::size_t i = 0; i < results.size(); ++i)
      if (!results[i].ok()) {
        runs.at(stage_hosts[i]).outcome.error = results[i].error();
        failed = true;
      }
    progress.emit({EventType::stage_finished, "", name, "", "", since(t0)});
  }
  unlock_all();
  ApplyReport report;
  for (const auto& h : hosts) {
    const auto& outcome = runs.at(h).outcome;
    progress.emit(
        {EventType::apply_finished, h, "", "", outcome.error ? outcome.error->message() : "ok", 0});
    report.hosts.push_back(outcome);
  }
  progress.emit(
      {EventType::apply_finished, "", "", "", report.ok() ? "ok" : "failed", since(started)});
  return report;
}

} // namespace acp::runner
