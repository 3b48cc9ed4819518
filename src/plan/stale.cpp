// A plan is applied only against the inputs it was made from: the same cluster.yaml, the
// same package, and nodes whose state serial has not moved.

#include "acpctl/plan/plan_file.hpp"
#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::plan {

namespace {
std::string short_hex(const std::string& digest) {
  const auto colon = digest.find(':');
  return digest.substr(colon == std::string::npos ? 0 : colon + 1, 12);
}

// Every refusal of a saved plan says the same thing to do.
Error stale(const std::string& why) {
  return Error(Errc::conflict, "the plan is stale: " + why)
      .with_hint("make a new plan with `acpctl plan -f cluster.yaml --package PKG --out FILE`, "
                 "review it, and apply that one");
}

std::string describe(const Step& s) {
  return fmt::format("{} {} {} {}", s.host, s.stage, to_string(s.action),
                     util::quoted(s.component));
}
} // namespace

std::vector<std::string> stale_reasons(const Plan& plan, const CurrentInputs& now) {
  std::vector<std::string> out;
  if (plan.config_digest != now.config_digest)
    out.push_back(fmt::format("cluster.yaml changed since the plan was made ({} -> {})",
                              short_hex(plan.config_digest), short_hex(now.config_digest)));
  if (plan.package_digest != now.package_digest)
    out.push_back(fmt::format("the package is not the one the plan was made for ({} -> {})",
                              short_hex(plan.package_digest), short_hex(now.package_digest)));
  for (const auto& [host, serial] : plan.node_serials) {
    const auto it = now.node_serials.find(host);
    if (it == now.node_serials.end())
      out.push_back(fmt::format("{} was in the plan but is not among the nodes now", host));
    else if (it->second != serial)
      out.push_back(fmt::format("the state of {} changed since the plan was made (serial {} -> {})",
                                host, serial, it->second));
  }
  for (const auto& [host, serial] : now.node_serials)
    if (!plan.node_serials.contains(host))
      out.push_back(fmt::format("{} is a node now but was not when the plan was made", host));
  return out;
}

Status check_fresh(const Plan& plan, const CurrentInputs& now) {
  const auto reasons = stale_reasons(plan, now);
  if (reasons.empty())
    return {};
  return stale(util::join(reasons, "; "));
}

Status check_same(const Plan& saved, const Plan& now, const CurrentInputs& inputs) {
  if (auto fresh = check_fresh(saved, inputs); !fresh)
    return fresh;
  if (saved.package_key != now.package_key)
    return stale(fmt::format("it was made with the package key {}, not {}", saved.package_key,
                             now.package_key));
  const auto n = std::max(saved.steps.size(), now.steps.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (i < saved.steps.size() && i < now.steps.size() && saved.steps[i] == now.steps[i])
      continue;
    return stale(fmt::format("step {} differs (plan file: {}; planned now: {})", i + 1,
                             i < saved.steps.size() ? describe(saved.steps[i]) : "none",
                             i < now.steps.size() ? describe(now.steps[i]) : "none"));
  }
  return {};
}

} // namespace acp::plan
