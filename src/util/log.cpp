#include "acpctl/util/log.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <mutex>
#include <vector>

namespace acp::log {

namespace {
struct Sink {
  std::mutex mutex;
  Settings settings;
  std::FILE* file = nullptr;
  std::vector<std::string> secrets;
};

Sink& sink() {
  static Sink s;
  return s;
}

constexpr std::string_view label(Level level) {
  switch (level) {
  case Level::error:
    return "error";
  case Level::warn:
    return "warning";
  case Level::info:
    return "info";
  case Level::debug:
    return "debug";
  }
  return "";
}

constexpr std::string_view color_of(Level level) {
  switch (level) {
  case Level::error:
    return "\033[31m";
  case Level::warn:
    return "\033[33m";
  case Level::debug:
    return "\033[2m";
  default:
    return "";
  }
}

std::string redact_locked(const Sink& s, std::string_view text) {
  std::string out(text);
  for (const auto& secret : s.secrets) {
    for (auto pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos + 3))
      out.replace(pos, secret.size(), "***");
  }
  return out;
}
} // namespace

void configure(const Settings& settings) {
  auto& s = sink();
  std::lock_guard lock(s.mutex);
  s.settings = settings;
  if (s.file != nullptr) {
    std::fclose(s.file);
    s.file = nullptr;
  }
  if (!settings.file.empty()) {
    s.file = std::fopen(settings.file.c_str(), "a");
    if (s.file == nullptr)
      std::fprintf(stderr, "warning: cannot open log file %s; logging to stderr only\n",
                   settings.file.c_str());
  }
}

void add_secret(std::string_view secret) {
  // Very short values would mask ordinary words; they are not secrets worth the name.
  if (secret.size() < 3)
    return;
  auto& s = sink();
  std::lock_guard lock(s.mutex);
  // Clients register their credentials once per call; a poll makes many calls.
  if (std::find(s.secrets.begin(), s.secrets.end(), secret) != s.secrets.end())
    return;
  s.secrets.emplace_back(secret);
}

std::string redact(std::string_view text) {
  auto& s = sink();
  std::lock_guard lock(s.mutex);
  return redact_locked(s, text);
}

void write(Level level, std::string_view host, std::string_view message) {
  auto& s = sink();
  std::lock_guard lock(s.mutex);
  const std::string text = redact_locked(s, message);
  const std::string prefix = host.empty() ? std::string{} : fmt::format("[{}] ", host);
  if (level <= s.settings.level) {
    if (level == Level::info)
      fmt::print(stderr, "{}{}\n", prefix, text);
    else if (s.settings.color)
      fmt::print(stderr, "{}{}:\033[0m {}{}\n", color_of(level), label(level), prefix, text);
    else
      fmt::print(stderr, "{}: {}{}\n", label(level), prefix, text);
  }
  if (s.file != nullptr) {
    const auto now = std::chrono::system_clock::now();
    fmt::print(s.file, "{:%Y-%m-%dT%H:%M:%S}Z {:<7} {}{}\n",
               std::chrono::floor<std::chrono::seconds>(now), label(level), prefix, text);
    std::fflush(s.file);
  }
}

} // namespace acp::log
