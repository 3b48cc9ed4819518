// The registry's lines in `acpctl status` and its port for preflight. A replica is up when
// its service runs and its port listens (from the node's facts).

#include "acpctl/components/platform_registry/registry.hpp"

#include <fmt/format.h>

namespace acp::platform_registry {

namespace {

struct Replica {
  int port = 0;
  bool running = false;
  bool listening = false;
  bool up() const { return running && listening; }
};

std::optional<Replica> replica_of(const facts::HostFacts& facts) {
  const auto* record = facts.state.find_record(std::string(k_name));
  if (!record || record->ports.empty())
    return std::nullopt;
  Replica r;
  r.port = record->ports.front();
  const auto it = facts.services.find(std::string(k_name));
  r.running = it != facts.services.end() && it->second;
  r.listening = facts.port_in_use(r.port);
  return r;
}

} // namespace

std::optional<stages::StatusLine> node_status(const facts::HostFacts& facts) {
  const auto r = replica_of(facts);
  if (!r)
    return std::nullopt;
  const auto text = r->up() ? fmt::format("registry replica on :{}, up", r->port)
                    : !r->running
                        ? fmt::format("registry replica on :{}: acp-registry is down", r->port)
                        : fmt::format("registry replica on :{}: not listening", r->port);
  nlohmann::json json = {
      {"port", r->port}, {"running", r->running}, {"listening", r->listening}, {"up", r->up()}};
  return stages::StatusLine{"registry", text, r->up(), std::move(json), 0};
}

std::optional<stages::StatusLine>
cluster_status(const config::Cluster& cluster,
               const std::map<std::string, facts::HostFacts>& facts) {
  if (!cluster.registry)
    return std::nullopt;
  int replicas = 0;
  int up = 0;
  std::vector<std::string> down;
  for (const auto& [name, f] : facts)
    if (const auto r = replica_of(f)) {
      ++replicas;
      r->up() ? ++up : (down.push_back(name), 0);
    }
  if (replicas == 0)
    return std::nullopt;
  auto text =
      fmt::format("registry {}: {}/{} replicas up", cluster.registry->address, up, replicas);
  if (!down.empty())
    text += fmt::format(" (down: {})", fmt::join(down, ", "));
  nlohmann::json json = {
      {"address", cluster.registry->address}, {"replicas", replicas}, {"up", up}, {"down", down}};
  return stages::StatusLine{"registry", text, up == replicas, std::move(json), up == 0 ? 1 : 0};
}

std::vector<preflight::PortClaim> ports(const config::Cluster& cluster) {
  if (!cluster.registry)
    return {};
  return {{{config::Role::control_plane}, {cluster.registry->port}, std::string(k_name)}};
}

} // namespace acp::platform_registry
