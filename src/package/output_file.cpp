#include "output_file.hpp"

#include "acpctl/util/fs.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace acp::package::detail {

Status make_parents(const std::filesystem::path& root, const std::string& relative) {
  std::error_code ec;
  const auto parent = (root / relative).parent_path();
  std::filesystem::create_directories(parent, ec);
  if (ec)
    return Error(Errc::io, "cannot create " + parent.string() + ": " + ec.message());
  return {};
}

Result<OutputFile> OutputFile::create(const std::filesystem::path& root,
                                      const std::string& relative) {
  if (auto s = make_parents(root, relative); !s)
    return std::move(s).error();
  auto path = root / relative;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return Error(Errc::io, util::with_errno("cannot create " + path.string()));
  return OutputFile(fd, std::move(path));
}

OutputFile::~OutputFile() {
  if (m_fd >= 0)
    ::close(m_fd);
}

Status OutputFile::write(std::span<const char> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto n = ::write(m_fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return Error(Errc::io, util::with_errno("cannot write " + m_path.string()));
    done += static_cast<std::size_t>(n);
  }
  return {};
}

Status OutputFile::close(std::uint32_t mode) {
  if (::fchmod(m_fd, static_cast<mode_t>(mode & 0777)) != 0)
    return Error(Errc::io, util::with_errno("cannot set the mode of " + m_path.string()));
  const int fd = m_fd;
  m_fd = -1;
  if (::close(fd) != 0)
    return Error(Errc::io, util::with_errno("cannot close " + m_path.string()));
  return {};
}

} // namespace acp::package::detail
