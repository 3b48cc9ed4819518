// Releases: a patch's overlay on the installed release, a rollback's target, and the rule
// that one version names one content.

#include "acpctl/plan/release.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace acp::plan {

state::Release release_of(const package::Manifest& manifest, const std::string& manifest_digest) {
  return {manifest.name,   manifest.version,
          manifest.type,   manifest.type == "patch" ? manifest.base_version : manifest.version,
          manifest_digest, ""};
}

namespace {

Error conflict(const std::string& node, const std::string& what, const std::string& hint) {
  return Error(Errc::conflict, what).with_host(node).with_hint(hint);
}

// Whether `patch` applies to what `node` runs: its base, a patch of that base, or itself.
Status fits_patch(const package::Manifest& patch, const std::string& node,
                  const state::NodeState& st) {
  const auto base = fmt::format("{} {}", patch.name, patch.base_version);
  if (!st.release && st.components.empty())
    return conflict(node,
                    fmt::format("the patch {} {} applies to {}, and this node runs no release",
                                patch.name, patch.version, base),
                    fmt::format("install {} first (`acpctl apply`), then the patch", base));
  if (!st.release)
    return conflict(node, "this node's components were installed before acpctl recorded releases",
                    fmt::format("apply the package {} with this acpctl first (it records the "
                                "release), then the patch",
                                base));
  const auto& r = *st.release;
  if (r.name == patch.name && (r.version == patch.version || r.base_version == patch.base_version))
    return {};
  const auto runs = r.type == "patch"
                        ? fmt::format("{} {} (a patch of {})", r.name, r.version, r.base_version)
                        : fmt::format("{} {}", r.name, r.version);
  return conflict(node,
                  fmt::format("the patch {} {} applies to {}, but this node runs {}", patch.name,
                              patch.version, base, runs),
                  fmt::format("use a patch built for {} {}, or upgrade the cluster to {} first",
                              r.name, r.base_version, base));
}

} // namespace

Result<std::vector<DesiredComponent>> overlay_patch(const package::Manifest& patch,
                                                    std::vector<DesiredComponent> carried,
                                                    const FactsByNode& facts) {
  std::set<std::string> names;
  for (const auto& c : carried)
    names.insert(c.name);
  for (const auto& [node, f] : facts)
    if (auto ok = fits_patch(patch, node, f.state); !ok)
      return std::move(ok).error();
  for (const auto& [node, f] : facts)
    for (const auto& [name, have] : f.state.components)
      if (names.insert(name).second)
        carried.push_back(kept_component(have));
  return carried;
}

DesiredComponent kept_component(const state::InstalledComponent& have) {
  DesiredComponent d;
  d.name = have.name;
  d.version = have.version;
  d.digest = have.digest;
  d.content_digest = have.content_digest;
  d.release = have.release;
  d.ports = have.ports;
  d.installed_only = true;
  d.kept = true;
  return d;
}

Result<DesiredComponent> previous_component(const state::InstalledComponent& have) {
  if (!have.previous)
    return Error(Errc::failed, "no previous version of " + have.name + " is recorded");
  const auto& p = *have.previous;
  DesiredComponent d;
  d.name = have.name;
  d.version = p.version;
  d.digest = p.digest;
  d.content_digest = p.content_digest;
  d.release = p.release;
  d.ports = have.ports;
  d.installed_only = true;
  if (!p.service_spec.is_null()) {
    auto spec = spec_from_json(p.service_spec);
    if (!spec)
      return Error(std::move(spec).error()).context("the previous version of " + have.name);
    d.service = std::move(*spec);
  }
  return d;
}

Status check_versions(std::span<const DesiredComponent> desired, const FactsByNode& facts) {
  for (const auto& [node, f] : facts)
    for (const auto& want : desired) {
      const auto* have = want.kept ? nullptr : f.state.find(want.name);
      if (!have)
        continue;
      const bool current = have->version == want.version && have->digest != want.digest;
      const bool previous = have->previous && have->previous->version == want.version &&
                            have->previous->digest != want.digest;
      if (!current && !previous)
        continue;
      const auto& digest = current ? have->digest : have->previous->digest;
      return conflict(
          node,
          fmt::format("{} {} is on this node with content {}, but the package's {} {} is {}: "
                      "a version names one content",
                      want.name, want.version, digest.substr(0, 19), want.name, want.version,
                      want.digest.substr(0, 19)),
          fmt::format("give the changed {} a new version in the package definition and build "
                      "the package again",
                      want.name));
    }
  return {};
}

} // namespace acp::plan
