#pragma once
// The one place where a remote shell command line is built. Every remote command is an
// argument vector; user values are quoted here and never pasted into a shell string.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace acp::util {

/// Quotes one argument for a POSIX shell: safe words stay as they are, anything else is
/// wrapped in single quotes with embedded quotes escaped.
std::string shell_quote(std::string_view arg);
/// Joins an argument vector into one command line, each argument quoted.
std::string shell_join(std::span<const std::string> argv);
/// True if `name` is a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*).
bool is_env_name(std::string_view name);

/// The node-side script of remove_tree_argv ($1 the owned root, then the paths): resolves the
/// root and every path with `realpath -m`, exits 3 naming the path and the root unless every
/// path resolves strictly below the root, and only then runs `rm -rf --` on each resolved path.
extern const char* const k_remove_tree_script;
/// The argv (`sh -c SCRIPT sh ROOT PATH...`) that removes `paths` recursively on a node, each
/// only if it resolves (symlinks and "..") strictly below `owned_root`; nothing is removed if
/// any path is outside. The one way acpctl runs `rm -rf` on a node.
std::vector<std::string> remove_tree_argv(std::string_view owned_root,
                                          std::span<const std::string> paths);

} // namespace acp::util
