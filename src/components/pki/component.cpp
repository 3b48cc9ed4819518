// Registration of the pki component: one stage, after distribute, before etcd uses the
// certificates.

#include "acpctl/components/pki/steps.hpp"
#include "acpctl/components/registry.hpp"

#include <array>

namespace acp::components {

namespace {
const std::array<stages::Phase, 1> k_phases{{
    {{"pki", 20, "upload the nodes' certificates and keys", node_pki::plan_files, nullptr, false,
      nullptr},
     node_pki::apply,
     node_pki::render},
}};
} // namespace

const stages::Component& pki() {
  static const stages::Component k_component{"pki", k_phases, {}, nullptr, nullptr, nullptr};
  return k_component;
}

} // namespace acp::components
