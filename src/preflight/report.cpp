// Preflight results for people and for tools; one block per host, never one joined string.

#include "acpctl/preflight/check.hpp"

#include <fmt/format.h>

namespace acp::preflight {

std::string render_text(const std::vector<HostReport>& reports) {
  std::string out;
  for (const auto& r : reports) {
    if (r.ok())
      continue;
    out += fmt::format("{}:\n", r.host);
    for (const auto& p : r.problems)
      out += fmt::format("  - {}\n    what to do: {}\n", p.message, p.hint);
  }
  return out;
}

nlohmann::json to_json(const std::vector<HostReport>& reports) {
  auto hosts = nlohmann::json::array();
  for (const auto& r : reports) {
    auto problems = nlohmann::json::array();
    for (const auto& p : r.problems)
      problems.push_back({{"check", p.check}, {"message", p.message}, {"hint", p.hint}});
    hosts.push_back({{"host", r.host}, {"problems", problems}});
  }
  return {{"passed", passed(reports)}, {"hosts", hosts}};
}

} // namespace acp::preflight
