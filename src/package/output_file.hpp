#pragma once
// Private to package: writing one extracted file under a directory acpctl created itself.

#include "acpctl/util/error.hpp"

#include <filesystem>
#include <span>
#include <string>

namespace acp::package::detail {

/// A new file at root/relative (parents created 0755), opened O_EXCL|O_NOFOLLOW with mode
/// 0600; close() sets the final mode. Removed by the caller's cleanup of root on failure.
class OutputFile {
public:
  static Result<OutputFile> create(const std::filesystem::path& root, const std::string& relative);
  OutputFile(OutputFile&& other) noexcept : m_fd(other.m_fd), m_path(std::move(other.m_path)) {
    other.m_fd = -1;
  }
  OutputFile& operator=(OutputFile&&) = delete;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  Status write(std::span<const char> bytes);
  Status close(std::uint32_t mode);

private:
  OutputFile(int fd, std::filesystem::path path) : m_fd(fd), m_path(std::move(path)) {}
  int m_fd = -1;
  std::filesystem::path m_path;
};

/// Creates root/relative's parent directories (0755).
Status make_parents(const std::filesystem::path& root, const std::string& relative);

} // namespace acp::package::detail
