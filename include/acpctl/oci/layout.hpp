#pragma once
// An OCI image layout on disk (oci-layout, index.json, blobs/sha256/<hex>), opened whole: every
// manifest and index reachable from index.json is read, its sha256 checked and parsed, and
// every blob they name must be there with its size. Layer bytes are not read here; push checks
// each blob's sha256 while it reads it for the upload (verify_blob does it on demand).

#include "acpctl/util/error.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace acp::oci {

/// Media types of the manifests and indexes acpctl pushes.
inline constexpr std::string_view k_oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view k_oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view k_docker_manifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view k_docker_index =
    "application/vnd.docker.distribution.manifest.list.v2+json";
/// The four above, comma-separated: the Accept header for manifests.
inline constexpr std::string_view k_manifest_accept =
    "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";

/// The annotation that names an index.json entry ("v3.4.23", or a whole reference).
inline constexpr std::string_view k_ref_name = "org.opencontainers.image.ref.name";

/// A content descriptor: what a manifest or index.json says about a blob.
struct Descriptor {
  std::string media_type{};
  std::string digest{}; ///< "sha256:<64 hex>"
  std::uint64_t size = 0;
  std::map<std::string, std::string> annotations{};
};

/// A manifest or an index from the layout, its bytes checked against its digest.
struct Manifest {
  Descriptor descriptor{};         ///< media type (from its parent, or the JSON), digest and size
  std::string bytes{};             ///< exactly as in the layout: what is pushed
  std::vector<Descriptor> blobs{}; ///< an image manifest: its config, then its layers
  std::vector<Descriptor> manifests{}; ///< an index: its child manifests
  bool is_index = false;               ///< an OCI image index or a Docker manifest list
};

/// An image layout, checked whole when opened.
class Layout {
public:
  /// Opens `dir`: oci-layout must say imageLayoutVersion 1.0.0; index.json and every manifest
  /// and index it reaches (nested up to 4 deep) are read (at most 4 MiB each), checked against
  /// their sha256 and size, and parsed; every config and layer they name must be a regular
  /// file of the described size. Fails with Errc::verify naming the missing or corrupted blob
  /// and what refers to it, Errc::invalid_input for JSON that is no layout, Errc::io.
  static Result<Layout> open(const std::filesystem::path& dir);

  const std::filesystem::path& dir() const { return m_dir; }
  /// dir/blobs/sha256/<hex>; an empty path when `digest` is not a valid sha256 digest.
  std::filesystem::path blob_path(std::string_view digest) const;
  /// index.json's manifests, in its order.
  const std::vector<Descriptor>& index() const { return m_index; }
  /// The manifest or index `digest`, when index.json reaches it; else nullptr.
  const Manifest* manifest(std::string_view digest) const;
  /// index.json's entry annotated org.opencontainers.image.ref.name = `name`; else nullptr.
  const Descriptor* find(std::string_view name) const;
  /// Reads the blob whole and checks its size and sha256: Errc::verify naming it when they
  /// do not match, Errc::io when it cannot be read.
  Status verify_blob(const Descriptor& blob) const;

private:
  std::filesystem::path m_dir;
  std::vector<Descriptor> m_index;
  std::map<std::string, Manifest, std::less<>> m_manifests;
};

} // namespace acp::oci
