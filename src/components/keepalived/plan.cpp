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

void plan_node(const PlanInput& input, const HostContext& host, std::vector<Step>& out) {
  // Not (or no longer) wanted: an external load balancer, the node left the control plane, or
  // the package has no keepalived.
  const bool vip = input.cluster.endpoint.self_built_vip.has_value();
  stages::plan_binary_service(
      input, host, k_name, k_inputs,
      [vip](bool binary) {
        return !vip      ? "no selfBuiltVIP any more: stop acp-keepalived, delete its files"
               : !binary ? "the package has no keepalived: stop acp-keepalived, delete its files"
                         : "not a control-plane node: stop acp-keepalived, delete its files";
      },
      out);
}

} // namespace acp::keepalived
