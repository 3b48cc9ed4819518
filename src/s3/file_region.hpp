#pragma once
// The local side of an upload: an open file (closed on destruction) and the digests of one of
// its regions, read once before the region is sent: sha256 for the signature, MD5 to compare
// with the ETag of a part an interrupted upload already sent.

#include "acpctl/util/error.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace acp::s3::detail {

/// A regular file open for reading (util::open_regular_file), with its size.
class InputFile {
public:
  /// Fails as util::open_regular_file does.
  static Result<InputFile> open(const std::filesystem::path& path);
  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&&) = delete;
  InputFile(const InputFile&) = delete;
  ~InputFile();

  int fd() const { return m_fd; }
  std::uint64_t size() const { return m_size; }

private:
  InputFile(int fd, std::uint64_t size) : m_fd(fd), m_size(size) {}
  int m_fd;
  std::uint64_t m_size;
};

/// Lower-case hex digests of a region.
struct RegionDigest {
  std::string sha256;
  std::string md5;
};

/// Reads [offset, offset + length) of `fd` once; fails with Errc::io naming `path` when it
/// cannot be read or ends early.
Result<RegionDigest> digest_region(int fd, std::uint64_t offset, std::uint64_t length,
                                   const std::filesystem::path& path);

} // namespace acp::s3::detail
