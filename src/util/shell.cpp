#include "acpctl/util/shell.hpp"

#include <algorithm>

namespace acp::util {

namespace {
bool is_safe_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == '/' || c == ':' || c == '=' || c == '@' || c == ',' ||
         c == '+' || c == '%';
}
} // namespace

std::string shell_quote(std::string_view arg) {
  if (!arg.empty() && std::all_of(arg.begin(), arg.end(), is_safe_char))
    return std::string(arg);
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  out += '\'';
  return out;
}

std::string shell_join(std::span<const std::string> argv) {
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty())
      out += ' ';
    out += shell_quote(arg);
  }
  return out;
}

bool is_env_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9'))
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Checks every path before removing any; the removal resolves again and checks again, so a
// path turned into a symlink in between still cannot lead outside the root.
const char* const k_remove_tree_script = R"sh(root=$(realpath -m -- "$1") || exit 2
shift
inside() {
  r=$(realpath -m -- "$1") || exit 2
  case "$r" in
  "$root"/?*) ;;
  *) echo "refusing to remove $1: it resolves to $r, which is not below $root" >&2; exit 3 ;;
  esac
}
for p; do inside "$p"; done
for p; do inside "$p"; rm -rf -- "$r" || exit; done)sh";

std::vector<std::string> remove_tree_argv(std::string_view owned_root,
                                          std::span<const std::string> paths) {
  std::vector<std::string> argv{"sh", "-c", k_remove_tree_script, "sh", std::string(owned_root)};
  argv.insert(argv.end(), paths.begin(), paths.end());
  return argv;
}

} // namespace acp::util
