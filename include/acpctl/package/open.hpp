#pragma once
// Reading a package's manifest fast: only the first entry of the archive is decompressed.

#include "acpctl/package/manifest.hpp"

#include <filesystem>
#include <string>

namespace acp::package {

struct OpenedPackage {
  Manifest manifest;
  std::string manifest_bytes; ///< exactly as stored (what the signature covers)
  std::string compression;    ///< "gzip", "zstd" or "none"
};

/// Reads package.yaml from the front of `package`. Fails with Errc::invalid_input if the file
/// is not a package (the first entry is not package.yaml) or the manifest is invalid.
Result<OpenedPackage> open_package(const std::filesystem::path& package);

} // namespace acp::package
