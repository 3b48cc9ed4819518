// The upgrade plan per node and component (upgrade_view.hpp).

#include "upgrade_view.hpp"

#include <fmt/format.h>
#include <set>

namespace acp::cli {

using nlohmann::json;

namespace {

bool wanted(const plan::DesiredComponent& d, const config::Node& node, const state::NodeState& st) {
  return d.installed_only ? st.find(d.name) != nullptr : d.wanted_on(node.roles);
}

// How the plan changes component `name` on `host`.
std::string change_of(const plan::Plan& plan, const std::string& host, const std::string& name,
                      bool installed) {
  bool distribute = false;
  bool restart = false;
  std::string mode;
  for (const auto& s : plan.steps) {
    if (s.host != host || (s.component != name && s.stage != name))
      continue;
    if (s.stage == "distribute" && s.component == name) {
      distribute = true;
      if (s.params)
        mode = s.params->to_json().value("mode", "");
    } else if (s.action == plan::Action::remove && s.component == name && s.stage != name) {
      return "remove";
    } else if (s.stage != "release") {
      restart = true;
    }
  }
  if (!installed && distribute)
    return "new";
  if (mode == "relabel")
    return restart ? "relabel+restart" : "relabel";
  if (mode == "reactivate")
    return restart ? "reuse+restart" : "reuse";
  if (distribute)
    return restart ? "replace+restart" : "replace";
  return restart ? "restart" : "unchanged";
}

json node_view(const config::Node& node, const state::NodeState& st,
               std::span<const plan::DesiredComponent> desired, const state::Release* target,
               const plan::Plan& plan) {
  std::set<std::string> names;
  for (const auto& [name, have] : st.components)
    names.insert(name);
  for (const auto& d : desired)
    if (wanted(d, node, st))
      names.insert(d.name);
  json components = json::array();
  for (const auto& name : names) {
    const auto* have = st.find(name);
    std::string to;
    for (const auto& d : desired)
      if (d.name == name && wanted(d, node, st))
        to = d.version;
    const auto change = change_of(plan, node.name, name, have != nullptr);
    components.push_back({{"name", name},
                          {"from", have ? have->version : ""},
                          {"to", change == "remove" ? ""
                                 : to.empty()       ? have->version
                                                    : to},
                          {"change", change}});
  }
  return {
      {"node", node.name},
      {"release",
       {{"from", st.release ? st.release->version : ""}, {"to", target ? target->version : ""}}},
      {"components", components}};
}

} // namespace

json upgrade_view(const config::Cluster& cluster,
                  const std::map<std::string, facts::HostFacts>& facts,
                  std::span<const plan::DesiredComponent> desired, const state::Release* target,
                  const plan::Plan& plan) {
  json nodes = json::array();
  for (const auto& node : cluster.nodes)
    if (const auto f = facts.find(node.name); f != facts.end())
      nodes.push_back(node_view(node, f->second.state, desired, target, plan));
  return {{"nodes", nodes}};
}

std::string render_upgrade_view(const json& view) {
  static const std::map<std::string, std::string> k_words{
      {"replace+restart", "replace + restart"},
      {"replace", "replace (files only, nothing to restart)"},
      {"relabel", "relabel only (same bytes, no restart)"},
      {"relabel+restart", "relabel + restart (the service is down)"},
      {"reuse+restart", "switch to the kept version + restart"},
      {"reuse", "switch to the kept version (same bytes, no restart)"},
      {"restart", "restart"},
      {"unchanged", "unchanged"},
      {"new", "new"},
      {"remove", "remove"}};
  std::string out;
  for (const auto& n : view.at("nodes")) {
    const auto from = n["release"].value("from", "");
    const auto to = n["release"].value("to", "");
    out += fmt::format("{}  release {}{}\n", n.value("node", ""), from.empty() ? "(none)" : from,
                       to == from ? "" : " -> " + to);
    for (const auto& c : n.at("components")) {
      const auto f = c.value("from", "");
      const auto t = c.value("to", "");
      const auto versions = f.empty() ? t : t.empty() || t == f ? f : f + " -> " + t;
      out += fmt::format("  {:<14} {:<24} {}\n", c.value("name", ""), versions,
                         k_words.at(c.value("change", "unchanged")));
    }
  }
  return out;
}

} // namespace acp::cli
