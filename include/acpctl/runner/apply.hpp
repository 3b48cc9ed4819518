#pragma once
// The runner: executes a plan's steps. Stages run in order; within a stage hosts run in
// parallel (bounded, sliding window); one host's steps run in order and each is committed to
// the node's state.json before the next. A failed host stops; the others finish the stage;
// later stages do not run.

#include "acpctl/runner/progress.hpp"
#include "acpctl/runner/session.hpp"

#include <optional>
#include <string>
#include <vector>

namespace acp::runner {

struct ApplyOptions {
  int parallel = 16;
  bool dry_run = false;      ///< log every action instead of doing it
  bool force_unlock = false; ///< take a node's apply lock even from a live holder
  std::string command;       ///< the command line, recorded in the lock
};

/// What happened on one host.
struct HostOutcome {
  std::string host;
  int steps_done = 0;
  int steps_planned = 0;
  int uploads = 0;            ///< uploads that sent bytes
  std::optional<Error> error; ///< the first failure on the host
};

struct ApplyReport {
  std::vector<HostOutcome> hosts; ///< in the plan's host order
  bool ok() const;
};

/// Applies `plan` against `gathered` facts: unpacks the package once (verified with the
/// session's public key) into a temporary directory, locks every node of the plan, runs the
/// stages, unlocks. Fails as a whole (Result error) only if nothing could start: the
/// package does not verify or a lock is held.
Result<ApplyReport> apply_plan(Session& session, const plan::Plan& plan,
                               const facts::Gathered& gathered, Progress& progress,
                               const ApplyOptions& options);

/// The test hook's step limit (env ACPCTL_TEST_EXIT_AFTER_STEP, test-only): 0 when unset.
int test_exit_after_step();

} // namespace acp::runner
