// The rule for directories on a node that acpctl creates and deletes (the etcd data dir):
// a value that passes can be removed with `rm -rf` without reaching anything else.

#include "acpctl/config/load.hpp"
#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <array>

namespace acp::config {

namespace {

// Directories whose removal breaks the system; a data dir must be below them.
constexpr std::array<std::string_view, 18> k_system_dirs{
    "/bin",  "/boot", "/dev",  "/etc", "/home", "/lib", "/lib64", "/opt", "/proc",
    "/root", "/run",  "/sbin", "/srv", "/sys",  "/tmp", "/usr",   "/var", "/var/lib"};

bool allowed_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '/' || c == '+' || c == '-';
}

} // namespace

std::string node_dir_problem(std::string_view path) {
  if (path == "/" ||
      std::find(k_system_dirs.begin(), k_system_dirs.end(), path) != k_system_dirs.end())
    return "is a system directory, which acpctl would delete on reset";
  if (!path.starts_with('/'))
    return "is not an absolute path";
  if (path.size() > 4096)
    return "is longer than 4096 bytes";
  if (!std::all_of(path.begin(), path.end(), allowed_char))
    return "has a character other than letters, digits, '.', '_', '+', '-' and '/'";
  const auto parts = util::split(path.substr(1), '/');
  for (const auto& part : parts)
    if (part.empty() || part == "." || part == "..")
      return "is not normalised (it has an empty, \".\" or \"..\" part, or ends with '/')";
  for (const auto& part : parts)
    if (part.starts_with('-'))
      return "has a part that starts with '-'";
  if (parts.size() < 2)
    return "is a top-level directory; acpctl needs one at least two levels deep";
  return {};
}

} // namespace acp::config
