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

std::string etcd_text(const facts::EtcdFacts& e, bool color) {
  if (!e.answered)
    return paint(color, "31", "etcd member down: " + log::redact(e.error));
  auto text = fmt::format("etcd member {}{}, ", etcd::hex_id(e.status.member_id),
                          e.leader() ? " (leader)" : "");
  if (e.healthy)
    return text + paint(color, "32", "healthy");
  return text + paint(color, "31", "not healthy: " + log::redact(e.error));
}

} // namespace

std::string render_etcd_text(const std::optional<EtcdClusterStatus>& etcd, bool color) {
  if (!etcd)
    return "";
  return paint(color, etcd->quorum ? "32" : "31", etcd->summary) + "\n";
}

std::string render_vip_text(const std::optional<VipStatus>& vip, bool color) {
  if (!vip)
    return "";
  if (vip->holders.size() == 1)
    return paint(color, "32", fmt::format("VIP {} on {}", vip->address, vip->holders[0])) + "\n";
  if (vip->holders.empty())
    return paint(color, "31",
                 fmt::format("VIP {} is on no node shown: check acp-keepalived and "
                             "its health check (etcd) on the control-plane nodes",
                             vip->address)) +
           "\n";
  return paint(color, "31",
               fmt::format("VIP {} is on {} nodes at once ({}): the nodes do not "
                           "hear each other's VRRP adverts",
                           vip->address, vip->holders.size(), util::join(vip->holders, ", "))) +
         "\n";
}

nlohmann::json vip_to_json(const std::optional<VipStatus>& vip) {
  if (!vip)
    return nullptr;
  return {{"address", vip->address}, {"holders", vip->holders}};
}

nlohmann::json etcd_to_json(const std::optional<EtcdClusterStatus>& etcd) {
  if (!etcd)
    return nullptr;
  return {{"members", etcd->members},
          {"up", etcd->up},
          {"quorum", etcd->quorum},
          {"summary", etcd->summary}};
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
    if (n.etcd)
      out += fmt::format("  {}\n", etcd_text(*n.etcd, color));
    if (n.lock)
      out += fmt::format("  {} by {}\n", paint(color, "33", "apply lock held"), describe(*n.lock));
    else if (!n.lock_error.empty())
      out += fmt::format("  apply lock unreadable: {}\n", n.lock_error);
    out += "\n";
  }
  return out;
}

nlohmann::json status_to_json(const std::vector<NodeStatus>& nodes) {
  auto list = nlohmann::json::array();
  for (const auto& n : nodes) {
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
    node["etcd"] = nullptr;
    if (n.etcd)
      node["etcd"] = {{"member", n.etcd->answered && !n.etcd->members.empty()},
                      {"memberId", n.etcd->answered ? etcd::hex_id(n.etcd->status.member_id) : ""},
                      {"up", n.etcd->answered},
                      {"healthy", n.etcd->healthy},
                      {"leader", n.etcd->leader()},
                      {"error", log::redact(n.etcd->error)}};
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
  return {{"schema", 1}, {"type", "status"}, {"nodes", std::move(list)}};
}

} // namespace acp::runner
