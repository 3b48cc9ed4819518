#pragma once
// The CLI's frame: global flags, the command tree, and the single place where failures turn
// into exit codes. Each command lives in its own file and registers itself through App.

#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace acp::cli {

struct GlobalOptions {
  std::string output = "text"; ///< text | json
  int verbose = 0;
  bool no_color = false;
  std::string log_file;
  int timeout_seconds = 30; ///< --timeout: a silent node fails after this long

  bool json() const { return output == "json"; }
};

/// What an option's value is, so generated shell completions can offer the right words.
enum class ValueKind { none, file, directory, choice, other };

class App {
public:
  /// A leaf command's work; returns the process exit code.
  using Action = std::function<int()>;

  App();

  CLI::App& root() { return m_root; }
  const GlobalOptions& globals() const { return m_globals; }

  /// Runs `action` when `command` is the one given on the command line.
  void on(CLI::App* command, Action action);
  /// Marks an option's value as a file or directory path (for completions).
  CLI::Option* path_option(CLI::Option* option, ValueKind kind = ValueKind::file);
  /// Restricts an option to `choices`, and offers them in completions.
  CLI::Option* choice_option(CLI::Option* option, std::vector<std::string> choices);

  ValueKind kind_of(const CLI::Option* option) const;
  const std::vector<std::string>* choices_of(const CLI::Option* option) const;

  /// Parses, configures logging, runs the chosen command. Catches every failure once and
  /// returns the documented exit code (0 ok, 1 failed, 2 usage or invalid input).
  int run(int argc, const char* const* argv);

private:
  CLI::App m_root;
  GlobalOptions m_globals;
  std::map<const CLI::App*, Action> m_actions;
  std::map<const CLI::Option*, ValueKind> m_kinds;
  std::map<const CLI::Option*, std::vector<std::string>> m_choices;
};

/// A validator for an integer flag: accepts only decimal digits (an optional leading '-')
/// that make a number from `min` to `max`. Overflow, "0x10" and "1e3" are refused with a
/// message CLI11 prefixes with the flag's name (exit 2), never wrapped or clamped.
CLI::Validator whole_number(long long min, long long max);

/// Registers every command (commands.cpp lists them).
void add_commands(App& app);

/// Builds the full CLI and runs it; what main() calls.
int run_main(int argc, const char* const* argv);

} // namespace acp::cli
