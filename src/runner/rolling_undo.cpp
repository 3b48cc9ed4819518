// A failed node of a rolling upgrade goes back to the versions it ran before.

#include "rolling_undo.hpp"

#include "acpctl/plan/release.hpp"
#include "acpctl/stages/registry.hpp"

#include <fmt/format.h>

namespace acp::runner::detail {

namespace {

// What the node should run again: every component this run changed at its previous
// version, the others as they are; one this run added is left out (prune removes it).
Result<std::vector<plan::DesiredComponent>> undo_of(const state::NodeState& before,
                                                    const state::NodeState& now) {
  std::vector<plan::DesiredComponent> out;
  for (const auto& [name, have] : now.components) {
    const auto* was = before.find(name);
    if (!was)
      continue;
    if (was->digest == have.digest) {
      out.push_back(plan::kept_component(have));
      continue;
    }
    if (!have.previous || have.previous->digest != was->digest)
      return Error(Errc::failed,
                   fmt::format("{} {} was replaced, but its previous version {} is not recorded",
                               name, have.version, was->version));
    auto d = plan::previous_component(have);
    if (!d)
      return std::move(d).error();
    out.push_back(std::move(*d));
  }
  return out;
}

} // namespace

Status roll_back_node(ApplyShared& shared, const state::NodeState& before, HostRun& run) {
  auto& session = shared.session;
  const auto& host = run.outcome.host;
  shared.progress.emit(
      {EventType::message, host, "", "", "rolling back to the versions it ran before", 0});
  auto desired = undo_of(before, run.state);
  if (!desired)
    return Error(std::move(desired).error()).with_host(host);
  auto fresh = session.gather({host});
  if (!fresh.ok())
    return fresh.errors.begin()->second;
  facts::Gathered gathered{shared.gathered.facts, {}};
  gathered.facts[host] = fresh.facts.at(host);
  const stages::PlatformSource source{session.cluster(), shared.platform.pki, &gathered.facts,
                                      shared.platform.desired};
  auto files = session.registry().platform_input(source);
  if (!files)
    return Error(std::move(files).error()).with_host(host);
  auto plan = session.registry().plan({session.cluster(), *desired, gathered.facts,
                                       session.config_digest(), session.package_digest(), &*files});
  if (!plan)
    return Error(std::move(plan).error()).with_host(host);
  ApplyShared undo{session,         gathered,       shared.unpacked,
                   source,          shared.outputs, shared.workstation,
                   shared.progress, shared.options, *desired};
  if (auto ok = run_host_plan(undo, *plan, run); !ok)
    return Error(std::move(ok).error()).context("rolling back");
  return {};
}

} // namespace acp::runner::detail
