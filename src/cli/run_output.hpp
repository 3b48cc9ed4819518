#pragma once
// What plan, apply and reset print alike: per-host errors, preflight problems, the plan,
// the confirmation question and the final per-host summary.

#include "acpctl/runner/apply.hpp"
#include "app.hpp"

#include <string>

namespace acp::cli {

/// Prints one error per host that could not be reached (or every preflight problem) and
/// returns false if there was any.
bool report_planning_problems(const GlobalOptions& globals, const runner::Planned& planned);
/// Prints the plan: text (Terraform style and summary) or one JSON document.
void print_plan(const GlobalOptions& globals, const plan::Plan& plan);
/// Asks "Apply these changes? [y/N]" unless `yes`. Without a terminal and without --yes it
/// refuses with Errc::usage saying to pass --yes (it never prompts without a terminal).
void confirm_or_throw(bool yes, const std::string& what);
/// Asks (confirm_or_throw with `what`), then runs the plan with the progress display the
/// output mode calls for: live lines on a terminal, plain lines, or JSON events.
runner::ApplyReport confirm_and_apply(const GlobalOptions& globals, runner::Session& session,
                                      const plan::Plan& plan, const facts::Gathered& gathered,
                                      bool yes, const std::string& what,
                                      const runner::ApplyOptions& options);
/// Prints the per-host summary (text to stderr or a JSON document); returns the exit code.
int print_apply_report(const GlobalOptions& globals, const runner::ApplyReport& report);
/// True if stdin and stderr are terminals.
bool interactive();

} // namespace acp::cli
