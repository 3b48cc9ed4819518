// What `acpctl status` shows of the self-built VIP: which nodes hold it now (from their
// addresses). Exactly one holder is healthy; none or several is shown in red.

#include "acpctl/components/keepalived/steps.hpp"
#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::keepalived {

namespace {
std::string vip_text(const std::string& address, const std::vector<std::string>& holders) {
  if (holders.size() == 1)
    return fmt::format("VIP {} on {}", address, holders[0]);
  if (holders.empty())
    return fmt::format("VIP {} is on no node shown: check acp-keepalived and its health check "
                       "(etcd) on the control-plane nodes",
                       address);
  return fmt::format("VIP {} is on {} nodes at once ({}): the nodes do not hear each other's "
                     "VRRP adverts",
                     address, holders.size(), util::join(holders, ", "));
}
} // namespace

std::vector<std::string> vip_holders(const config::Cluster& cluster,
                                     const std::map<std::string, facts::HostFacts>& facts) {
  std::vector<std::string> holders;
  if (!cluster.endpoint.self_built_vip)
    return holders;
  const auto& address = cluster.endpoint.self_built_vip->vip;
  for (const auto& node : cluster.nodes)
    if (const auto f = facts.find(node.name); f != facts.end() && f->second.has_address(address))
      holders.push_back(node.name);
  return holders;
}

std::optional<stages::StatusLine> vip_status(const config::Cluster& cluster,
                                             const std::map<std::string, facts::HostFacts>& facts) {
  if (!cluster.endpoint.self_built_vip)
    return std::nullopt;
  const auto& address = cluster.endpoint.self_built_vip->vip;
  const auto holders = vip_holders(cluster, facts);
  return stages::StatusLine{"vip",
                            vip_text(address, holders),
                            holders.size() == 1,
                            {{"address", address}, {"holders", holders}},
                            0};
}

} // namespace acp::keepalived
