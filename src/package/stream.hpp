#pragma once
// Private to package: the single pass behind verify() and unpack(). Reads the archive once;
// checks the manifest's signature, every entry against the manifest and the whole file
// against its .sha256; writes the wanted entries when extracting.

#include "acpctl/package/verify.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace acp::package::detail {

struct Extraction {
  std::filesystem::path dir;                       ///< an empty directory to write into
  std::optional<std::set<std::string>> components; ///< nullopt = all
  bool images = false; ///< with `components`: write the image layout too
};

/// One pass over `package`. With `extract`, writes package.yaml and the selected entries
/// under extract->dir (the caller renames it into place on success and removes it on failure).
Result<VerifyReport> single_pass(const std::filesystem::path& package, const VerifyOptions& options,
                                 const Extraction* extract);

/// Per-file state of the pass: what the manifest says and whether the entry was seen.
struct Expected {
  const FileEntry* file = nullptr; ///< the manifest's entry
  bool wanted = false;             ///< written when extracting
  bool seen = false;               ///< found in the archive
  /// The bytes of a small JSON image layout entry (image_layout.hpp), kept for the walk over
  /// the images after the pass.
  std::optional<std::string> json{};
};
using ExpectedFiles = std::map<std::string, Expected, std::less<>>;

/// Every file of the manifest, marked wanted when `extract` selects it.
ExpectedFiles expected_files(const Manifest& m, const Extraction* extract);

class ArchiveReader;
/// Checks every entry after package.yaml against the manifest: the header (path, type,
/// symlink target, size) and the bytes (size and sha256, within options.max_total in all); writes
/// the wanted regular files under extract->dir and collects the wanted symlinks into `links`
/// (made last, by the caller). Fails naming `name` and the entry; counts into `report`.
Status check_entries(ArchiveReader& reader, const std::string& name, const VerifyOptions& options,
                     const Extraction* extract, ExpectedFiles& expected,
                     std::vector<const FileEntry*>& links, VerifyReport& report);

/// Why `entry` may not be in a package, or "" if it may. Checks what the archive header
/// says: the path rules, the type (no devices, FIFOs, hard links or directories), and
/// setuid/setgid bits.
struct Entry;
std::string entry_problem(const Entry& entry);

/// Reads FILE.sha256 if it exists: the hex digest, or "" when there is no sidecar.
Result<std::string> read_sidecar(const std::filesystem::path& package);

/// Reads the first entry of `reader`, which must be package.yaml, and returns its bytes. Fails
/// with Errc::invalid_input naming `name` when the archive is empty, starts with anything else,
/// or the manifest is larger than k_max_manifest.
Result<std::string> read_manifest_entry(ArchiveReader& reader, const std::string& name);

/// The largest manifest acpctl reads.
inline constexpr std::size_t k_max_manifest = std::size_t{16} << 20;

} // namespace acp::package::detail
