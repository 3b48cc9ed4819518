#pragma once
// One host's (or the workstation's) steps of one stage; private to src/runner.

#include "acpctl/runner/apply.hpp"
#include "acpctl/stages/outputs.hpp"
#include "acpctl/stages/step.hpp"

#include <filesystem>
#include <memory>
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
};

/// Runs `steps` (one stage, one host, in order) through the stage's apply half; a node
/// step's state change is committed to the node's state.json before the next step.
Status run_host_stage(ApplyShared& shared, const stages::Phase& phase,
                      const std::vector<const plan::Step*>& steps, HostRun& run);

} // namespace acp::runner::detail
