#pragma once
// Private to pki: the one walk over the cluster's certificates behind ensure, load and renew.

#include "layout.hpp"

#include <vector>

namespace acp::pki::detail {

enum class Mode {
  write,   ///< issue what is missing or not right, and write it (ensure, renew)
  dry_run, ///< only say what would be issued (renew --dry-run)
  load,    ///< read-only; anything missing or not right is an error (load)
};

struct Policy {
  Clock::time_point now = Clock::now();
  int within_days = k_renew_days; ///< re-issue leaves that expire within this many days
  bool renew_all = false;
  Mode mode = Mode::write;
};

struct Outcome {
  ClusterPki pki;              ///< empty with Mode::dry_run
  std::vector<Renewed> issued; ///< what was (or would be) issued, CA first
};

/// ensure/load/renew with an explicit clock and policy (tests use it to move time).
Result<Outcome> reconcile(const config::Cluster& cluster, const std::filesystem::path& dir,
                          const Policy& policy);

} // namespace acp::pki::detail
