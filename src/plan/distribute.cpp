// Stage "distribute": component files go to /opt/acp/components/<name>/<version> and the
// current link switches to them. Equal digests mean nothing to do.

#include "acpctl/plan/planner.hpp"
#include "reasons.hpp"

#include <fmt/format.h>

namespace acp::plan {

namespace detail {

std::string roles_text(const std::vector<config::Role>& roles) {
  std::string out;
  for (auto role : roles)
    out += (out.empty() ? "" : ", ") + std::string(config::to_string(role));
  return out;
}

std::string short_digest(const std::string& digest) {
  const auto colon = digest.find(':');
  const auto hex_start = colon == std::string::npos ? 0 : colon + 1;
  return digest.substr(0, hex_start + 12);
}

} // namespace detail

void plan_distribute(const PlanInput&, const HostContext& host, std::vector<Step>& out) {
  for (const auto* want : host.desired) {
    const auto* have = host.facts.state.find(want->name);
    if (have && have->digest == want->digest)
      continue;
    Step step;
    step.component = want->name;
    step.to_version = want->version;
    step.digest = want->digest;
    if (!have) {
      step.action = Action::create;
      step.reason = want->roles.empty()
                        ? "new on this node"
                        : fmt::format("new on this node (for {})", detail::roles_text(want->roles));
    } else {
      step.action = Action::change;
      step.from_version = have->version;
      step.reason =
          have->version != want->version
              ? fmt::format("version {} -> {}", have->version, want->version)
              : fmt::format("content changed ({} -> {})", detail::short_digest(have->digest),
                            detail::short_digest(want->digest));
    }
    out.push_back(std::move(step));
  }
}

} // namespace acp::plan
