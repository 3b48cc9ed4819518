#pragma once
// acpctl's components, one registration each (src/components/<name>/component.cpp), and the
// one table of them the engine walks. Adding a component: a folder under src/components/
// with its registration, a line here and a row in registry.cpp.

#include "acpctl/stages/registry.hpp"

namespace acp::components {

/// Every component of acpctl, in registration order.
const stages::Registry& registry();

// The registrations.
const stages::Component& packaged();          ///< the package's own components: files + service
const stages::Component& pki();               ///< the nodes' certificates and keys
const stages::Component& etcd();              ///< the etcd cluster
const stages::Component& keepalived();        ///< the self-built VIP
const stages::Component& containerd();        ///< the container runtime on every node
const stages::Component& platform_registry(); ///< the platform registry's replicas
const stages::Component& kubernetes();        ///< kubeadm, the kubelet, init and joins

} // namespace acp::components
