#pragma once
// Private to package: a move-only RAII writer over libarchive producing a pax tar, gzip or
// zstd compressed, that hashes every compressed byte on its way to the file.

#include "acpctl/util/error.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace acp::package::detail {

class ArchiveWriter {
public:
  /// Writes to `fd` (not owned); `name` is used in messages. `level` 0 = the default.
  static Result<ArchiveWriter> create(int fd, std::string name, bool zstd, int level);
  ArchiveWriter(ArchiveWriter&&) noexcept;
  ArchiveWriter& operator=(ArchiveWriter&&) noexcept;
  ArchiveWriter(const ArchiveWriter&) = delete;
  ArchiveWriter& operator=(const ArchiveWriter&) = delete;
  ~ArchiveWriter();

  Status add_bytes(const std::string& path, std::string_view data, std::uint32_t mode);
  /// Streams `source` into the entry `path`; returns the sha256 of what was written, and
  /// fails if the file is not `size` bytes long any more.
  Result<std::string> add_file(const std::string& path, const std::filesystem::path& source,
                               std::uint64_t size, std::uint32_t mode);
  Status add_symlink(const std::string& path, const std::string& target);
  /// Finishes the archive; returns the sha256 (hex) of every byte written.
  Result<std::string> close();

private:
  struct State;
  explicit ArchiveWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
};

} // namespace acp::package::detail
