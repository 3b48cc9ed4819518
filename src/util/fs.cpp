#include "acpctl/util/fs.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace acp::util {

namespace fs = std::filesystem;

std::string with_errno(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Error(Errc::io, with_errno("cannot open " + path.string()));
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad())
    return Error(Errc::io, "cannot read " + path.string());
  return std::move(out).str();
}

Status write_file_atomic(const fs::path& path, std::string_view content, fs::perms mode) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  // Built by appends: GCC 12 reports a false -Wrestrict at -O2 for `"." + string`.
  std::string temp_name = ".";
  temp_name += path.filename().string();
  temp_name += ".tmp-XXXXXX";
  std::string pattern = (dir / temp_name).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0)
    return Error(Errc::io, with_errno("cannot create a temporary file in " + dir.string()));
  const std::string tmp(name.data());
  auto fail = [&](const std::string& what) {
    Error e(Errc::io, with_errno(what));
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  };
  std::size_t done = 0;
  while (done < content.size()) {
    const auto n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return fail("cannot write " + tmp);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0)
    return fail("cannot set the mode of " + tmp);
  if (::fsync(fd) != 0)
    return fail("cannot sync " + tmp);
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Error(Errc::io, with_errno("cannot close " + tmp));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e(Errc::io, with_errno("cannot rename " + tmp + " to " + path.string()));
    ::unlink(tmp.c_str());
    return e;
  }
  return {};
}

fs::path expand_home(std::string_view path) {
  if (path == "~" || path.starts_with("~/")) {
    const char* home = std::getenv("HOME");
    return fs::path(home != nullptr ? home : "/root") /
           std::string(path.substr(path.size() > 1 ? 2 : 1));
  }
  return fs::path(path);
}

TempDir::TempDir(std::string_view prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = (fs::path(base != nullptr && *base != '\0' ? base : "/tmp") /
                         (std::string(prefix) + "-XXXXXX"))
                            .string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (::mkdtemp(name.data()) == nullptr)
    throw Failure(Error(Errc::io, with_errno("cannot create a temporary directory " + pattern)));
  m_path = name.data();
}

TempDir::~TempDir() {
  if (!m_keep) {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
}

} // namespace acp::util
