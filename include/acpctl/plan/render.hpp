#pragma once
// The plan for people: Terraform's style (+ create, ~ change, ~ restart, - remove) grouped per
// host, and one summary line.

#include "acpctl/plan/plan.hpp"

#include <string>

namespace acp::plan {

struct RenderOptions {
  bool color = false; ///< ANSI colors; only when asked (a terminal, no NO_COLOR)
};

/// The steps per host, then a blank line and the summary line.
std::string render_text(const Plan& plan, const RenderOptions& options = {});
/// "Plan: 3 to create, 1 to change, 2 to restart, 0 to remove." or
/// "No changes. The cluster matches the configuration."
std::string summary_line(const Plan& plan);
/// For `plan --detailed-exitcode`: 0 without changes, 2 with changes.
int detailed_exit_code(const Plan& plan);

} // namespace acp::plan
