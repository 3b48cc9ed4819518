// The rules for what a manifest may turn into a path on a node: component names and
// versions become directories, symlink targets links inside them.

#include "acpctl/package/manifest.hpp"
#include "acpctl/util/strings.hpp"

#include <algorithm>

namespace acp::package {

namespace {

bool is_alnum(char c, bool upper) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (upper && c >= 'A' && c <= 'Z');
}

// One path segment: an alphanumeric first character, then alphanumerics or `extra`, at most
// `max` bytes, never "..".
bool plain_segment(std::string_view s, bool upper, std::string_view extra, std::size_t max) {
  if (s.empty() || s.size() > max || !is_alnum(s.front(), upper) ||
      s.find("..") != std::string_view::npos)
    return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return is_alnum(c, upper) || extra.find(c) != std::string_view::npos;
  });
}

} // namespace

bool valid_component_name(std::string_view name) {
  return plain_segment(name, false, "._-", 63);
}

bool valid_component_version(std::string_view version) {
  return plain_segment(version, true, "._+-", 128) && version != "current" &&
         !version.starts_with("current.");
}

std::string component_relative_path(const Component& component, std::string_view path) {
  const auto prefix = "components/" + component.name + "/";
  return std::string(path.starts_with(prefix) ? path.substr(prefix.size()) : path);
}

std::string symlink_problem(std::string_view link, std::string_view target) {
  if (target.starts_with('/'))
    return "is an absolute path";
  if (target.starts_with('-'))
    return "starts with '-'";
  if (std::any_of(target.begin(), target.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    return "has a control character";
  // Depth below the version directory, starting at the link's own directory.
  auto depth = static_cast<long>(util::split(link, '/').size()) - 1;
  for (const auto& part : util::split(target, '/')) {
    if (part == "..")
      --depth;
    else if (!part.empty() && part != ".")
      ++depth;
    if (depth < 0)
      return "leads outside the component's directory";
  }
  return {};
}

} // namespace acp::package
