#pragma once
// Local files: read whole (regular files only, up to a limit), write atomically (temp file
// beside the target, then rename), and scratch directories that clean up after themselves.

#include "acpctl/util/error.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace acp::util {

/// "what: <strerror(errno)>", for messages right after a failed system call.
std::string with_errno(const std::string& what);

/// What read_file accepts unless told otherwise: more than any config, plan or key acpctl
/// reads, and little enough that a wrong path cannot exhaust memory.
inline constexpr std::size_t k_max_read_bytes = std::size_t{16} << 20;
/// The limit for secrets and keys (a PEM key or a password is a few KiB at most).
inline constexpr std::size_t k_max_secret_bytes = std::size_t{64} << 10;

/// Opens `path` read-only and close-on-exec, refusing anything but a regular file before a
/// byte is read: a FIFO is opened without blocking and a device or directory is never read.
/// Returns the descriptor, which the caller closes. Fails with Errc::invalid_input "PATH: not
/// a regular file (a FIFO)" for the wrong kind of file, Errc::io when it cannot be opened.
Result<int> open_regular_file(const std::filesystem::path& path);

/// Reads a whole regular file of at most `max_bytes` bytes, reading no more than one byte
/// past the limit. Fails as open_regular_file does, with Errc::invalid_input naming the file
/// and the limit when it is larger, and with Errc::io when it cannot be read.
Result<std::string> read_file(const std::filesystem::path& path,
                              std::size_t max_bytes = k_max_read_bytes);

/// Writes `content` to a temporary file in the target's directory, fsyncs it, sets `mode`,
/// and renames it over `path`: readers see the old file or the new one, never half of one.
Status write_file_atomic(const std::filesystem::path& path, std::string_view content,
                         std::filesystem::perms mode = std::filesystem::perms(0644));

/// Expands a leading "~/" to $HOME.
std::filesystem::path expand_home(std::string_view path);

/// A fresh directory under $TMPDIR (or /tmp) removed with everything in it on destruction.
class TempDir {
public:
  explicit TempDir(std::string_view prefix = "acpctl");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  /// Keeps the directory after destruction (for failed tests to inspect).
  void keep() { m_keep = true; }

private:
  std::filesystem::path m_path;
  bool m_keep = false;
};

} // namespace acp::util
