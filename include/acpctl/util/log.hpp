#pragma once
// Logging. One process-wide sink, configured once by main from the global flags: every layer
// logs without having a logger threaded through it, and the sink is thread-safe so per-host
// workers can log at once. Known secrets are masked before any line is written anywhere.

#include <string>
#include <string_view>

namespace acp::log {

enum class Level { error = 0, warn = 1, info = 2, debug = 3 };

struct Settings {
  Level level = Level::info; ///< what reaches stderr
  bool color = false;        ///< ANSI colors on stderr
  std::string file;          ///< if set, every line at debug level is appended here too
};

/// Applies settings; opens the log file (fails with a message if it cannot).
void configure(const Settings& settings);
/// Registers a secret value: from now on it is printed as "***" in every log line. Registering
/// a value again changes nothing (clients register their credentials on every call).
void add_secret(std::string_view secret);
/// Replaces every registered secret in `text` with "***".
std::string redact(std::string_view text);

/// Writes one line. `host`, when not empty, prefixes the line ("[n1] ...").
void write(Level level, std::string_view host, std::string_view message);

inline void error(std::string_view m) {
  write(Level::error, {}, m);
}
inline void warn(std::string_view m) {
  write(Level::warn, {}, m);
}
inline void info(std::string_view m) {
  write(Level::info, {}, m);
}
inline void debug(std::string_view m) {
  write(Level::debug, {}, m);
}

} // namespace acp::log
