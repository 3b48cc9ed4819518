#include "store.hpp"

#include "acpctl/util/fs.hpp"

#include <cerrno>
#include <ctime>
#include <fmt/format.h>
#include <sys/stat.h>

namespace acp::pki::detail {

namespace fs = std::filesystem;

Result<std::optional<std::string>> read_optional(const fs::path& path) {
  std::error_code ec;
  const auto status = fs::symlink_status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    return Error(Errc::io, fmt::format("cannot read {}: {}", path.string(), ec.message()));
  if (!fs::exists(status))
    return std::optional<std::string>{};
  auto text = util::read_file(path);
  if (!text)
    return std::move(text).error();
  return std::optional<std::string>(std::move(*text));
}

Status prepare_dirs(const fs::path& dir) {
  for (const auto& d :
       {dir / "pki", dir / "pki" / "etcd", dir / "pki" / "registry", dir / "pki" / "kubernetes"}) {
    std::error_code ec;
    fs::create_directories(d, ec);
    if (ec)
      return Error(Errc::io, fmt::format("cannot create {}: {}", d.string(), ec.message()));
    fs::permissions(d, fs::perms::owner_all, ec);
    if (ec)
      return Error(Errc::io,
                   fmt::format("cannot set the mode of {}: {}", d.string(), ec.message()));
  }
  return {};
}

Status write_cert(const fs::path& path, const std::string& pem) {
  return util::write_file_atomic(path, pem, fs::perms(0644));
}

Status write_key(const fs::path& path, const std::string& pem) {
  return util::write_file_atomic(path, pem, fs::perms(0600));
}

Status tighten_key(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Error(Errc::io, util::with_errno("cannot stat " + path.string()));
  if ((st.st_mode & 0777) != 0600 && ::chmod(path.c_str(), 0600) != 0)
    return Error(Errc::io, util::with_errno("cannot set the mode of " + path.string()));
  return {};
}

Error unreadable(const fs::path& path, const std::string& what, std::string hint) {
  return Error(Errc::invalid_input, fmt::format("{} is not a {}", path.string(), what))
      .with_hint(std::move(hint));
}

std::string reissue_hint(const fs::path& path) {
  auto pair = path;
  pair.replace_extension(path.extension() == ".crt" ? ".key" : ".crt");
  return fmt::format("acpctl never overwrites a file it cannot read: delete {} and {} to have "
                     "them re-issued",
                     path.string(), pair.string());
}

std::string date_of(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
  return buffer;
}

} // namespace acp::pki::detail
