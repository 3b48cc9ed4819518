// The registry's lines in `acpctl status` and its ports for preflight. A replica is up when
// its services run and their ports listen (from the node's facts): the push port, and the
// pull port once its listener was set up.

#include "acpctl/components/platform_registry/registry.hpp"

#include <fmt/format.h>

namespace acp::platform_registry {

namespace {

// One listener of a replica: the push port (acp-registry) or the pull port (acp-registry-pull).
struct Listener {
  int port = 0; ///< 0: no record of it on the node
  bool running = false;
  bool listening = false;
  bool up() const { return port == 0 || (running && listening); }
};

struct Replica {
  Listener push;
  Listener pull;
  bool up() const { return push.up() && pull.up(); }
};

Listener listener_of(const facts::HostFacts& facts, std::string_view name) {
  Listener l;
  const auto* record = facts.state.find_record(std::string(name));
  if (!record || record->ports.empty())
    return l;
  l.port = record->ports.front();
  const auto it = facts.services.find(std::string(name));
  l.running = it != facts.services.end() && it->second;
  l.listening = facts.port_in_use(l.port);
  return l;
}

std::optional<Replica> replica_of(const facts::HostFacts& facts) {
  Replica r{listener_of(facts, k_name), listener_of(facts, k_pull_name)};
  if (r.push.port == 0)
    return std::nullopt;
  return r;
}

// What is wrong with one listener, for the status line; empty when it is up.
std::string problem(const Listener& l, std::string_view service, std::string_view what) {
  if (l.up())
    return {};
  return !l.running ? fmt::format("acp-{} is down", service) : std::string(what);
}

} // namespace

std::optional<stages::StatusLine> node_status(const facts::HostFacts& facts) {
  const auto r = replica_of(facts);
  if (!r)
    return std::nullopt;
  auto where = fmt::format("registry replica on :{}", r->push.port);
  if (r->pull.port != 0)
    where += fmt::format(", pulls on :{}", r->pull.port);
  auto wrong = problem(r->push, k_name, "not listening");
  if (wrong.empty())
    wrong = problem(r->pull, k_pull_name, "the pull port is not listening");
  const auto text = wrong.empty() ? where + ", up" : where + ": " + wrong;
  nlohmann::json json = {{"port", r->push.port},
                         {"running", r->push.running},
                         {"listening", r->push.listening},
                         {"pullPort", r->pull.port},
                         {"pullRunning", r->pull.running},
                         {"pullListening", r->pull.listening},
                         {"up", r->up()}};
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
  return {{{config::Role::control_plane}, {cluster.registry->port}, std::string(k_name)},
          {{config::Role::control_plane}, {cluster.registry->pull_port}, std::string(k_pull_name)}};
}

} // namespace acp::platform_registry
