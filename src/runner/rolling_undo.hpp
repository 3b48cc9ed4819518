#pragma once
// Returning one node to what it ran before a failed step of a rolling upgrade. Private to
// src/runner.

#include "apply_step.hpp"

namespace acp::runner::detail {

/// Plans and runs, on `run`'s node only, the return to `before` (its state when the upgrade
/// began): each component this run changed goes back to its previous version (kept on the
/// node), one it added is removed, and their services restart and pass their gates.
Status roll_back_node(ApplyShared& shared, const state::NodeState& before, HostRun& run);

} // namespace acp::runner::detail
