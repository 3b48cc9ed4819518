#pragma once
// Local files: read whole, write atomically (temp file beside the target, then rename), and
// scratch directories that clean up after themselves.

#include "acpctl/util/error.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace acp::util {

/// "what: <strerror(errno)>", for messages right after a failed system call.
std::string with_errno(const std::string& what);

/// Reads a whole file. Fails with Errc::io naming the file.
Result<std::string> read_file(const std::filesystem::path& path);

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
