// Stage 1 of loading, spec.nodes: each node's address, login, sudo, roles and labels.

#include "acpctl/util/strings.hpp"
#include "parse.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::config::detail {

namespace {

template <class Enum> struct Names {
  std::string_view name;
  Enum value;
};

constexpr Names<Role> k_roles[] = {{"control-plane", Role::control_plane},
                                   {"etcd", Role::etcd},
                                   {"worker", Role::worker},
                                   {"ingress", Role::ingress}};

void parse_roles(Reader& r, const YAML::Node& node, const std::string& path,
                 std::vector<Role>& out) {
  const auto roles = node["roles"];
  const auto p = Reader::child(path, "roles");
  if (!roles) {
    r.required(node, p, "give the node one or more of control-plane, etcd, worker, ingress");
    return;
  }
  if (!r.sequence(roles, p))
    return;
  std::vector<std::string_view> names;
  for (const auto& n : k_roles)
    names.push_back(n.name);
  for (std::size_t i = 0; i < roles.size(); ++i) {
    const auto item = roles[i];
    const auto ip = fmt::format("{}[{}]", p, i);
    r.note(ip, item);
    const std::string text = item.IsScalar() ? item.Scalar() : std::string{};
    const auto* found = std::find_if(std::begin(k_roles), std::end(k_roles),
                                     [&](const auto& n) { return n.name == text; });
    if (found == std::end(k_roles)) {
      const auto suggestion = util::closest_match(text, names);
      r.problem(item, ip, fmt::format("unknown role {}", util::quoted(text)),
                suggestion.empty() ? "roles are control-plane, etcd, worker, ingress"
                                   : fmt::format("did you mean \"{}\"?", suggestion));
    } else if (std::find(out.begin(), out.end(), found->value) != out.end()) {
      r.problem(item, ip, fmt::format("role {} is listed twice", util::quoted(text)));
    } else {
      out.push_back(found->value);
    }
  }
}

void parse_labels(Reader& r, const YAML::Node& node, const std::string& path,
                  std::map<std::string, std::string>& out) {
  const auto labels = node["labels"];
  if (!labels)
    return;
  const auto p = Reader::child(path, "labels");
  r.note(p, labels);
  if (!labels.IsMap()) {
    r.problem(labels, p, fmt::format("{} must be a mapping of label keys to values", p));
    return;
  }
  for (const auto& entry : labels) {
    const auto key = entry.first.Scalar();
    const auto kp = Reader::child(p, key);
    r.note(kp + "#key", entry.first);
    r.note(kp, entry.second);
    if (!entry.second.IsScalar() && !entry.second.IsNull()) {
      r.problem(entry.second, kp, fmt::format("label {} must be a string", util::quoted(key)));
      continue;
    }
    out[key] = entry.second.IsNull() ? std::string{} : entry.second.Scalar();
  }
}

void parse_node(Reader& r, const YAML::Node& node, const std::string& path, Node& out) {
  if (!r.mapping(
          node, path,
          {"name", "address", "port", "user", "keyPath", "password", "sudo", "roles", "labels"}))
    return;
  r.string(node, path, "name", out.name, true);
  r.string(node, path, "address", out.address, true);
  r.integer(node, path, "port", out.port, 1, 65535);
  r.string(node, path, "user", out.user);
  r.string(node, path, "keyPath", out.key_path);
  r.secret(node, path, "password", out.password);
  if (const auto sudo = node["sudo"]) {
    const auto sp = Reader::child(path, "sudo");
    if (sudo.IsScalar()) {
      r.boolean(node, path, "sudo", out.sudo.enabled);
    } else if (r.mapping(sudo, sp, {"enabled", "password"})) {
      out.sudo.enabled = true;
      r.boolean(sudo, sp, "enabled", out.sudo.enabled);
      r.secret(sudo, sp, "password", out.sudo.password);
    }
  }
  parse_roles(r, node, path, out.roles);
  parse_labels(r, node, path, out.labels);
}

} // namespace

void parse_nodes(Reader& r, const YAML::Node& spec, const std::string& path,
                 std::vector<Node>& out) {
  const auto nodes = spec["nodes"];
  if (!nodes) {
    r.required(spec, path, "list the cluster's nodes");
    return;
  }
  if (!r.sequence(nodes, path))
    return;
  if (nodes.size() == 0)
    r.problem(nodes, path, "spec.nodes is empty", "list at least one control-plane node");
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    Node n;
    parse_node(r, nodes[i], fmt::format("{}[{}]", path, i), n);
    out.push_back(std::move(n));
  }
}

} // namespace acp::config::detail
