#pragma once
// The pki component's stage "pki": the certificates and keys each node needs
// (pki::node_files) go to it when their digest differs from its record.

#include "acpctl/stages/step.hpp"

namespace acp::node_pki {

/// Plans the upload (create/change) or, when the node needs none any more, the removal
/// (in the prune stage, unless the etcd stage removes them with its member).
void plan_files(const plan::PlanInput& input, const plan::HostContext& host,
                std::vector<plan::Step>& out);
/// The node's certificates and keys from the cluster's PKI; none without a loaded PKI.
Result<std::vector<service::FileToWrite>> render(const stages::PlatformSource& source,
                                                 const config::Node& node);
/// Uploads them after checking their digest against the plan's.
Result<state::StateChange> apply(const plan::Step& step, stages::StepContext& ctx);

} // namespace acp::node_pki
