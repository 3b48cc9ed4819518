// Text form of a plan, grouped per host in the order hosts first appear.

#include "acpctl/plan/render.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::plan {

namespace {

struct Look {
  std::string_view symbol;
  std::string_view color; // ANSI SGR
};

Look look_of(Action action) {
  switch (action) {
  case Action::create:
    return {"+", "32"};
  case Action::change:
    return {"~", "33"};
  case Action::restart:
    return {"~", "36"};
  case Action::remove:
    break;
  }
  return {"-", "31"};
}

// A platform step names what it acts on: "etcd member n2", "pki".
std::string subject(const Step& s) {
  const auto more = s.params ? s.params->subject() : std::string();
  return more.empty() ? s.component : s.component + " " + more;
}

std::string what_of(const Step& s) {
  switch (s.action) {
  case Action::create:
    if (const auto verb = s.params ? s.params->create_verb() : ""; !verb.empty())
      return fmt::format("{} {}", verb, s.component);
    return s.to_version.empty() ? subject(s) : fmt::format("{} {}", s.component, s.to_version);
  case Action::change:
    if (s.from_version.empty() && s.to_version.empty())
      return subject(s);
    return fmt::format("{} {} -> {}", s.component, s.from_version, s.to_version);
  case Action::restart:
    return fmt::format("restart {}", subject(s));
  case Action::remove:
    break;
  }
  return s.from_version.empty() ? subject(s) : fmt::format("{} {}", s.component, s.from_version);
}

} // namespace

std::string summary_line(const Plan& plan) {
  if (!plan.has_changes())
    return "No changes. The cluster matches the configuration.";
  const auto s = plan.summary();
  return fmt::format("Plan: {} to create, {} to change, {} to restart, {} to remove.", s.create,
                     s.change, s.restart, s.remove);
}

std::string render_text(const Plan& plan, const RenderOptions& options) {
  std::string out;
  auto hosts = plan.hosts();
  // Steps on the workstation running acpctl come first, under that name.
  if (std::any_of(plan.steps.begin(), plan.steps.end(),
                  [](const Step& s) { return s.target == Target::workstation; }))
    hosts.insert(hosts.begin(), "");
  for (const auto& host : hosts) {
    out += fmt::format("{}:\n", host.empty() ? "workstation" : host);
    for (const auto& step : plan.steps) {
      if (step.host != host)
        continue;
      const auto look = look_of(step.action);
      const auto line =
          fmt::format("{} {:<32} # {}: {}", look.symbol, what_of(step), step.stage, step.reason);
      out += options.color ? fmt::format("  \x1b[{}m{}\x1b[0m\n", look.color, line)
                           : fmt::format("  {}\n", line);
    }
    out += "\n";
  }
  return out + summary_line(plan) + "\n";
}

int detailed_exit_code(const Plan& plan) {
  return plan.has_changes() ? 2 : 0;
}

} // namespace acp::plan
