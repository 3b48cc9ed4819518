#pragma once
// `acpctl images push|list`: the package's images on the platform registry's replicas (every
// control-plane node at spec.registry.port, since they share no storage), or on registries
// named on the command line. The push reads the image layout unpacked (and verified) from
// the package into a temporary directory.

#include "acpctl/oci/push.hpp"
#include "acpctl/runner/session.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace acp::runner {

struct ImagesOptions {
  /// host:port of registries to use instead of the replicas (--registry, repeatable).
  std::vector<std::string> registries;
  bool plain = false; ///< plain HTTP to `registries` (--plain)
  /// The CA bundle that verifies `registries` (--registry-ca); empty: the cluster CA when
  /// acpctl made one, else the system's CAs.
  std::string registry_ca{};
  int parallel_blobs = 4; ///< blob uploads at once per registry
  /// Every push event, with the registry's name; called from the pushing threads.
  std::function<void(const oci::PushEvent&)> on_event;
};

/// One registry's outcome.
struct RegistryPush {
  std::string name; ///< the node, or the host for a --registry
  std::string host;
  std::optional<oci::PushReport> report; ///< absent when it failed
  std::optional<Error> error;
  double seconds = 0;
};

/// The registries to use: `options.registries`, else one replica per control-plane node.
/// Fails without spec.registry (replicas) or for a --registry that is not host:port.
Result<std::vector<oci::Registry>> image_registries(const Session& session,
                                                    const ImagesOptions& options);
/// Unpacks the images of the session's package (verified again while unpacking) and pushes
/// every image to every registry, the registries in parallel. One result per registry;
/// fails before any push when the package cannot be unpacked.
Result<std::vector<RegistryPush>> push_images(const Session& session, const ImagesOptions& options);

/// One image of the package and what each registry holds under its tag.
struct ImageRow {
  std::string ref;
  std::string digest; ///< the package's manifest digest
  /// Per registry (in image_registries order): its digest, "" when it lacks the tag, or
  /// "error: ..." when it could not be asked.
  std::vector<std::string> held;
};
/// Asks every registry for every image's tag (HEAD).
Result<std::vector<ImageRow>> list_images(const Session& session,
                                          const std::vector<oci::Registry>& registries);

} // namespace acp::runner
