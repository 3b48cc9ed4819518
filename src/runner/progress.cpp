// Choosing a progress view, event names, and the RFC 3339 clock they share.

#include "acpctl/runner/progress.hpp"

#include <ctime>
#include <iostream>
#include <sys/ioctl.h>
#include <unistd.h>

namespace acp::runner {

std::string_view to_string(EventType type) {
  switch (type) {
  case EventType::apply_started:
    return "apply_started";
  case EventType::stage_started:
    return "stage_started";
  case EventType::step_started:
    return "step_started";
  case EventType::step_finished:
    return "step_finished";
  case EventType::step_failed:
    return "step_failed";
  case EventType::stage_finished:
    return "stage_finished";
  case EventType::apply_finished:
    return "apply_finished";
  case EventType::message:
    return "message";
  }
  return "unknown";
}

namespace {

std::size_t terminal_columns() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_col == 0)
    return 80;
  return size.ws_col;
}

} // namespace

std::unique_ptr<Progress> make_progress(bool json, bool terminal, bool color) {
  if (json)
    return make_json_progress(std::cout);
  if (terminal)
    return make_terminal_progress(std::cerr, color, {}, terminal_columns());
  return make_plain_progress(std::cerr);
}

} // namespace acp::runner
