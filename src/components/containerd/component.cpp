// Registration of containerd: one stage after the certificates (its hosts directory trusts
// the cluster CA) and before the registry and the package's services, its facts probe and
// its status line.

#include "acpctl/components/containerd/containerd.hpp"
#include "acpctl/components/registry.hpp"

#include <array>

namespace acp::components {

namespace {
const std::array<stages::Phase, 1> k_phases{{
    {{"containerd", 44, "run containerd on every node, pulling from the platform registry",
      acp::containerd::plan_node, nullptr, false, nullptr},
     acp::containerd::apply,
     acp::containerd::render},
}};
} // namespace

const stages::Component& containerd() {
  static const stages::Component k_component{"containerd", k_phases, acp::containerd::facts_probe(),
                                             nullptr, acp::containerd::node_status};
  return k_component;
}

} // namespace acp::components
