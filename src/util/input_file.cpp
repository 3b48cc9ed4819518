#include "input_file.hpp"

#include "acpctl/util/fs.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace acp::util::detail {

Result<InputFile> InputFile::open(const std::filesystem::path& path) {
  auto fd = util::open_regular_file(path);
  if (!fd)
    return std::move(fd).error();
  struct stat st {};
  if (fstat(*fd, &st) != 0) {
    Error e(Errc::io, util::with_errno("cannot stat " + path.string()));
    close(*fd);
    return e;
  }
  return InputFile(*fd, static_cast<std::uint64_t>(st.st_size));
}

InputFile::InputFile(InputFile&& other) noexcept : m_fd(other.m_fd), m_size(other.m_size) {
  other.m_fd = -1;
}

InputFile::~InputFile() {
  if (m_fd >= 0)
    close(m_fd);
}

} // namespace acp::util::detail
