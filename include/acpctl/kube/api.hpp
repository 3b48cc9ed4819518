#pragma once
// A Kubernetes API server and the plain requests made of it: health, get, create and
// server-side apply of one object.
//
// TLS is mutual and always verified: the server against ca_pem only (not the system's CAs),
// acpctl by the client pair, all in memory. The client key and a Secret's data never reach a
// log line, an error or an event: requests are logged as method, path and status only, and an
// error about a Secret leaves out the server's message (which may quote a value). Every error
// names the server and carries its host (Error::host); a request that makes no progress for
// ApiTarget::timeout fails with Errc::timeout naming both.

#include "acpctl/kube/resources.hpp"
#include "acpctl/util/error.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acp::kube {

/// One API server and how acpctl authenticates to it.
struct ApiTarget {
  std::string server{};          ///< https://VIP:6443 (an IPv6 address in brackets)
  std::string ca_pem{};          ///< the cluster CA: the only certificate trusted for the server
  std::string client_cert_pem{}; ///< acpctl's admin certificate (O system:masters)
  std::string client_key_pem{};  ///< secret: never in a log, an error or an event
  /// To connect, and the longest time a request may make no progress.
  std::chrono::seconds timeout{30};
};

/// "API server https://VIP:6443": how messages name the server.
std::string describe(const ApiTarget& target);
/// The server's host without port or brackets ("10.0.0.10", "fd00::10"); "" when the server
/// is no https:// URL.
std::string host_of(const ApiTarget& target);

/// What GET /readyz said.
struct HealthResult {
  bool ok = false;
  /// The failing checks ("etcd failed: reason withheld"), or the body's first line when the
  /// server listed none.
  std::vector<std::string> failing{};
};

/// GET /readyz. An answer of 200 is ok; 500 or 503 is not ready, with the checks the body
/// names as failed. Fails on no answer (Errc::connect, Errc::timeout) or another status.
Result<HealthResult> readyz(const ApiTarget& target);

/// The live object at `path` (as resource_path gives it); nullopt when the server answers 404.
Result<std::optional<nlohmann::json>> get(const ApiTarget& target, const std::string& path);

/// The live object `object` names (apiVersion, kind, namespace, name); nullopt when absent.
Result<std::optional<nlohmann::json>> get(const ApiTarget& target, const nlohmann::json& object,
                                          const KindTable& kinds = KindTable());

/// Server-side apply: PATCH <resource path>?fieldManager=M&force=true|false with Content-Type
/// application/apply-patch+yaml and the object as JSON. `kinds` maps the kind to its resource
/// (custom resources: learned from their CRDs). Returns the live object the server answers.
/// Fails with Errc::invalid_input before any request for an object without apiVersion, kind or
/// metadata.name, or of a kind `kinds` does not know (naming it and how to fix it); with
/// Errc::conflict on 409 (fields owned by another manager, without force); Errc::auth on
/// 401/403; Errc::failed for other answers, naming the object and the server.
Result<nlohmann::json> apply(const ApiTarget& target, const nlohmann::json& object,
                             const KindTable& kinds, std::string_view field_manager = "acpctl",
                             bool force = true);
/// apply() with the built-in kinds only.
Result<nlohmann::json> apply(const ApiTarget& target, const nlohmann::json& object,
                             std::string_view field_manager = "acpctl", bool force = true);

/// POST of a new object to its collection; fails with Errc::conflict when it exists (409).
Result<nlohmann::json> create(const ApiTarget& target, const nlohmann::json& object,
                              const KindTable& kinds = KindTable());

} // namespace acp::kube
