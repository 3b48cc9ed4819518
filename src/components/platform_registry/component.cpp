// Registration of the platform registry: its stages after keepalived (its certificates come
// from the pki stage): the replicas, the package's images, the replicas' pull listeners; its
// ports on control-plane nodes, its status lines.

#include "acpctl/components/platform_registry/registry.hpp"
#include "acpctl/components/registry.hpp"

#include <array>

namespace acp::components {

namespace {
const std::array<stages::Phase, 3> k_phases{{
    {{"registry", 46, "run the platform registry on control-plane nodes (spec.registry)",
      acp::platform_registry::plan_node, nullptr, false, nullptr},
     acp::platform_registry::apply,
     acp::platform_registry::render},
    {{"images", 47, "push the package's images to every registry replica",
      acp::platform_registry::plan_images, nullptr, false, nullptr},
     acp::platform_registry::apply_images,
     nullptr,
     false,
     false,
     nullptr,
     true},
    {{"registry-pull", 48,
      "serve pulls to nodes with a cluster certificate, read-only, beside every replica",
      acp::platform_registry::plan_pull, nullptr, false, nullptr},
     acp::platform_registry::apply_pull,
     acp::platform_registry::render_pull},
}};
} // namespace

const stages::Component& platform_registry() {
  static const stages::Component k_component{"registry",
                                             k_phases,
                                             {},
                                             acp::platform_registry::ports,
                                             acp::platform_registry::node_status,
                                             acp::platform_registry::cluster_status};
  return k_component;
}

} // namespace acp::components
