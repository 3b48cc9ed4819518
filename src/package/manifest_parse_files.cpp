// package.yaml → Manifest, the file entries: each entry's path, mode, size and checksum, and
// the checks across all of them (no duplicates, no path below a file, symlinks inside).

#include "acpctl/util/strings.hpp"
#include "manifest_parser.hpp"

#include <charconv>
#include <fmt/format.h>
#include <map>

namespace acp::package::detail {

FileEntry Parser::file(const YAML::Node& node, const std::string& path) const {
  mapping(node, path, {"path", "size", "mode", "sha256", "symlink", "directory"});
  FileEntry f;
  f.path = string(node, path, "path", false);
  const auto directory = string(node, path, "directory", false);
  if (!directory.empty()) {
    if (!m_def || !f.path.empty())
      fail(node, fmt::format("{}: directory is only allowed alone, in a package definition", path),
           "list each file with path, size, mode and sha256");
    if (auto problem = path_problem(directory); !problem.empty())
      fail(node["directory"], fmt::format("{}.directory {}", path, problem));
    f.path = directory + "/"; // expanded by build
    return f;
  }
  if (f.path.empty())
    fail(node, fmt::format("{}.path is required", path));
  if (auto problem = path_problem(f.path); !problem.empty())
    fail(node["path"], fmt::format("{}.path {} {}", path, util::quoted(f.path), problem),
         "paths are relative to the package root, without \"..\"");
  f.symlink = string(node, path, "symlink", false);
  if (const auto mode = node["mode"]; mode && !mode.IsNull()) {
    const auto text = mode.IsScalar() ? mode.Scalar() : std::string();
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 8);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value > 07777)
      fail(mode, fmt::format("{}.mode must be an octal mode such as \"0755\"", path));
    if ((value & 06000) != 0)
      fail(mode, fmt::format("{}.mode {} sets setuid or setgid on {}", path, text, f.path),
           "packages may not carry setuid or setgid files");
    f.mode = value & 0777;
  } else if (!m_def && !f.is_symlink()) {
    fail(node, fmt::format("{}.mode is required", path));
  }
  if (f.is_symlink())
    return f;
  if (const auto size = node["size"]; size && !size.IsNull())
    f.size = number(size, path + ".size");
  else if (!m_def)
    fail(node, fmt::format("{}.size is required", path));
  f.sha256 = string(node, path, "sha256", !m_def);
  if (!f.sha256.empty() && (f.sha256.size() != 64 ||
                            f.sha256.find_first_not_of("0123456789abcdef") != std::string::npos))
    fail(node["sha256"], fmt::format("{}.sha256 must be 64 lower-case hex characters", path));
  return f;
}

std::vector<FileEntry> Parser::files(const YAML::Node& map, const std::string& path) const {
  std::vector<FileEntry> out;
  const auto node = map["files"];
  if (!node || node.IsNull())
    return out;
  if (!node.IsSequence())
    fail(node, fmt::format("{}.files must be a list", path));
  for (std::size_t i = 0; i < node.size(); ++i)
    out.push_back(file(node[i], fmt::format("{}.files[{}]", path, i)));
  return out;
}

void Parser::check_entries(const Manifest& m, const YAML::Node& root) const {
  // Every path once; no path below another entry (a file cannot be a directory too); a
  // symlink's target stays inside the package and does not pass through another symlink.
  std::map<std::string, const FileEntry*> paths;
  for (const auto* f : m.all_files()) {
    if (f->path.ends_with('/'))
      continue;
    if (f->path == k_manifest_name)
      fail(root, fmt::format("{} is the manifest's own name; a file cannot use it", f->path));
    if (!paths.emplace(f->path, f).second)
      fail(root, fmt::format("file \"{}\" is listed twice", f->path), "list each file once");
  }
  for (const auto& [path, f] : paths) {
    for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
      if (paths.contains(path.substr(0, slash)))
        fail(root, fmt::format("\"{}\" is below the file \"{}\"", path, path.substr(0, slash)));
    if (!f->is_symlink())
      continue;
    if (f->symlink.starts_with('/'))
      fail(root, fmt::format("symlink \"{}\" points to the absolute path {}, outside the package",
                             path, f->symlink));
    auto dir = util::split(path, '/');
    dir.pop_back();
    for (const auto& part : util::split(f->symlink, '/')) {
      if (part == "..") {
        if (dir.empty())
          fail(root,
               fmt::format("symlink \"{}\" -> {} points outside the package", path, f->symlink));
        dir.pop_back();
      } else if (!part.empty() && part != ".") {
        dir.push_back(part);
        if (auto it = paths.find(util::join(dir, "/"));
            it != paths.end() && it->second->is_symlink())
          fail(root, fmt::format("symlink \"{}\" -> {} passes through the symlink \"{}\"", path,
                                 f->symlink, it->first));
      }
    }
  }
}

} // namespace acp::package::detail
