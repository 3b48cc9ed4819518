#pragma once
// What the package wants on the cluster, in the planner's terms. The package layer maps its
// manifest's components onto this; the planner never reads archives.

#include "acpctl/config/model.hpp"
#include "acpctl/service/spec.hpp"
#include "acpctl/state/node_state.hpp"

#include <optional>
#include <string>
#include <vector>

namespace acp::plan {

/// One component of the package as the planner sees it.
struct DesiredComponent {
  std::string name;
  std::string version;
  std::string digest;              ///< content digest ("sha256:..."); equal digest = converged
  std::vector<config::Role> roles; ///< nodes with any of these roles get it; empty: every node
  std::optional<service::ServiceSpec> service; ///< set if it runs as a service
  std::vector<int> ports;                      ///< TCP ports its service listens on
  /// The digest without the version label: equal under two versions = a relabel.
  std::string content_digest{};
  /// The release (version) this component belongs to; recorded as its owner on the node.
  std::string release{};
  /// Wanted only on the nodes that have it installed (a patch's untouched components, a
  /// rollback's previous versions), never created elsewhere.
  bool installed_only = false;
  /// Stays exactly as installed: a component a patch does not carry. Distribute and
  /// services leave it alone; prune keeps it; platform stages read its digest.
  bool kept = false;
  /// Its container images, "ref@sha256:..." (pushed to the platform registry, not to nodes).
  std::vector<std::string> images{};

  /// True if a node with `roles` should have this component.
  bool wanted_on(const std::vector<config::Role>& node_roles) const;
};

/// The state record of `component` once its files are in place: what the runner commits
/// (state::StateChange::put) after a distribute step succeeds. `installed_at` is RFC 3339 UTC.
/// Its service_digest is empty: only the services stage records what a service runs. It
/// carries the content digest, owning release and service spec; not the previous version.
state::InstalledComponent record_of(const DesiredComponent& component,
                                    std::vector<state::InstalledFile> files,
                                    std::string installed_at);

} // namespace acp::plan
