// Printing `acpctl status`: a block per node for people, one JSON document for tools.

#include "acpctl/runner/status.hpp"
#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"

#include <fmt/format.h>

namespace acp::runner {

namespace {

std::string short_digest(const std::string& digest) {
  const auto colon = digest.find(':');
  const auto hex = colon == std::string::npos ? digest : digest.substr(colon + 1);
  return hex.substr(0, 12);
}

std::string paint(bool color, const char* code, const std::string& text) {
  return color ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : text;
}

std::string service_text(const ComponentStatus& c, bool color) {
  if (c.service.empty())
    return "no service";
  const char* code = c.service_state == "running" ? "32" : "31";
  auto text = fmt::format("acp-{} {}", c.service, paint(color, code, c.service_state));
  if (c.pid > 0)
    text += fmt::format(" (pid {})", c.pid);
  return text;
}

} // namespace

std::string render_cluster_text(const std::vector<stages::StatusLine>& lines, bool color) {
  std::string out;
  for (const auto& line : lines)
    out += paint(color, line.ok ? "32" : "31", line.text) + "\n";
  return out;
}

std::string render_status_text(const std::vector<NodeStatus>& nodes, bool color) {
  std::string out;
  for (const auto& n : nodes) {
    if (!n.reached()) {
      out += fmt::format("{} ({}): {}\n", n.name, n.address,
                         paint(color, "31", "unreachable: " + log::redact(n.error->message())));
      if (!n.error->hint().empty())
        out += fmt::format("  hint: {}\n", n.error->hint());
      out += "\n";
      continue;
    }
    out += fmt::format("{} ({}): reachable, state serial {}, {}\n", n.name, n.address, n.serial,
                       n.supervisor);
    if (n.components.empty())
      out += "  no components installed by acpctl\n";
    for (const auto& c : n.components)
      out += fmt::format("  {:<16} {:<10} {:<12}  {:<20}  {}\n", c.name, c.version,
                         short_digest(c.digest), c.installed_at, service_text(c, color));
    for (const auto& line : n.lines)
      out += fmt::format("  {}\n", paint(color, line.ok ? "32" : "31", line.text));
    if (n.lock)
      out += fmt::format("  {} by {}\n", paint(color, "33", "apply lock held"), describe(*n.lock));
    else if (!n.lock_error.empty())
      out += fmt::format("  apply lock unreadable: {}\n", n.lock_error);
    out += "\n";
  }
  return out;
}

nlohmann::json status_to_json(const StatusReport& report) {
  auto list = nlohmann::json::array();
  for (const auto& n : report.nodes) {
    nlohmann::json node = {{"name", n.name}, {"address", n.address}, {"reachable", n.reached()}};
    if (!n.reached()) {
      node["error"] = {{"message", log::redact(n.error->message())}, {"hint", n.error->hint()}};
      list.push_back(std::move(node));
      continue;
    }
    node["serial"] = n.serial;
    node["supervisor"] = n.supervisor;
    auto components = nlohmann::json::array();
    for (const auto& c : n.components)
      components.push_back({{"name", c.name},
                            {"version", c.version},
                            {"digest", c.digest},
                            {"installedAt", c.installed_at},
                            {"service", c.service},
                            {"serviceState", c.service_state},
                            {"pid", c.pid}});
    node["components"] = std::move(components);
    for (const auto& line : n.lines)
      node[line.key] = line.json;
    node["lock"] = nullptr;
    if (n.lock)
      node["lock"] = {{"controller", n.lock->controller},
                      {"pid", n.lock->pid},
                      {"startedAt", n.lock->started_at},
                      {"command", n.lock->command}};
    if (!n.lock_error.empty())
      node["lockError"] = n.lock_error;
    list.push_back(std::move(node));
  }
  nlohmann::json doc = {{"schema", 1}, {"type", "status"}, {"nodes", std::move(list)}};
  for (const auto& line : report.cluster)
    doc[line.key] = line.json;
  return doc;
}

} // namespace acp::runner
