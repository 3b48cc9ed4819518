#pragma once
// Waiting for an applied object to be ready: what "ready" means per kind, judged from the live
// object, and a poll of the server until it is or time runs out.

#include "acpctl/kube/api.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

namespace acp::kube {

/// Whether a live object is ready, and if not, what is awaited.
struct Readiness {
  bool ready = false;
  std::string waiting_for{}; ///< "status.phase Active (now Terminating)"; "" when ready
};

/// Readiness of a live object by its kind: Namespace: status.phase Active;
/// CustomResourceDefinition: conditions Established and NamesAccepted True; Deployment:
/// status.observedGeneration >= metadata.generation and status.availableReplicas >=
/// spec.replicas (1 when unset); DaemonSet: observedGeneration as for a Deployment and
/// status.numberReady == status.desiredNumberScheduled; any other kind: ready as it exists.
Readiness readiness(const nlohmann::json& live);

/// Polls the object `object` names (every 0.2 s at first, then up to every 2 s) until
/// readiness() says ready. Fails with Errc::timeout after `timeout`, naming the object, what it
/// waits for and the server; with the request's error when the server cannot be asked.
Status wait_ready(const ApiTarget& target, const nlohmann::json& object,
                  std::chrono::seconds timeout);
/// wait_ready for a custom resource, whose kind `kinds` knows.
Status wait_ready(const ApiTarget& target, const nlohmann::json& object, const KindTable& kinds,
                  std::chrono::seconds timeout);

} // namespace acp::kube
