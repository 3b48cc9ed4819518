// What `acpctl upgrade rollback` returns the nodes to: the release before the newest one.

#include "acpctl/plan/release.hpp"

#include <fmt/format.h>

namespace acp::plan {

namespace {

// The node whose last release change is the newest (RFC 3339 compares as text); null if no
// node records a change.
const state::NodeState* newest(const FactsByNode& facts) {
  const state::NodeState* best = nullptr;
  for (const auto& [node, f] : facts)
    if (!f.state.history.empty() && f.state.release &&
        (!best || f.state.history.back().at > best->history.back().at))
      best = &f.state;
  return best;
}

// The previous versions of what `from` changed; a component it added is left out.
Result<std::vector<DesiredComponent>> undo(const state::NodeState& st) {
  std::vector<DesiredComponent> out;
  for (const auto& [name, have] : st.components) {
    if (have.release != st.release->version) {
      out.push_back(kept_component(have));
      continue;
    }
    if (!have.previous)
      continue;
    auto d = previous_component(have);
    if (!d)
      return std::move(d).error();
    out.push_back(std::move(*d));
  }
  return out;
}

} // namespace

Result<Rollback> rollback_of(const FactsByNode& facts) {
  const auto* last = newest(facts);
  if (!last || !last->previous_release)
    return Error(Errc::conflict, "no node records a release to roll back to")
        .with_hint("a rollback returns to the release before the last upgrade; `acpctl "
                   "history` shows what each node ran");
  const auto& from = *last->release;
  const auto& to = *last->previous_release;
  for (const auto& [node, f] : facts) {
    const auto& r = f.state.release;
    if (!r || (r->digest != from.digest && r->digest != to.digest))
      return Error(Errc::conflict,
                   fmt::format("this node runs {}, neither {} {} (the newest release) nor "
                               "{} {} (the one before)",
                               r ? r->name + " " + r->version : std::string("no release"),
                               from.name, from.version, to.name, to.version))
          .with_host(node)
          .with_hint("bring the node to one of them first (`acpctl upgrade apply`)");
    if (r->digest == from.digest &&
        (!f.state.previous_release || f.state.previous_release->digest != to.digest))
      return Error(Errc::conflict, fmt::format("this node's release before {} {} is not {} {}",
                                               from.name, from.version, to.name, to.version))
          .with_host(node)
          .with_hint("roll the nodes forward to one release first (`acpctl upgrade apply`)");
  }
  auto components = undo(*last);
  if (!components)
    return std::move(components).error();
  return Rollback{to, std::move(*components)};
}

} // namespace acp::plan
