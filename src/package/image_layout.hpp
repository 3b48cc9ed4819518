#pragma once
// Private to package: the package's OCI image layout is whole. Every blob is named by its
// sha256, and every image a component lists reaches, through its manifest (or index), only
// blobs the package holds. Checked by `package build` from the definition's files and by
// verify/unpack from the small JSON entries kept during the one streaming pass.

#include "acpctl/package/manifest.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace acp::package::detail {

/// Image layout entries up to this size that start with '{' are kept in memory during the
/// pass: manifests, indexes, configs and index.json are all far smaller.
inline constexpr std::uint64_t k_max_image_json = std::uint64_t{1} << 20;

/// Path of the blob `digest` ("sha256:<hex>") in the package: images/blobs/sha256/<hex>.
std::string blob_path(std::string_view digest);

/// What is wrong with the manifest's image files alone (no bytes needed): a blob whose
/// manifest sha256 is not its name, a component image without its manifest blob, images
/// without images/oci-layout and images/index.json. "" when fine.
std::string layout_problem(const Manifest& m);

/// Reads a layout file's bytes by package path; nullopt when they are not at hand.
using JsonSource = std::function<std::optional<std::string>(const std::string& path)>;

/// Walks index.json and every component image: each manifest or index must parse, and every
/// blob it names (config, layers, child manifests) must be one of the package's image files.
/// Fails with Errc::verify naming `source`, the image and the missing or unreadable blob.
Status check_image_refs(const Manifest& m, const JsonSource& read, const std::string& source);

} // namespace acp::package::detail
