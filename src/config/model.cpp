#include "acpctl/config/model.hpp"

#include "acpctl/util/fs.hpp"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>

namespace acp::config {

std::string_view to_string(ClusterType type) {
  return type == ClusterType::global ? "global" : "workload";
}

std::string_view to_string(IpFamily family) {
  switch (family) {
  case IpFamily::ipv4:
    return "ipv4";
  case IpFamily::ipv6:
    return "ipv6";
  case IpFamily::dual:
    return "dual";
  }
  return "";
}

std::string_view to_string(Role role) {
  switch (role) {
  case Role::control_plane:
    return "control-plane";
  case Role::etcd:
    return "etcd";
  case Role::worker:
    return "worker";
  case Role::ingress:
    return "ingress";
  }
  return "";
}

std::string_view to_string(HostKeyPolicy policy) {
  switch (policy) {
  case HostKeyPolicy::strict:
    return "strict";
  case HostKeyPolicy::accept_new:
    return "accept-new";
  case HostKeyPolicy::off:
    return "off";
  }
  return "";
}

std::string Registry::host() const {
  if (address.starts_with('[')) // [v6]:port or [v6]
    return address.substr(1, address.find(']') - 1);
  if (std::count(address.begin(), address.end(), ':') == 1)
    return address.substr(0, address.find(':'));
  return address;
}

std::string Registry::pull_address() const {
  if (address.starts_with('['))
    return address.substr(0, address.find(']') + 1) + ":" + std::to_string(pull_port);
  return host() + ":" + std::to_string(pull_port);
}

Result<std::string> SecretRef::resolve() const {
  if (!from_env.empty()) {
    const char* value = std::getenv(from_env.c_str());
    if (value == nullptr)
      return Error(Errc::invalid_input, fmt::format("environment variable {} is not set", from_env))
          .with_hint(fmt::format("export {}=... before running acpctl", from_env));
    return std::string(value);
  }
  if (!from_file.empty()) {
    auto text = util::read_file(util::expand_home(from_file), util::k_max_secret_bytes);
    if (!text)
      return std::move(text).error().context("reading a secret");
    auto value = std::move(text).value();
    if (auto nl = value.find('\n'); nl != std::string::npos)
      value.resize(nl);
    return value;
  }
  return Error(Errc::invalid_input, "no secret configured");
}

std::string SecretRef::describe() const {
  if (!from_env.empty())
    return "env " + from_env;
  if (!from_file.empty())
    return "file " + from_file;
  return "none";
}

bool Node::has_role(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

Location Cluster::where(std::string_view path) const {
  std::string p(path);
  while (true) {
    if (auto it = positions.find(p); it != positions.end())
      return it->second;
    const auto cut = p.find_last_of(".[");
    if (cut == std::string::npos)
      return Location{source, 0, 0};
    p.resize(cut);
  }
}

std::vector<const Node*> Cluster::nodes_with(Role role) const {
  std::vector<const Node*> out;
  for (const auto& node : nodes)
    if (node.has_role(role))
      out.push_back(&node);
  return out;
}

const Node* Cluster::find_node(std::string_view node_name) const {
  for (const auto& node : nodes)
    if (node.name == node_name)
      return &node;
  return nullptr;
}

} // namespace acp::config
