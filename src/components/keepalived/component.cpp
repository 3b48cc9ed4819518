// Registration of the keepalived component: one stage after etcd (its check follows etcd),
// and the VIP line of `acpctl status`. VRRP is not TCP: no ports for preflight.

#include "acpctl/components/keepalived/steps.hpp"
#include "acpctl/components/registry.hpp"

#include <array>

namespace acp::components {

namespace {
const std::array<stages::Phase, 1> k_phases{{
    {{"keepalived", 40, "set up keepalived for the VIP on control-plane nodes",
      acp::keepalived::plan_node, nullptr, false, nullptr},
     acp::keepalived::apply,
     acp::keepalived::render},
}};
} // namespace

const stages::Component& keepalived() {
  static const stages::Component k_component{"keepalived",
                                             k_phases,
                                             {},
                                             nullptr,
                                             nullptr,
                                             acp::keepalived::vip_status,
                                             acp::keepalived::vip_status,
                                             acp::keepalived::drain,
                                             acp::keepalived::undrain,
                                             acp::keepalived::vip_holders};
  return k_component;
}

} // namespace acp::components
