#pragma once
// `acpctl package build`: a definition directory (package.yaml without checksums, plus the
// files) becomes a package archive with its .sha256 sidecar and, with a key, its .sig.

#include "acpctl/package/manifest.hpp"

#include <filesystem>
#include <optional>

namespace acp::package {

enum class Compression { gzip, zstd };

struct BuildOptions {
  std::filesystem::path definition_dir;
  /// A file, or an existing directory to write the ACP-named file into.
  std::filesystem::path output;
  /// Default: zstd when `output` ends in .tzst or .tar.zst, gzip otherwise.
  std::optional<Compression> compression;
  int level = 0; ///< compression level; 0 = the filter's default
  std::optional<std::filesystem::path> sign_key;
};

struct BuildResult {
  std::filesystem::path package;
  std::filesystem::path checksum;  ///< FILE.sha256, in sha256sum's format
  std::filesystem::path signature; ///< FILE.sig; empty without a key
  std::string package_sha256;
  Manifest manifest;
};

/// Reads the definition, hashes every file, writes package.yaml first and then the files,
/// hashing the compressed output as it goes. Writes to a temporary file renamed into place
/// only when complete. Fails with Errc::invalid_input (definition, naming file and line) or
/// Errc::io.
Result<BuildResult> build(const BuildOptions& options);

} // namespace acp::package
