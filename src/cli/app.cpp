#include "app.hpp"

#include "acpctl/runner/connect.hpp"
#include "acpctl/util/error.hpp"
#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"
#include "output.hpp"

#include <charconv>
#include <cstdlib>
#include <fmt/format.h>
#include <unistd.h>

namespace acp::cli {

App::App()
    : m_root("acpctl: install and run an ACP-style Kubernetes platform, air-gapped", "acpctl") {
  m_root.require_subcommand(1);
  m_root.fallthrough();
  m_root.set_help_all_flag("--help-all", "Show help for every command");
  choice_option(
      m_root.add_option("-o,--output", m_globals.output, "Output format")->capture_default_str(),
      {"text", "json"});
  m_root.add_flag("-v,--verbose", m_globals.verbose, "More detail (repeat for debug output)");
  m_root.add_flag("--no-color", m_globals.no_color, "No colors (also when NO_COLOR is set)");
  path_option(
      m_root.add_option("--log-file", m_globals.log_file, "Append a debug-level log to this file"));
  m_root
      .add_option("--timeout", m_globals.timeout_seconds,
                  "Seconds a node may answer nothing (not even SSH keepalives) before acpctl "
                  "gives up on it and names it")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
}

void App::on(CLI::App* command, Action action) {
  m_actions[command] = std::move(action);
}

CLI::Option* App::path_option(CLI::Option* option, ValueKind kind) {
  m_kinds[option] = kind;
  return option;
}

CLI::Option* App::choice_option(CLI::Option* option, std::vector<std::string> choices) {
  option->check(CLI::IsMember(choices));
  m_kinds[option] = ValueKind::choice;
  m_choices[option] = std::move(choices);
  return option;
}

ValueKind App::kind_of(const CLI::Option* option) const {
  if (auto it = m_kinds.find(option); it != m_kinds.end())
    return it->second;
  return option->get_expected_min() > 0 || option->get_type_size() > 0 ? ValueKind::other
                                                                       : ValueKind::none;
}

const std::vector<std::string>* App::choices_of(const CLI::Option* option) const {
  auto it = m_choices.find(option);
  return it == m_choices.end() ? nullptr : &it->second;
}

CLI::Validator whole_number(long long min, long long max) {
  return CLI::Validator(
      [min, max](std::string& value) {
        long long number = 0;
        const char* end = value.data() + value.size();
        const auto [ptr, ec] = std::from_chars(value.data(), end, number);
        if (ec == std::errc{} && ptr == end && number >= min && number <= max)
          return std::string{};
        return fmt::format("{} is not a whole number from {} to {}", util::quoted(value, 40), min,
                           max);
      },
      fmt::format("INT in [{} - {}]", min, max));
}

namespace {
// The leaf command that was given: follow parsed subcommands down.
CLI::App* chosen(CLI::App& root) {
  CLI::App* current = &root;
  while (true) {
    auto subs = current->get_subcommands();
    if (subs.empty())
      return current;
    current = subs.front();
  }
}

// A word from the command line for a message: as given, unless it is unreasonably long.
std::string shown(const std::string& word) {
  return word.size() <= 100 ? word : util::quoted(word, 100);
}

// The names a typo of `word` could have meant: the options of `app`, or its subcommands.
std::vector<std::string> names_like(const CLI::App& app, const std::string& word) {
  std::vector<std::string> names;
  if (word.starts_with("-")) {
    for (const auto* opt : app.get_options())
      for (const auto& n : opt->get_lnames())
        names.push_back("--" + n);
  } else {
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; }))
      names.push_back(sub->get_name());
  }
  return names;
}

// "unknown option --bogus" for the first word no command took, or "" when all were taken.
// CLI11 checks required options and subcommands before it complains about extra words, which
// would hide a typo behind "A subcommand is required"; so the unknown word is named first.
std::string unknown_word(CLI::App& root) {
  std::vector<CLI::App*> path{&root};
  while (!path.back()->get_subcommands().empty())
    path.push_back(path.back()->get_subcommands().front());
  for (auto* app : path) {
    auto extra = app->remaining();
    // CLI11 keeps the "--" separator among the leftovers; it is not an unknown word.
    std::erase(extra, "--");
    if (extra.empty())
      continue;
    const std::string& word = extra.front();
    const CLI::App& leaf = *path.back();
    const auto names = names_like(leaf, word);
    const std::vector<std::string_view> views(names.begin(), names.end());
    const auto name = word.substr(0, word.find('='));
    const auto guess = util::closest_match(name, views);
    const char* what = word.starts_with("-") ? "option" : !names.empty() ? "command" : "argument";
    return fmt::format("unknown {} {}{}", what, shown(word),
                       guess.empty() ? "" : fmt::format(" (did you mean {}?)", guess));
  }
  return {};
}

// "acpctl package verify": the words that name `command`.
std::string command_line(const CLI::App* command) {
  std::string out;
  for (; command != nullptr; command = command->get_parent())
    out = command->get_name() + (out.empty() ? "" : " ") + out;
  return out;
}

bool color_wanted(const GlobalOptions& g) {
  const char* no_color = std::getenv("NO_COLOR");
  return !g.no_color && (no_color == nullptr || *no_color == '\0') && ::isatty(STDERR_FILENO);
}
} // namespace

int App::run(int argc, const char* const* argv) {
  try {
    try {
      m_root.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
      fmt::print("{}", m_root.help());
      return k_exit_ok;
    } catch (const CLI::CallForAllHelp&) {
      fmt::print("{}", m_root.help("", CLI::AppFormatMode::All));
      return k_exit_ok;
    } catch (const CLI::ParseError& e) {
      const auto* leaf = chosen(m_root);
      auto message = unknown_word(m_root);
      if (message.empty())
        message = e.what();
      // CLI11 quotes a bad value whole; a megabyte argument must not fill the terminal.
      if (message.size() > 400)
        message = message.substr(0, 400) + fmt::format("…({} bytes)", message.size());
      fmt::print(stderr, "error: {}\nRun `{} --help` for usage.\n", message, command_line(leaf));
      return k_exit_usage;
    }
    log::configure(log::Settings{m_globals.verbose >= 2   ? log::Level::debug
                                 : m_globals.verbose == 1 ? log::Level::info
                                 : m_globals.json()       ? log::Level::warn
                                                          : log::Level::info,
                                 color_wanted(m_globals), m_globals.log_file});
    runner::set_node_timeout(std::chrono::seconds(m_globals.timeout_seconds));
    auto* leaf = chosen(m_root);
    auto it = m_actions.find(leaf);
    if (it == m_actions.end()) {
      fmt::print(stderr, "{}", leaf->help());
      return k_exit_usage;
    }
    return it->second();
  } catch (const Failure& f) {
    print_error(m_globals, f.error());
    return f.error().exit_code();
  } catch (const std::exception& e) {
    print_error(m_globals, Error(Errc::failed, fmt::format("internal error: {}", e.what()))
                               .with_hint("this is a bug in acpctl; please report it with the "
                                          "command you ran and --log-file output"));
    return k_exit_failed;
  }
}

int run_main(int argc, const char* const* argv) {
  App app;
  add_commands(app);
  return app.run(argc, argv);
}

} // namespace acp::cli
