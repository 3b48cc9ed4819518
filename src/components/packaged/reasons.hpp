#pragma once
// Wording shared by the stage planners.

#include "acpctl/config/model.hpp"
#include "acpctl/plan/desired.hpp"

#include <string>

namespace acp::packaged::detail {

/// "etcd, control-plane": the roles as written in cluster.yaml.
std::string roles_text(const std::vector<config::Role>& roles);
/// "sha256:0123456789ab": a digest cut to 12 hex digits for messages.
std::string short_digest(const std::string& digest);

} // namespace acp::packaged::detail
