#pragma once
// Pushing images from an OCI image layout to one registry, blob by blob: what is there already
// is not sent, what this push put into another repository of the registry is mounted, the rest
// is uploaded from the file (whole, or in chunks above a size), several blobs at once. An
// image's manifest goes last, so a tag never names an incomplete image.

#include "acpctl/oci/layout.hpp"
#include "acpctl/oci/registry.hpp"
#include "acpctl/util/error.hpp"

#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace acp::oci {

/// One image to push: a manifest (or index) of the layout, and where it goes.
struct ImageSource {
  std::string manifest_digest{}; ///< of a manifest or index in the layout
  std::string repository{};      ///< "acp/etcd"
  std::string tag{};             ///< "v3.4.23"
  std::string display{};         ///< the reference for messages; empty: repository:tag
};

/// What push did, one step at a time (for progress and --output json).
struct PushEvent {
  enum class Kind {
    image_started,   ///< digest: the image's manifest
    blob_exists,     ///< the registry has it in the repository already; not sent
    blob_mounted,    ///< mounted from another repository of the registry; not sent
    blob_uploaded,   ///< bytes: the blob's size
    manifest_pushed, ///< a child manifest (by digest) or the image's (by tag)
    manifest_exists, ///< the registry has it under that reference already; not sent
    image_done,      ///< digest: the image's manifest
  };
  Kind kind = Kind::image_started;
  std::string registry{}; ///< describe(registry)
  std::string image{};    ///< ImageSource::display
  std::string digest{};
  std::uint64_t bytes = 0;
};

/// The event kind as a word ("blob_uploaded").
std::string_view to_string(PushEvent::Kind kind);

struct PushOptions {
  int parallel_blobs = 4; ///< blob uploads at once (1 to 16)
  /// Blobs up to this size go in one PUT; larger ones in PATCH chunks of chunk_size.
  std::uint64_t chunk_threshold = 64ull << 20;
  std::uint64_t chunk_size = 16ull << 20;
  /// Called for every event, one call at a time (under a lock), possibly from a worker thread.
  std::function<void(const PushEvent&)> on_event{};
};

/// What push did, counted.
struct PushReport {
  std::uint64_t bytes_uploaded = 0;
  int blobs_uploaded = 0;
  int blobs_existing = 0;
  int blobs_mounted = 0;
  int manifests_pushed = 0;
  int manifests_existing = 0; ///< the registry had them (same digest under the same reference)
};

/// Pushes `images` in order to `registry`. For each image: every blob (config and layers; for
/// an index, each child manifest's blobs) with up to parallel_blobs at once, each checked
/// against its sha256 while it is read; then each child manifest by digest; then the manifest
/// (or index) under the tag, its exact bytes with its media type. A manifest the registry holds
/// under that reference with the same digest is not sent again. Requests that get no answer,
/// 5xx or 429 are tried again (3 times, after 0.5, 1, 2 s). Fails at the first error, naming the
/// image, the blob (short digest) and the registry: Errc::verify for a corrupted layout,
/// Errc::auth, Errc::connect, Errc::timeout as ping does, Errc::invalid_input for an image not in
/// the layout or a bad repository or tag.
Result<PushReport> push(const Layout& layout, std::span<const ImageSource> images,
                        const Registry& registry, const PushOptions& options = {});

} // namespace acp::oci
