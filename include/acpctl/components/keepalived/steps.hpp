#pragma once
// The keepalived component's stage "keepalived": acp-keepalived on the control-plane nodes
// of a cluster with a selfBuiltVIP (src/components/keepalived/).

#include "acpctl/stages/component.hpp"

namespace acp::keepalived {

/// Sets up acp-keepalived; rewrites and restarts it when keepalived.conf, check.sh or the
/// binary changed; restarts it when it is down; removes it (prune) where no longer wanted.
void plan_node(const plan::PlanInput& input, const plan::HostContext& host,
               std::vector<plan::Step>& out);
/// keepalived.conf (0600: it holds the VRRP password) and check.sh on a control-plane node
/// of a cluster with a selfBuiltVIP; nothing elsewhere.
Result<std::vector<service::FileToWrite>> render(const stages::PlatformSource& source,
                                                 const config::Node& node);
/// What a keepalived step's digest covers, for its reasons and the stale-plan error.
inline constexpr const char* k_inputs = "keepalived.conf, check.sh or the binary";
/// Writes them and (re)starts acp-keepalived.
Result<state::StateChange> apply(const plan::Step& step, stages::StepContext& ctx);

/// "VIP 10.88.0.100 on n1", or what is wrong (no holder, several); JSON {"address",
/// "holders"} under "vip". Nullopt without a selfBuiltVIP.
std::optional<stages::StatusLine> vip_status(const config::Cluster& cluster,
                                             const std::map<std::string, facts::HostFacts>& facts);

/// Before a rolling upgrade restarts etcd or keepalived on the VIP holder: stops keepalived
/// there (the VIP moves at once) and waits until another node answers on the VIP; false
/// when the node does not hold it or nothing of its VIP path restarts.
Result<bool> drain(const stages::DrainContext& ctx);
/// After the node's steps: starts keepalived again (nopreempt: the VIP stays where it went).
Status undrain(const stages::DrainContext& ctx);

/// The node holding the VIP now (from facts), to be changed last in a rolling upgrade.
std::vector<std::string> vip_holders(const config::Cluster& cluster,
                                     const std::map<std::string, facts::HostFacts>& facts);

} // namespace acp::keepalived
