#include "acpctl/util/error.hpp"

#include <fmt/format.h>

namespace acp {

std::string Location::to_string() const {
  if (file.empty() && line == 0)
    return {};
  std::string out = file.empty() ? "<input>" : file;
  if (line > 0) {
    out += fmt::format(":{}", line);
    if (column > 0)
      out += fmt::format(":{}", column);
  }
  return out;
}

int Error::exit_code() const {
  switch (m_code) {
  case Errc::usage:
  case Errc::invalid_input:
    return k_exit_usage;
  default:
    return k_exit_failed;
  }
}

std::string Error::describe() const {
  std::string out;
  if (!m_host.empty())
    out += m_host + ": ";
  if (auto where = m_location.to_string(); !where.empty())
    out += where + ": ";
  out += m_message;
  if (!m_hint.empty())
    out += "\n  hint: " + m_hint;
  return out;
}

} // namespace acp
