#include "acpctl/util/fs.hpp"

#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace acp::util {

namespace fs = std::filesystem;

std::string with_errno(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

namespace {

// What the user gave instead of a regular file, for the message.
const char* kind_of(mode_t mode) {
  return S_ISFIFO(mode)   ? "a FIFO"
         : S_ISCHR(mode)  ? "a character device"
         : S_ISBLK(mode)  ? "a block device"
         : S_ISDIR(mode)  ? "a directory"
         : S_ISSOCK(mode) ? "a socket"
                          : "not a file";
}

} // namespace

Result<int> open_regular_file(const fs::path& path) {
  // O_NONBLOCK so that opening a FIFO with no writer returns at once; fstat on the opened
  // descriptor then checks the very file that would be read (no stat-then-open race).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return Error(Errc::io, with_errno("cannot open " + path.string()));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    Error e(Errc::io, with_errno("cannot stat " + path.string()));
    ::close(fd);
    return e;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error(Errc::invalid_input,
                 fmt::format("{}: not a regular file ({})", path.string(), kind_of(st.st_mode)))
        .with_hint("give the path of a regular file, not a FIFO, device or directory");
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    Error e(Errc::io, with_errno("cannot set up reading " + path.string()));
    ::close(fd);
    return e;
  }
  return fd;
}

Result<std::string> read_file(const fs::path& path, std::size_t max_bytes) {
  auto opened = open_regular_file(path);
  if (!opened)
    return std::move(opened).error();
  const int fd = *opened;
  std::string out;
  // Read at most one byte past the limit: enough to know the file is too large, never more.
  const std::size_t want = max_bytes == SIZE_MAX ? max_bytes : max_bytes + 1;
  constexpr std::size_t k_chunk = 64 << 10;
  while (out.size() < want) {
    const std::size_t old_size = out.size();
    out.resize(old_size + std::min(k_chunk, want - old_size));
    const auto n = ::read(fd, out.data() + old_size, out.size() - old_size);
    if (n < 0 && errno == EINTR) {
      out.resize(old_size);
      continue;
    }
    if (n < 0) {
      Error e(Errc::io, with_errno("cannot read " + path.string()));
      ::close(fd);
      return e;
    }
    out.resize(old_size + static_cast<std::size_t>(n));
    if (n == 0)
      break;
  }
  ::close(fd);
  if (out.size() > max_bytes)
    return Error(Errc::invalid_input, fmt::format("{}: larger than {}, the most acpctl reads "
                                                  "for this kind of file",
                                                  path.string(), human_bytes(max_bytes)))
        .with_hint("check the path: is this the right file?");
  return out;
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
