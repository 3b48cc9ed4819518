#pragma once
// A private scratch directory on the workstation (0700, under $TMPDIR or /tmp), removed with
// everything in it when the command ends: where a snapshot stops between a node and S3.

#include "acpctl/util/error.hpp"

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace acp::cli {

class TempDir {
public:
  TempDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/acpctl-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
      throw Failure(Error(Errc::io, "cannot create a temporary directory like " + pattern));
    m_path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

} // namespace acp::cli
