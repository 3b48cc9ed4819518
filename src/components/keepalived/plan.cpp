// Stage "keepalived", plan half: on control-plane nodes of a cluster with a selfBuiltVIP, set
// up acp-keepalived; rewrite and restart it when keepalived.conf, check.sh or the binary
// changed; restart it when it is down; remove it where it is no longer wanted.

#include "acpctl/components/keepalived/steps.hpp"
#include "acpctl/stages/platform.hpp"

#include <fmt/format.h>

namespace acp::keepalived {

using namespace plan;

namespace {
constexpr const char* k_name = "keepalived";
} // namespace

std::string config_digest(std::span<const FileDigest> files, const std::string& binary_digest) {
  return service_digest(files, binary_digest);
}

void plan_node(const PlanInput& input, const HostContext& host, std::vector<Step>& out) {
  if (!input.platform)
    return;
  const auto& files = input.platform->of(host.node.name, k_name);
  const auto* binary = binary_component(host, k_name);
  if (files.empty() || !binary) {
    // Not (or no longer) wanted here: an external load balancer, the node left the control
    // plane, or the package has no keepalived. The record says what to stop and delete.
    if (host.facts.state.find_record(k_name))
      out.push_back(stages::prune_record_step(
          k_name, !input.cluster.endpoint.self_built_vip
                      ? "no selfBuiltVIP any more: stop acp-keepalived, delete its files"
                  : !binary ? "the package has no keepalived: stop acp-keepalived, delete its files"
                            : "not a control-plane node: stop acp-keepalived, delete its files"));
    return;
  }
  if (auto step = plan_platform_service(host, k_name, k_name, config_digest(files, binary->digest),
                                        "keepalived.conf, check.sh or the binary"))
    out.push_back(std::move(*step));
}

} // namespace acp::keepalived
