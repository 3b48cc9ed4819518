#pragma once
// What apply_plan and the rolling upgrade share: the hosts' running state, the package
// unpacked once, the nodes' apply locks and the final report. Private to src/runner.

#include "acpctl/runner/apply.hpp"
#include "acpctl/runner/lock.hpp"
#include "apply_step.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace acp::runner::detail {

double since(std::chrono::steady_clock::time_point start);

/// A HostRun per host of the plan, with its state and service manager from the facts.
std::map<std::string, HostRun> host_runs(const plan::Plan& plan, const facts::Gathered& gathered);

/// Verifies and unpacks the package once into `dir`, with only the components whose steps
/// read from it (an unpacking stage's steps without params).
Status unpack_needed(Session& session, const plan::Plan& plan, const std::filesystem::path& dir);

/// Locks every node of the plan before the first step (not in a dry run: it changes
/// nothing, not even the lock). acquire() fails with the first node's refusal, releasing the
/// others; release() frees every lock taken except on nodes that went silent.
struct Locks {
  Session& session;
  const std::vector<std::string>& hosts;
  const ApplyOptions& options;
  LockOwner me;
  std::vector<Result<bool>> taken{};

  Status acquire();
  void release(const std::map<std::string, HostRun>& runs);
};

/// The report, one apply_finished event per host and one for the whole run.
ApplyReport finish(const plan::Plan& plan, const std::map<std::string, HostRun>& runs,
                   Progress& progress, std::chrono::steady_clock::time_point started);

} // namespace acp::runner::detail
