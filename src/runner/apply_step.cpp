// One host's steps of one stage: context, apply half, commit, progress events.

#include "apply_step.hpp"

#include "acpctl/stages/registry.hpp"

#include <atomic>
#include <chrono>
#include <fmt/format.h>
#include <unistd.h>

namespace acp::runner::detail {

namespace {

std::atomic<int> g_steps_committed{0};

double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// What a step of `run`'s host sees.
stages::StepContext context_for(ApplyShared& shared, const plan::Step& step,
                                stages::Actions& actions, HostRun& run) {
  auto& session = shared.session;
  const auto desired_list = shared.desired.empty()
                                ? std::span<const plan::DesiredComponent>(session.desired())
                                : shared.desired;
  const plan::DesiredComponent* desired = nullptr;
  for (const auto& d : desired_list)
    if (d.name == step.component)
      desired = &d;
  const package::Component* component =
      session.package() ? session.package()->manifest.find_component(step.component) : nullptr;
  static const facts::HostFacts k_workstation_facts;
  const auto facts = shared.gathered.facts.find(run.outcome.host);
  return stages::StepContext{actions,
                             facts == shared.gathered.facts.end() ? k_workstation_facts
                                                                  : facts->second,
                             run.state,
                             desired,
                             component,
                             shared.unpacked,
                             run.services.get(),
                             session.cluster().find_node(run.outcome.host),
                             &shared.platform,
                             &shared.outputs};
}

// Applies one step; a node step's change is committed (a workstation or cluster step
// changes no node's state).
Status apply_one(ApplyShared& shared, const stages::Phase& phase, const plan::Step& step,
                 stages::Actions& actions, HostRun& run) {
  auto ctx = context_for(shared, step, actions, run);
  if (!phase.apply)
    return Error(Errc::failed, fmt::format("no apply code for stage {}", phase.stage.name));
  auto change = phase.apply(step, ctx);
  if (!change)
    return std::move(change).error();
  if (step.target != plan::Target::node)
    return {};
  return commit_change(shared, actions, run, *change);
}

} // namespace

Status run_host_stage(ApplyShared& shared, const stages::Phase& phase,
                      const std::vector<const plan::Step*>& steps, HostRun& run) {
  // Events name the workstation's steps "workstation" (never a node's name: those are
  // checked against the config).
  const auto host = run.outcome.host.empty() ? std::string("workstation") : run.outcome.host;
  const std::string stage(phase.stage.name);
  auto& node = run.outcome.host.empty() ? shared.workstation : shared.session.node(host);
  stages::Actions actions(node, shared.options.dry_run);
  const int uploads_before = run.outcome.uploads;
  for (const auto* step : steps) {
    const auto label = fmt::format("{} {}", plan::to_string(step->action), step->component);
    shared.progress.emit({EventType::step_started, host, stage, label, step->reason, 0});
    const auto start = std::chrono::steady_clock::now();
    auto done = apply_one(shared, phase, *step, actions, run);
    run.outcome.uploads = uploads_before + actions.uploads_sent();
    if (!done) {
      auto err = Error(std::move(done).error()).with_host(host);
      shared.progress.emit(
          {EventType::step_failed, host, stage, label, err.describe(), since(start)});
      return err;
    }
    ++run.outcome.steps_done;
    shared.progress.emit({EventType::step_finished, host, stage, label, "", since(start)});
    if (const int limit = test_exit_after_step(); limit > 0 && ++g_steps_committed == limit)
      _exit(137);
  }
  return {};
}

Status commit_change(ApplyShared& shared, stages::Actions& actions, HostRun& run,
                     const state::StateChange& change) {
  auto next = state::commit(run.state, change);
  if (shared.session.trust())
    next.package_trust = shared.session.trust()->label();
  // A node that has state.json has its directory (one round trip less per step).
  if (run.state.serial == 0)
    if (auto r = actions.run({"mkdir", "-p", "--", "/var/lib/acp"}); !r)
      return std::move(r).error();
  if (auto r = actions.upload_text(state::to_text(next), std::string(state::k_state_path), 0600);
      !r)
    return Error(std::move(r).error()).context("committing state.json");
  run.state = std::move(next);
  return {};
}

Status run_host_plan(ApplyShared& shared, const plan::Plan& plan, HostRun& run) {
  const auto& registry = shared.session.registry();
  for (const auto* stage : registry.stages()) {
    std::vector<const plan::Step*> steps;
    for (const auto& s : plan.steps)
      if (s.host == run.outcome.host && s.stage == stage->name)
        steps.push_back(&s);
    if (steps.empty())
      continue;
    if (auto ok = run_host_stage(shared, *registry.phase(stage->name), steps, run); !ok)
      return ok;
  }
  return {};
}

Status prestage_host(ApplyShared& shared, const std::vector<const plan::Step*>& steps,
                     HostRun& run) {
  auto& node = shared.session.node(run.outcome.host);
  stages::Actions actions(node, shared.options.dry_run);
  for (const auto* step : steps) {
    const auto* phase = shared.session.registry().phase(step->stage);
    if (!phase || !phase->prestage)
      continue;
    auto ctx = context_for(shared, *step, actions, run);
    if (auto ok = phase->prestage(*step, ctx); !ok)
      return Error(std::move(ok).error()).with_host(run.outcome.host);
  }
  run.outcome.uploads += actions.uploads_sent();
  return {};
}

} // namespace acp::runner::detail
