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

} // namespace acp::util
