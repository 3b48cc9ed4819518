#include "node_select.hpp"

#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::cli {

namespace {
constexpr config::Role k_roles[] = {config::Role::control_plane, config::Role::etcd,
                                    config::Role::worker, config::Role::ingress};

bool has_no_names(const std::string& value) {
  return node_names(value).empty();
}
bool is_blank(const std::string& value) {
  return util::trim(value).empty();
}

// An empty value (an unset $NODES in a script) must not mean "every node": refused at parse
// time, so every command that selects nodes gets the check.
CLI::Validator refuse_empty(bool (*is_empty)(const std::string&), std::string what) {
  return CLI::Validator(
      [is_empty, what = std::move(what)](std::string& value) {
        return is_empty(value) ? fmt::format("the value is empty; give {}, or leave the flag out "
                                             "to act on every node",
                                             what)
                               : std::string{};
      },
      "NONEMPTY");
}
} // namespace

std::vector<std::string> node_names(const std::string& csv) {
  std::vector<std::string> names;
  for (const auto& part : util::split(csv, ','))
    if (const auto name = util::trim(part); !name.empty())
      names.emplace_back(name);
  return names;
}

Result<std::vector<const config::Node*>> select_nodes(const config::Cluster& cluster,
                                                      const std::vector<std::string>& names,
                                                      const std::string& role) {
  std::vector<const config::Node*> chosen;
  if (!role.empty()) {
    std::vector<std::string_view> known;
    for (auto r : k_roles)
      known.push_back(config::to_string(r));
    const auto it = std::find(known.begin(), known.end(), role);
    if (it == known.end())
      return Error(Errc::usage, fmt::format("unknown role {}; roles are: {}", util::quoted(role),
                                            fmt::join(known, ", ")));
    chosen = cluster.nodes_with(k_roles[it - known.begin()]);
    if (chosen.empty())
      return Error(Errc::usage, fmt::format("no node in {} has the role {}", cluster.source, role));
    return chosen;
  }
  if (names.empty()) {
    for (const auto& n : cluster.nodes)
      chosen.push_back(&n);
    return chosen;
  }
  std::vector<std::string_view> all;
  for (const auto& n : cluster.nodes)
    all.push_back(n.name);
  for (const auto& name : names) {
    if (cluster.find_node(name) != nullptr)
      continue;
    const auto guess = util::closest_match(name, all);
    return Error(Errc::usage,
                 fmt::format("unknown node {} in --nodes{}; {} has: {}", util::quoted(name),
                             guess.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", guess),
                             cluster.source, fmt::join(all, ", ")));
  }
  for (const auto& n : cluster.nodes)
    if (std::find(names.begin(), names.end(), n.name) != names.end())
      chosen.push_back(&n);
  return chosen;
}

void add_node_selection(App& app, CLI::App* cmd, NodeSelection& selection) {
  app.path_option(cmd->add_option("-f,--file", selection.file, "The cluster config")->required());
  auto* nodes =
      cmd->add_option("--nodes", selection.nodes, "Only these nodes (comma-separated names)")
          ->check(refuse_empty(has_no_names, "node names, e.g. --nodes cp1,cp2"));
  cmd->add_option("--role", selection.role,
                  "Only nodes with this role (control-plane, etcd, worker, ingress)")
      ->check(refuse_empty(is_blank, "a role, e.g. --role etcd"))
      ->excludes(nodes);
  cmd->add_option("--parallel", selection.parallel, "At most this many nodes at once")
      ->capture_default_str()
      ->check(whole_number(1, 1024));
}

Result<std::vector<const config::Node*>> select_nodes(const config::Cluster& cluster,
                                                      const NodeSelection& selection) {
  return select_nodes(cluster, node_names(selection.nodes), selection.role);
}

} // namespace acp::cli
