#pragma once
// A local file open for reading whose regions are sent by pread (the S3 and OCI uploads):
// regular files only, closed on destruction. Private to src/.

#include "acpctl/util/error.hpp"

#include <cstdint>
#include <filesystem>

namespace acp::util::detail {

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

} // namespace acp::util::detail
