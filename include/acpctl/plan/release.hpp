#pragma once
// Releases in the planner's terms: what a patch overlays on the release the nodes run, what
// a rollback returns to, and the rule that one version names one content.

#include "acpctl/facts/host_facts.hpp"
#include "acpctl/package/manifest.hpp"
#include "acpctl/plan/desired.hpp"
#include "acpctl/state/node_state.hpp"
#include "acpctl/util/error.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

namespace acp::plan {

using FactsByNode = std::map<std::string, facts::HostFacts>;

/// The release a package installs (installed_at left empty: the release step sets it).
/// `manifest_digest` is the package's digest ("sha256:...").
state::Release release_of(const package::Manifest& manifest, const std::string& manifest_digest);

/// The desired components for `patch` (its components as `carried`, already mapped by
/// desired_from_manifest): what it carries, plus every installed component it does not
/// carry, kept as installed. Refused (Errc::conflict, naming the node and both versions)
/// when a node runs no release, another product, or a release the patch does not apply to
/// (its base, a patch of that base, or this patch itself are fine).
Result<std::vector<DesiredComponent>> overlay_patch(const package::Manifest& patch,
                                                    std::vector<DesiredComponent> carried,
                                                    const FactsByNode& facts);

/// What `acpctl upgrade rollback` installs: the previous release of the nodes that run the
/// newest one, and for each component that release changed, its previous version (kept on
/// the nodes); a component it added is left out (prune removes it); the rest is kept.
struct Rollback {
  state::Release target;
  std::vector<DesiredComponent> components;
};
/// Fails (Errc::conflict) when no node records a previous release, or when the nodes that
/// run the newest release disagree about what came before.
Result<Rollback> rollback_of(const FactsByNode& facts);

/// A component exactly as installed on a node, as a desired one (`kept`, installed_only).
DesiredComponent kept_component(const state::InstalledComponent& have);
/// The previous version recorded for `have`, as a desired one (installed_only); its service
/// from the recorded spec. Fails if that spec cannot be read.
Result<DesiredComponent> previous_component(const state::InstalledComponent& have);

/// Refuses (Errc::conflict, naming the node) a desired component whose version a node already
/// has, as current or previous version, with other content: a version names one content.
Status check_versions(std::span<const DesiredComponent> desired, const FactsByNode& facts);

/// A ServiceSpec as recorded in state.json ("serviceSpec") and read back.
nlohmann::json spec_to_json(const service::ServiceSpec& spec);
Result<service::ServiceSpec> spec_from_json(const nlohmann::json& json);

} // namespace acp::plan
