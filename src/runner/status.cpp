// Gathering `acpctl status`: facts first (bounded parallel, one error per host), then per
// reached node the apply lock and the pid of each service, on the same transport.

#include "acpctl/runner/status.hpp"

#include "acpctl/facts/gather.hpp"
#include "acpctl/service/manager.hpp"
#include "acpctl/transport/parallel.hpp"

#include <algorithm>
#include <map>

namespace acp::runner {

namespace {

int pid_of(transport::Transport& node, const service::ServiceManager& manager,
           const std::string& service) {
  transport::Command command;
  command.argv = manager.status(service);
  command.sudo = true;
  auto r = node.run(command);
  if (!r)
    return 0;
  auto status = manager.parse_status(r->out);
  return status && status->running ? status->pid : 0;
}

void fill_from_facts(NodeStatus& status, const facts::HostFacts& facts, transport::Transport& node,
                     const stages::Registry& registry) {
  status.serial = facts.state.serial;
  status.supervisor = std::string(service::to_string(facts.service_manager));
  for (const auto* c : registry.components())
    if (c->node_status)
      if (auto line = c->node_status(facts))
        status.lines.push_back(std::move(*line));
  auto manager = service::for_host(facts.service_manager, status.name);
  for (const auto& [name, c] : facts.state.components) {
    ComponentStatus cs{name, c.version, c.digest, c.installed_at, c.service, "", 0};
    // Files only (a platform component's binary): its stage of the same name runs the
    // service and records it.
    if (const auto* record = facts.state.find_record(name); c.service.empty() && record)
      cs.service = record->service;
    if (!cs.service.empty()) {
      const auto it = facts.services.find(cs.service);
      cs.service_state = it == facts.services.end() ? "missing" : it->second ? "running" : "down";
      if (cs.service_state == "running" && manager)
        cs.pid = pid_of(node, **manager, cs.service);
    }
    status.components.push_back(std::move(cs));
  }
}

} // namespace

int StatusReport::exit_code() const {
  for (const auto& n : nodes)
    if (!n.reached())
      return 1;
  for (const auto& line : cluster)
    if (line.exit_code != 0)
      return line.exit_code;
  return 0;
}

StatusReport gather_status(const config::Cluster& cluster,
                           const std::vector<const config::Node*>& nodes, const Connect& connect,
                           const stages::Registry& registry, int parallel,
                           const std::string& lock_path) {
  std::map<std::string, std::unique_ptr<transport::Transport>> transports;
  std::vector<std::string> names;
  for (const auto* n : nodes) {
    names.push_back(n->name);
    transports[n->name] = connect(*n);
  }
  const auto gathered = facts::gather_all(
      names,
      [&](const std::string& host, std::string_view script) {
        return facts::run_script_on(*transports.at(host), script);
      },
      parallel, registry.probes());

  std::vector<NodeStatus> out(nodes.size());
  (void)transport::run_bounded<bool>(nodes.size(), parallel, [&](std::size_t i) -> Result<bool> {
    auto& status = out[i];
    status.name = nodes[i]->name;
    status.address = nodes[i]->address;
    if (const auto e = gathered.errors.find(status.name); e != gathered.errors.end()) {
      status.error = e->second;
      return true;
    }
    auto& node = *transports.at(status.name);
    fill_from_facts(status, gathered.facts.at(status.name), node, registry);
    auto lock = read_lock(node, lock_path);
    if (lock)
      status.lock = *lock;
    else
      status.lock_error = lock.error().message();
    return true;
  });
  StatusReport report{std::move(out), {}};
  for (const auto* c : registry.components())
    if (c->cluster_status)
      if (auto line = c->cluster_status(cluster, gathered.facts))
        report.cluster.push_back(std::move(*line));
  return report;
}

} // namespace acp::runner
