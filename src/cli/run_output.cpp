// Shared printing for plan, apply and reset.

#include "run_output.hpp"

#include "acpctl/plan/plan_file.hpp"
#include "acpctl/plan/render.hpp"
#include "acpctl/util/log.hpp"
#include "output.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <iostream>
#include <unistd.h>

namespace acp::cli {

runner::ApplyReport confirm_and_apply(const GlobalOptions& globals, runner::Session& session,
                                      const plan::Plan& plan, const facts::Gathered& gathered,
                                      bool yes, const std::string& what,
                                      const runner::ApplyOptions& options) {
  confirm_or_throw(yes, what);
  const bool terminal = ::isatty(STDERR_FILENO) && !globals.json();
  auto progress = runner::make_progress(globals.json(), terminal, !globals.no_color);
  return runner::apply_plan(session, plan, gathered, *progress, options).take();
}

bool interactive() {
  return ::isatty(STDIN_FILENO) && ::isatty(STDERR_FILENO);
}

bool report_planning_problems(const GlobalOptions& globals, const runner::Planned& planned) {
  if (!planned.gathered.ok()) {
    for (const auto& [host, err] : planned.gathered.errors) {
      if (globals.json())
        print_json({{"schema", k_json_schema},
                    {"type", "host_error"},
                    {"host", host},
                    {"error", error_json(err)}});
      log::error(Error(err).with_host(host).describe());
    }
    return false;
  }
  if (!preflight::passed(planned.reports)) {
    if (globals.json())
      print_json({{"schema", k_json_schema},
                  {"type", "preflight"},
                  {"preflight", preflight::to_json(planned.reports)}});
    else
      fmt::print(stderr, "Preflight found problems:\n{}", preflight::render_text(planned.reports));
    return false;
  }
  return true;
}

void print_plan(const GlobalOptions& globals, const plan::Plan& plan) {
  if (globals.json()) {
    print_json({{"schema", k_json_schema}, {"type", "plan"}, {"plan", plan::to_json(plan)}});
    return;
  }
  const char* no_color = std::getenv("NO_COLOR");
  const bool color = !globals.no_color && (!no_color || !*no_color) && ::isatty(STDOUT_FILENO);
  fmt::print("{}", plan::render_text(plan, {color}));
  std::fflush(stdout);
}

void confirm_or_throw(bool yes, const std::string& what) {
  if (yes)
    return;
  if (!interactive())
    throw Failure(Error(Errc::usage, "refusing to " + what + " without confirmation")
                      .with_hint("there is no terminal to ask on; pass --yes to go ahead"));
  fmt::print(stderr, "\nDo you want to {}? Only 'yes' is accepted: ", what);
  std::string answer;
  std::getline(std::cin, answer);
  if (answer != "yes")
    throw Failure(Error(Errc::cancelled, "cancelled; nothing was changed"));
}

int print_apply_report(const GlobalOptions& globals, const runner::ApplyReport& report) {
  if (globals.json()) {
    nlohmann::json hosts = nlohmann::json::array();
    for (const auto& h : report.hosts) {
      nlohmann::json j = {{"host", h.host},
                          {"ok", !h.error},
                          {"stepsDone", h.steps_done},
                          {"stepsPlanned", h.steps_planned},
                          {"uploads", h.uploads}};
      if (h.error)
        j["error"] = error_json(*h.error);
      hosts.push_back(std::move(j));
    }
    print_json({{"schema", k_json_schema},
                {"type", "apply_result"},
                {"ok", report.ok()},
                {"hosts", hosts}});
  } else {
    fmt::print(stderr, "\n{:<16} {:<7} {:>5}  {}\n", "HOST", "RESULT", "STEPS", "ERROR");
    for (const auto& h : report.hosts) {
      fmt::print(stderr, "{:<16} {:<7} {:>2}/{:<2}  {}\n", h.host, h.error ? "failed" : "ok",
                 h.steps_done, h.steps_planned, h.error ? log::redact(h.error->message()) : "");
      if (h.error && !h.error->hint().empty())
        fmt::print(stderr, "{:<16} {:<7} {:>5}  what to do: {}\n", "", "", "", h.error->hint());
    }
    fmt::print(stderr, "{}\n", report.ok() ? "Apply complete." : "Apply failed.");
  }
  return report.ok() ? k_exit_ok : k_exit_failed;
}

} // namespace acp::cli
