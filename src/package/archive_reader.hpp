#pragma once
// Private to package: a move-only RAII reader over libarchive that streams a tar (gzip, zstd
// or uncompressed) from a file descriptor and hashes every raw byte it reads, so the whole
// file's sha256 comes out of the same single read that extracts the entries.

#include "acpctl/util/error.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace acp::package::detail {

enum class EntryType { file, symlink, hardlink, directory, other };

struct Entry {
  std::string path;
  EntryType type = EntryType::other;
  bool size_known = false;
  std::uint64_t size = 0;
  std::uint32_t mode = 0; ///< permission bits including setuid/setgid/sticky
  std::string link;       ///< symlink or hard link target
  std::string type_name;  ///< "regular file", "FIFO", ... for messages
};

class ArchiveReader {
public:
  /// Opens `path`. Fails with Errc::io naming it.
  static Result<ArchiveReader> open(const std::filesystem::path& path);
  /// Takes ownership of `fd`; `name` is used in messages.
  static Result<ArchiveReader> open_fd(int fd, std::string name);

  ArchiveReader(ArchiveReader&&) noexcept;
  ArchiveReader& operator=(ArchiveReader&&) noexcept;
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;
  ~ArchiveReader();

  /// The next entry's header, or nullopt at the end of the archive. Fails with
  /// Errc::invalid_input on a truncated or corrupt archive.
  Result<std::optional<Entry>> next();
  /// The next block of the current entry's data; an empty span at its end.
  Result<std::span<const char>> read();
  /// Reads whatever follows the end of the archive and returns the sha256 (hex) of every
  /// byte of the file.
  Result<std::string> finish_raw_hash();
  /// "gzip", "zstd" or "none" (known after the first next()).
  std::string compression() const;

private:
  struct State;
  explicit ArchiveReader(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
};

} // namespace acp::package::detail
