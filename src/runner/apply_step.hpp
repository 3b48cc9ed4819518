#pragma once
// One host's (or the workstation's) steps of one stage; private to src/runner.

#include "acpctl/runner/apply.hpp"
#include "acpctl/stages/outputs.hpp"
#include "acpctl/stages/step.hpp"

#include <filesystem>
#include <memory>
#include <span>
#include <vector>

namespace acp::runner::detail {

/// One host's running state across stages. The workstation's host name is "".
struct HostRun {
  HostOutcome outcome;
  state::NodeState state;
  std::unique_ptr<service::ServiceManager> services;
};

/// What every step of an apply shares.
struct ApplyShared {
  Session& session;
  const facts::Gathered& gathered;
  const std::filesystem::path& unpacked;
  const stages::PlatformSource& platform;
  stages::Outputs& outputs;
  transport::Transport& workstation;
  Progress& progress;
  const ApplyOptions& options;
  /// The components the steps install; empty: the session's (a rollback brings its own).
  std::span<const plan::DesiredComponent> desired{};
};

/// Runs `steps` (one stage, one host, in order) through the stage's apply half; a node
/// step's state change is committed to the node's state.json before the next step.
Status run_host_stage(ApplyShared& shared, const stages::Phase& phase,
                      const std::vector<const plan::Step*>& steps, HostRun& run);

/// Runs every step of `plan` on `run`'s host, stage by stage in the registry's order,
/// stopping at the first failure (the rolling upgrade's one node, and its rollback).
Status run_host_plan(ApplyShared& shared, const plan::Plan& plan, HostRun& run);

/// Sends ahead the bytes of the host's steps whose stage can (Phase::prestage); commits
/// nothing.
Status prestage_host(ApplyShared& shared, const std::vector<const plan::Step*>& steps,
                     HostRun& run);

/// Commits `change` to the host's state.json (mkdir, atomic upload) and to `run.state`.
Status commit_change(ApplyShared& shared, stages::Actions& actions, HostRun& run,
                     const state::StateChange& change);

} // namespace acp::runner::detail
