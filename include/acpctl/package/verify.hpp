#pragma once
// Verifying and unpacking a package in one streaming read: the sidecar checksum of the whole
// file, the signature over the manifest, and every entry's size and sha256 against the
// manifest, while (for unpack) writing the entries into a temporary directory that is renamed
// into place only when everything verified. Memory use does not grow with the package.

#include "acpctl/package/manifest.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace acp::package {

/// Default limit on the sum of all entries' sizes (decompression bombs).
inline constexpr std::uint64_t k_default_max_total = std::uint64_t{64} << 30;

struct VerifyOptions {
  /// Check FILE.sig with this public key; the signature must then exist and match.
  std::optional<std::filesystem::path> public_key;
  /// Fail if FILE.sha256 is absent (it is checked whenever present).
  bool require_checksum = false;
  /// Refuse a package whose entries add up to more than this many bytes.
  std::uint64_t max_total = k_default_max_total;
};

struct UnpackOptions : VerifyOptions {
  /// Only write these components' files (every entry is still verified); empty = all.
  std::vector<std::string> components;
  /// Also write the image layout (images/) when `components` selects some; alone (no
  /// components): write only the image layout. For pushing images.
  bool images = false;
};

struct VerifyReport {
  Manifest manifest;
  std::string package_sha256;  ///< of the whole archive file
  std::string manifest_sha256; ///< of package.yaml's bytes (what the signature covers)
  bool checksum_checked = false;
  bool signature_checked = false;
  std::uint64_t entries = 0;    ///< file entries verified (package.yaml not counted)
  std::uint64_t bytes = 0;      ///< their total size
  std::uint64_t written = 0;    ///< entries written (unpack)
  std::string compression_used; ///< "gzip", "zstd" or "none"
};

/// Verifies `package` in one pass. Fails with Errc::verify (a checksum, size or signature
/// mismatch) or Errc::invalid_input (an entry that must not be there), naming the first bad
/// entry; Errc::io if it cannot be read.
Result<VerifyReport> verify(const std::filesystem::path& package, const VerifyOptions& options);

/// Verifies `package` while extracting it into `dir`: entries are written to a temporary
/// directory beside `dir`, renamed to `dir` only when all verified. `dir` must not exist or
/// be empty; on any failure it is left as it was and the temporary directory is removed.
/// The unpacked tree holds package.yaml and the selected components' files with the
/// manifest's modes. Fails like verify(), and for everything unpack refuses (see
/// docs/package-format.md) with the entry named.
Result<VerifyReport> unpack(const std::filesystem::path& package, const std::filesystem::path& dir,
                            const UnpackOptions& options);

} // namespace acp::package
