#pragma once
// The contract between the package layer and the planner: a manifest's components as
// DesiredComponents, with service commands resolved to the node's component directory.

#include "acpctl/package/manifest.hpp"
#include "acpctl/plan/desired.hpp"

#include <string>
#include <vector>

namespace acp::plan {

/// Where a component's file from the package lands on a node, relative to its version
/// directory: "components/<name>/bin/x" -> "bin/x"; any other path stays as it is.
std::string node_relative_path(const package::Component& component, const std::string& path);

/// Every component of `manifest` as the planner wants it: name, version, digest, roles, and
/// a ServiceSpec whose relative argv[0] (and health check's) point into
/// /opt/acp/components/<name>/current. Fails with Errc::invalid_input naming the component
/// if a role is unknown or its service cannot be expressed (service::validate).
Result<std::vector<DesiredComponent>> desired_from_manifest(const package::Manifest& manifest);

} // namespace acp::plan
