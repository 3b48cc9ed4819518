// What an archive entry may be. Everything here is refused before any byte of the entry is
// written, so a hostile archive never gets to create it.

#include "acpctl/package/manifest.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/strings.hpp"
#include "archive_reader.hpp"
#include "stream.hpp"

#include <fmt/format.h>

namespace acp::package::detail {

std::string entry_problem(const Entry& entry) {
  if (auto problem = path_problem(entry.path); !problem.empty())
    return "its path " + problem;
  switch (entry.type) {
  case EntryType::file:
  case EntryType::symlink:
    break;
  case EntryType::hardlink:
    return fmt::format("it is a hard link to \"{}\"; packages hold no hard links", entry.link);
  case EntryType::directory:
    return "it is a directory entry; packages list files only";
  case EntryType::other:
    return fmt::format("it is a {}; packages hold only regular files and symlinks",
                       entry.type_name);
  }
  if ((entry.mode & 06000) != 0)
    return fmt::format("it has the setuid or setgid bit (mode {:04o})", entry.mode);
  return {};
}

Result<std::string> read_sidecar(const std::filesystem::path& package) {
  const auto path = package.string() + ".sha256";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return std::string();
  auto text = util::read_file(path);
  if (!text)
    return std::move(text).error();
  const auto line = util::trim(*text);
  const auto hex = line.substr(0, line.find_first_of(" \t"));
  if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
    return Error(Errc::invalid_input, fmt::format("{} is not a sha256sum line", path))
        .with_hint("it should read \"<64 hex digits>  <file name>\"");
  std::string lower(hex);
  for (auto& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

} // namespace acp::package::detail
