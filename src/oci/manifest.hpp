#pragma once
// Reading the JSON of an image layout: descriptors, image manifests and indexes (OCI and Docker
// v2 schema 2). Pure, for Layout::open and the unit tests.

#include "acpctl/oci/layout.hpp"
#include "acpctl/util/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace acp::oci::detail {

/// Manifests, indexes and index.json are read up to this size.
inline constexpr std::size_t k_max_manifest = std::size_t{4} << 20;

/// Whether `media_type` is an image manifest (OCI or Docker v2) or an index (OCI or Docker list).
bool is_manifest_type(std::string_view media_type);
bool is_index_type(std::string_view media_type);

/// index.json's manifests. Fails with Errc::invalid_input when it is no JSON object with a
/// "manifests" array of descriptors, each with a media type, a sha256 digest and a size.
Result<std::vector<Descriptor>> parse_index_json(std::string_view json);

/// Parses a manifest or index whose bytes and descriptor (from its parent) are given: its kind
/// comes from the descriptor's media type, or from the JSON's mediaType when the descriptor has
/// none; the two must agree when both are there. An image manifest's blobs are its config then
/// its layers. Fails with Errc::invalid_input naming the digest.
Result<Manifest> parse_manifest(const Descriptor& descriptor, std::string bytes);

} // namespace acp::oci::detail
