// What `acpctl upgrade status` and `acpctl history` show (upgrade_view.hpp).

#include "upgrade_view.hpp"

#include <fmt/format.h>

namespace acp::cli {

using nlohmann::json;

namespace {

json release_json(const std::optional<state::Release>& r) {
  if (!r)
    return nullptr;
  return {{"name", r->name},     {"version", r->version},
          {"type", r->type},     {"baseVersion", r->base_version},
          {"digest", r->digest}, {"installedAt", r->installed_at}};
}

std::string release_text(const json& r) {
  return r.is_null() ? "(none)" : r.value("name", "") + " " + r.value("version", "");
}

} // namespace

json releases_view(const config::Cluster& cluster,
                   const std::map<std::string, facts::HostFacts>& facts) {
  json nodes = json::array();
  for (const auto& node : cluster.nodes) {
    const auto f = facts.find(node.name);
    if (f == facts.end())
      continue;
    const auto& st = f->second.state;
    json history = json::array();
    for (const auto& e : st.history)
      history.push_back({{"at", e.at},
                         {"action", e.action},
                         {"from", e.from},
                         {"to", e.to},
                         {"snapshot", e.snapshot}});
    json components = json::object();
    for (const auto& [name, c] : st.components)
      components[name] = {{"version", c.version},
                          {"release", c.release},
                          {"previous", c.previous ? json(c.previous->version) : json()}};
    nodes.push_back({{"node", node.name},
                     {"release", release_json(st.release)},
                     {"previous", release_json(st.previous_release)},
                     {"components", components},
                     {"history", history},
                     {"lastUpgrade", st.last_upgrade}});
  }
  return {{"nodes", nodes}};
}

std::string render_upgrade_status(const json& view) {
  std::string out;
  for (const auto& n : view.at("nodes")) {
    out += fmt::format("{}  release {} (previous {})\n", n.value("node", ""),
                       release_text(n["release"]), release_text(n["previous"]));
    const auto& last = n["lastUpgrade"];
    if (last.is_null())
      continue;
    out += fmt::format(
        "  last {} to {}: {} (started {}{}){}\n", last.value("kind", ""), last.value("target", ""),
        last.value("status", ""), last.value("startedAt", ""),
        last.contains("finishedAt") ? ", finished " + last.value("finishedAt", "") : std::string(),
        last.value("snapshot", "").empty() ? std::string()
                                           : "; etcd snapshot " + last.value("snapshot", ""));
    for (const auto& s : last.value("steps", json::array()))
      out += fmt::format("    {:<9} {:<10} {:<8} {:<12} {} -> {}\n", s.value("result", ""),
                         s.value("stage", ""), s.value("action", ""), s.value("component", ""),
                         s.value("from", ""), s.value("to", ""));
    if (last.contains("error"))
      out += fmt::format("    error: {}\n", last.value("error", ""));
  }
  return out;
}

std::string render_history(const json& view) {
  std::string out;
  for (const auto& n : view.at("nodes")) {
    out += fmt::format("{}  now {}\n", n.value("node", ""), release_text(n["release"]));
    for (const auto& e : n.at("history"))
      out += fmt::format(
          "  {}  {:<8} {} -> {}{}\n", e.value("at", ""), e.value("action", ""),
          e.value("from", "").empty() ? "(none)" : e.value("from", ""), e.value("to", ""),
          e.value("snapshot", "").empty() ? std::string()
                                          : "  (etcd snapshot " + e.value("snapshot", "") + ")");
  }
  return out;
}

} // namespace acp::cli
