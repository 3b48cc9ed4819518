// What `acpctl upgrade rollback` returns the nodes to: the release before the newest one.

#include "acpctl/plan/release.hpp"

#include <fmt/format.h>
#include <map>
#include <set>

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

// What the rollback installs, component by component across every node (a rollback cut
// short left some nodes back already): the previous version of each component that `from`
// installed, from a node that still runs it; a component `from` added is left out (prune
// removes it); every other component stays as installed.
Result<std::vector<DesiredComponent>> undo(const FactsByNode& facts, const state::Release& from) {
  std::map<std::string, DesiredComponent> out;
  std::set<std::string> added;
  for (const auto& [node, f] : facts)
    for (const auto& [name, have] : f.state.components) {
      if (have.release != from.version || out.contains(name))
        continue;
      if (!have.previous) {
        added.insert(name);
        continue;
      }
      auto d = previous_component(have);
      if (!d)
        return Error(std::move(d).error()).with_host(node);
      out.emplace(name, std::move(*d));
    }
  for (const auto& [node, f] : facts)
    for (const auto& [name, have] : f.state.components)
      if (!added.contains(name))
        out.emplace(name, kept_component(have)); // no-op when decided above
  std::vector<DesiredComponent> list;
  for (auto& [name, d] : out)
    list.push_back(std::move(d));
  return list;
}

// A node may run the release rolled back from (with the target as its previous release) or
// the target already.
Status fits_rollback(const std::string& node, const state::NodeState& st,
                     const state::Release& from, const state::Release& to) {
  const auto& r = st.release;
  if (!r || (r->digest != from.digest && r->digest != to.digest))
    return Error(Errc::conflict,
                 fmt::format("this node runs {}, neither {} {} (the newest release) nor {} {} "
                             "(the one before)",
                             r ? r->name + " " + r->version : std::string("no release"), from.name,
                             from.version, to.name, to.version))
        .with_host(node)
        .with_hint("bring the node to one of them first (`acpctl upgrade apply`)");
  if (r->digest == from.digest &&
      (!st.previous_release || st.previous_release->digest != to.digest))
    return Error(Errc::conflict, fmt::format("this node's release before {} {} is not {} {}",
                                             from.name, from.version, to.name, to.version))
        .with_host(node)
        .with_hint("roll the nodes forward to one release first (`acpctl upgrade apply`)");
  return {};
}

} // namespace

Result<Rollback> rollback_of(const FactsByNode& facts) {
  const auto* last = newest(facts);
  // After a rollback (or part of one) the newest event is that rollback: a rerun continues
  // it to the same release, it never rolls forward again.
  const bool continuing = last && last->history.back().action == "rollback";
  const auto& to_release = !last        ? std::nullopt
                           : continuing ? last->release
                                        : last->previous_release;
  const auto& from_release = !last        ? std::nullopt
                             : continuing ? last->previous_release
                                          : last->release;
  if (!to_release || !from_release)
    return Error(Errc::conflict, "no node records a release to roll back to")
        .with_hint("a rollback returns to the release before the last upgrade; `acpctl "
                   "history` shows what each node ran");
  const auto& from = *from_release;
  const auto& to = *to_release;
  for (const auto& [node, f] : facts)
    if (auto ok = fits_rollback(node, f.state, from, to); !ok)
      return std::move(ok).error();
  auto components = undo(facts, from);
  if (!components)
    return std::move(components).error();
  return Rollback{to, std::move(*components)};
}

} // namespace acp::plan
