#include "archive_reader.hpp"

#include "acpctl/util/fs.hpp"
#include "read_ahead.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <vector>

namespace acp::package::detail {

struct ArchiveReader::State {
  int fd = -1;
  std::string name;
  archive* a = nullptr;
  std::unique_ptr<ReadAhead> ahead; // reads and hashes the raw file on its own thread
  std::string io_error;
  std::uint64_t offset = 0; // where the current entry's next block must start

  ~State() {
    if (a != nullptr)
      archive_read_free(a);
    ahead.reset();
    if (fd >= 0)
      ::close(fd);
  }

  static la_ssize_t on_read(archive*, void* self, const void** out) {
    auto* s = static_cast<State*>(self);
    const auto chunk = s->ahead->next();
    if (chunk.empty() && !s->ahead->error().empty()) {
      s->io_error = s->ahead->error();
      return -1;
    }
    *out = chunk.data();
    return static_cast<la_ssize_t>(chunk.size());
  }

  Error fail(const std::string& doing) const {
    if (!io_error.empty())
      return Error(Errc::io, io_error);
    const char* why = archive_error_string(a);
    return Error(Errc::invalid_input,
                 fmt::format("{}: {}: {}", name, doing, why != nullptr ? why : "corrupt archive"))
        .with_hint("the package is damaged or truncated; copy it again and check its .sha256");
  }
};

ArchiveReader::ArchiveReader(std::unique_ptr<State> state) : m_state(std::move(state)) {}
ArchiveReader::ArchiveReader(ArchiveReader&&) noexcept = default;
ArchiveReader& ArchiveReader::operator=(ArchiveReader&&) noexcept = default;
ArchiveReader::~ArchiveReader() = default;

Result<ArchiveReader> ArchiveReader::open(const std::filesystem::path& path) {
  auto opened = util::open_regular_file(path);
  if (!opened) {
    auto error = std::move(opened).error();
    if (error.code() == Errc::invalid_input)
      error.with_hint("give the path of the package file (a .tgz or .tzst)");
    return error;
  }
  const int fd = *opened;
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return open_fd(fd, path.string());
}

Result<ArchiveReader> ArchiveReader::open_fd(int fd, std::string name) {
  auto state = std::make_unique<State>();
  state->fd = fd;
  state->name = std::move(name);
  state->ahead = std::make_unique<ReadAhead>(fd, state->name);
  state->a = archive_read_new();
  if (state->a == nullptr)
    return Error(Errc::failed, "libarchive could not allocate a reader");
  archive_read_support_format_tar(state->a);
  archive_read_support_filter_gzip(state->a);
  archive_read_support_filter_zstd(state->a);
  archive_read_support_filter_none(state->a);
  if (archive_read_open(state->a, state.get(), nullptr, &State::on_read, nullptr) != ARCHIVE_OK)
    return state->fail("not a package archive (tar, gzip or zstd)");
  return ArchiveReader(std::move(state));
}

Result<std::optional<Entry>> ArchiveReader::next() {
  archive_entry* e = nullptr;
  const int r = archive_read_next_header(m_state->a, &e);
  if (r == ARCHIVE_EOF)
    return std::optional<Entry>();
  if (r < ARCHIVE_WARN)
    return m_state->fail("cannot read the next entry");
  m_state->offset = 0;
  Entry out;
  const char* path = archive_entry_pathname(e);
  out.path = path != nullptr ? path : "";
  out.size_known = archive_entry_size_is_set(e) != 0;
  out.size = static_cast<std::uint64_t>(std::max<la_int64_t>(archive_entry_size(e), 0));
  out.mode = static_cast<std::uint32_t>(archive_entry_perm(e)) |
             (static_cast<std::uint32_t>(archive_entry_mode(e)) & 07000);
  if (const char* hard = archive_entry_hardlink(e); hard != nullptr) {
    out.type = EntryType::hardlink;
    out.link = hard;
    out.type_name = "hard link";
    return std::optional<Entry>(std::move(out));
  }
  switch (archive_entry_filetype(e)) {
  case AE_IFREG:
    out.type = EntryType::file;
    out.type_name = "regular file";
    break;
  case AE_IFLNK:
    out.type = EntryType::symlink;
    out.type_name = "symlink";
    if (const char* target = archive_entry_symlink(e); target != nullptr)
      out.link = target;
    break;
  case AE_IFDIR:
    out.type = EntryType::directory;
    out.type_name = "directory";
    break;
  case AE_IFCHR:
    out.type_name = "character device";
    break;
  case AE_IFBLK:
    out.type_name = "block device";
    break;
  case AE_IFIFO:
    out.type_name = "FIFO";
    break;
  case AE_IFSOCK:
    out.type_name = "socket";
    break;
  default:
    out.type_name = "entry of unknown type";
  }
  return std::optional<Entry>(std::move(out));
}

Result<std::span<const char>> ArchiveReader::read() {
  const void* block = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  const int r = archive_read_data_block(m_state->a, &block, &size, &offset);
  if (r == ARCHIVE_EOF)
    return std::span<const char>();
  if (r < ARCHIVE_WARN)
    return m_state->fail("cannot read entry data");
  // A block that does not start where the previous one ended is a sparse-file hole: packages
  // hold none, and skipping it would let an entry's bytes differ from what was hashed.
  if (static_cast<std::uint64_t>(offset) != m_state->offset)
    return Error(Errc::invalid_input, fmt::format("{}: a sparse entry; packages hold only plain "
                                                  "files",
                                                  m_state->name));
  m_state->offset += size;
  return std::span<const char>(static_cast<const char*>(block), size);
}

Result<std::string> ArchiveReader::finish_raw_hash() {
  auto digest = m_state->ahead->finish();
  if (digest.empty())
    return Error(Errc::io, m_state->ahead->error());
  return digest;
}

std::string ArchiveReader::compression() const {
  switch (archive_filter_code(m_state->a, 0)) {
  case ARCHIVE_FILTER_GZIP:
    return "gzip";
  case ARCHIVE_FILTER_ZSTD:
    return "zstd";
  default:
    return "none";
  }
}

} // namespace acp::package::detail
