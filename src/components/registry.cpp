// The one table of acpctl's components. Their stages run in their declared order
// (distribute 10, pki 20, etcd 30, keepalived 40, containerd 44, registry 46, services 50,
// kubernetes 55-57, prune 90), not this one.

#include "acpctl/components/registry.hpp"

namespace acp::components {

const stages::Registry& registry() {
  static const stages::Registry k_registry({
      &packaged(),
      &pki(),
      &etcd(),
      &keepalived(),
      &containerd(),
      &platform_registry(),
      &kubernetes(),
  });
  return k_registry;
}

} // namespace acp::components
