#include "archive_writer.hpp"

#include "acpctl/util/fs.hpp"
#include "acpctl/util/hash.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <vector>

namespace acp::package::detail {

constexpr std::size_t k_copy_buffer = std::size_t{1} << 20;

struct ArchiveWriter::State {
  int fd = -1;
  std::string name;
  archive* a = nullptr;
  util::Sha256 hash;
  std::string io_error;
  std::vector<char> buffer = std::vector<char>(k_copy_buffer);

  ~State() {
    if (a != nullptr)
      archive_write_free(a);
  }

  static la_ssize_t on_write(archive*, void* self, const void* data, size_t size) {
    auto* s = static_cast<State*>(self);
    s->hash.update(std::string_view(static_cast<const char*>(data), size));
    std::size_t done = 0;
    while (done < size) {
      const auto n = ::write(s->fd, static_cast<const char*>(data) + done, size - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0) {
        s->io_error = util::with_errno("cannot write " + s->name);
        return -1;
      }
      done += static_cast<std::size_t>(n);
    }
    return static_cast<la_ssize_t>(size);
  }

  Error fail(const std::string& doing) const {
    if (!io_error.empty())
      return Error(Errc::io, io_error);
    const char* why = archive_error_string(a);
    return Error(Errc::failed, fmt::format("{}: {}: {}", name, doing, why != nullptr ? why : "?"));
  }

  // A fixed owner and time make the same input give the same archive.
  archive_entry* header(const std::string& path, unsigned type, std::uint32_t mode,
                        std::uint64_t size) const {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, path.c_str());
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, mode & 0777);
    archive_entry_set_size(e, static_cast<la_int64_t>(size));
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    archive_entry_set_mtime(e, 0, 0);
    return e;
  }
};

ArchiveWriter::ArchiveWriter(std::unique_ptr<State> state) : m_state(std::move(state)) {}
ArchiveWriter::ArchiveWriter(ArchiveWriter&&) noexcept = default;
ArchiveWriter& ArchiveWriter::operator=(ArchiveWriter&&) noexcept = default;
ArchiveWriter::~ArchiveWriter() = default;

Result<ArchiveWriter> ArchiveWriter::create(int fd, std::string name, bool zstd, int level) {
  auto s = std::make_unique<State>();
  s->fd = fd;
  s->name = std::move(name);
  s->a = archive_write_new();
  if (s->a == nullptr)
    return Error(Errc::failed, "libarchive could not allocate a writer");
  archive_write_set_format_pax_restricted(s->a);
  const char* filter = zstd ? "zstd" : "gzip";
  if ((zstd ? archive_write_add_filter_zstd(s->a) : archive_write_add_filter_gzip(s->a)) !=
      ARCHIVE_OK)
    return s->fail(fmt::format("{} compression is not available", filter));
  if (level > 0 && archive_write_set_filter_option(s->a, filter, "compression-level",
                                                   std::to_string(level).c_str()) != ARCHIVE_OK)
    return s->fail(fmt::format("compression level {}", level));
  if (!zstd)
    archive_write_set_filter_option(s->a, "gzip", "timestamp", nullptr);
  archive_write_set_bytes_per_block(s->a, static_cast<int>(k_copy_buffer));
  archive_write_set_bytes_in_last_block(s->a, 1);
  if (archive_write_open(s->a, s.get(), nullptr, &State::on_write, nullptr) != ARCHIVE_OK)
    return s->fail("cannot start the archive");
  return ArchiveWriter(std::move(s));
}

Status ArchiveWriter::add_bytes(const std::string& path, std::string_view data,
                                std::uint32_t mode) {
  archive_entry* e = m_state->header(path, AE_IFREG, mode, data.size());
  const int r = archive_write_header(m_state->a, e);
  archive_entry_free(e);
  if (r != ARCHIVE_OK)
    return m_state->fail("cannot add " + path);
  if (archive_write_data(m_state->a, data.data(), data.size()) !=
      static_cast<la_ssize_t>(data.size()))
    return m_state->fail("cannot add " + path);
  return {};
}

Result<std::string> ArchiveWriter::add_file(const std::string& path,
                                            const std::filesystem::path& source, std::uint64_t size,
                                            std::uint32_t mode) {
  const int in = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0)
    return Error(Errc::io, util::with_errno("cannot open " + source.string()));
  ::posix_fadvise(in, 0, 0, POSIX_FADV_SEQUENTIAL);
  archive_entry* e = m_state->header(path, AE_IFREG, mode, size);
  const int r = archive_write_header(m_state->a, e);
  archive_entry_free(e);
  if (r != ARCHIVE_OK) {
    ::close(in);
    return m_state->fail("cannot add " + path);
  }
  util::Sha256 hash;
  std::uint64_t done = 0;
  auto& buf = m_state->buffer;
  while (true) {
    const auto n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      Error err(Errc::io, util::with_errno("cannot read " + source.string()));
      ::close(in);
      return err;
    }
    if (n == 0 || done + static_cast<std::uint64_t>(n) > size)
      break;
    done += static_cast<std::uint64_t>(n);
    hash.update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    if (archive_write_data(m_state->a, buf.data(), static_cast<size_t>(n)) != n) {
      ::close(in);
      return m_state->fail("cannot add " + path);
    }
  }
  ::close(in);
  if (done != size)
    return Error(Errc::io, fmt::format("{} changed while the package was built", source.string()))
        .with_hint("build again once nothing writes to the definition directory");
  return hash.hex_digest();
}

Status ArchiveWriter::add_symlink(const std::string& path, const std::string& target) {
  archive_entry* e = m_state->header(path, AE_IFLNK, 0777, 0);
  archive_entry_set_symlink(e, target.c_str());
  const int r = archive_write_header(m_state->a, e);
  archive_entry_free(e);
  if (r != ARCHIVE_OK)
    return m_state->fail("cannot add " + path);
  return {};
}

Result<std::string> ArchiveWriter::close() {
  if (archive_write_close(m_state->a) != ARCHIVE_OK)
    return m_state->fail("cannot finish the archive");
  return m_state->hash.hex_digest();
}

} // namespace acp::package::detail
