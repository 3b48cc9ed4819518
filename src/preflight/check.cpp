// The preflight checks, one function each; check() runs them all for every node.

#include "acpctl/preflight/check.hpp"

#include "acpctl/util/strings.hpp"

#include <cmath>
#include <fmt/format.h>
#include <set>

namespace acp::preflight {

namespace {

using Problems = std::vector<Problem>;

void check_arch(const facts::HostFacts& f, const Requirements& req, Problems& out) {
  if (!req.arch.empty() && f.arch != req.arch)
    out.push_back(
        {"arch", fmt::format("the host is {} but the package is for {}", f.arch, req.arch),
         fmt::format("use the {} package for this node, or remove it from cluster.yaml", f.arch)});
}

// A port held by a component acpctl installed here is its own service, not a conflict:
// re-applying a converged cluster must pass.
void check_ports(const config::Cluster& cluster, const config::Node& node,
                 const facts::HostFacts& f, const Requirements& req, Problems& out) {
  std::set<int> ours;
  for (const auto& [name, c] : f.state.components)
    ours.insert(c.ports.begin(), c.ports.end());
  for (const auto& [name, r] : f.state.platform)
    ours.insert(r.ports.begin(), r.ports.end());
  // A component's service running without a record (an apply stopped after etcd's members
  // started together but before this node's step was committed): its ports are acpctl's too.
  for (const auto& claim : req.claims)
    if (!claim.service.empty() && f.services.contains(claim.service))
      ours.insert(claim.ports.begin(), claim.ports.end());
  std::vector<std::string> busy;
  for (int port : required_ports(cluster, node, req.claims))
    if (!ours.contains(port) && f.port_in_use(port))
      busy.push_back(std::to_string(port));
  if (!busy.empty())
    out.push_back(
        {"port",
         fmt::format("TCP port{} {} in use", busy.size() > 1 ? "s" : "", util::join(busy, ", ")),
         "stop what listens there (`ss -ltnp` shows it) or use another node"});
}

void check_disk(const facts::HostFacts& f, const Requirements& req, Problems& out) {
  if (req.disk_bytes == 0)
    return;
  const auto free = f.free_bytes_at(req.disk_path);
  if (!free)
    out.push_back({"disk", fmt::format("free space at {} is unknown", req.disk_path),
                   "check that `df -Pk` works on the host"});
  else if (*free < req.disk_bytes)
    out.push_back({"disk",
                   fmt::format("{} free at {}, the package needs {}", util::human_bytes(*free),
                               req.disk_path, util::human_bytes(req.disk_bytes)),
                   "free space on that filesystem or enlarge it"});
}

void check_clock(const facts::HostFacts& f, const Requirements& req, Problems& out) {
  if (std::fabs(f.clock_offset_seconds) > req.max_clock_offset_seconds)
    out.push_back({"clock",
                   fmt::format("the clock is {:+.1f} s off this machine's (at most {:.0f} s)",
                               f.clock_offset_seconds, req.max_clock_offset_seconds),
                   "sync the clocks (chrony or systemd-timesyncd) on this node and here"});
}

void check_address(const config::Node& node, const facts::HostFacts& f, Problems& out) {
  if (!f.interfaces.empty() && !f.has_address(node.address))
    out.push_back(
        {"address",
         fmt::format("{} (its address in cluster.yaml) is on none of its interfaces", node.address),
         "set the node's own address in cluster.yaml (`ip -o addr` on the node "
         "lists them); a NAT or load balancer address does not work"});
}

void check_services(const facts::HostFacts& f, Problems& out) {
  if (f.service_manager == facts::ServiceManagerKind::unknown)
    out.push_back({"services", "neither systemd (as PID 1) nor runit's runsvdir runs here",
                   "boot the node with systemd, or install runit and run runsvdir"});
}

} // namespace

std::vector<HostReport> check(const config::Cluster& cluster,
                              const std::map<std::string, facts::HostFacts>& facts,
                              const Requirements& req) {
  std::map<std::string, std::vector<std::string>> by_hostname;
  for (const auto& node : cluster.nodes)
    if (const auto it = facts.find(node.name); it != facts.end())
      by_hostname[it->second.hostname].push_back(node.name);

  std::vector<HostReport> reports;
  for (const auto& node : cluster.nodes) {
    HostReport report{node.name, {}};
    const auto it = facts.find(node.name);
    if (it == facts.end()) {
      report.problems.push_back(
          {"facts", "no facts were gathered", "check that the node is reachable over SSH"});
      reports.push_back(std::move(report));
      continue;
    }
    const auto& f = it->second;
    check_arch(f, req, report.problems);
    check_ports(cluster, node, f, req, report.problems);
    check_disk(f, req, report.problems);
    check_clock(f, req, report.problems);
    check_address(node, f, report.problems);
    check_services(f, report.problems);
    if (req.reach)
      if (const auto r = req.reach->find(node.name); r != req.reach->end())
        check_reach(node, r->second, req.reach_limit_seconds, report.problems);
    if (const auto& same = by_hostname[f.hostname]; same.size() > 1) {
      std::vector<std::string> others;
      for (const auto& n : same)
        if (n != node.name)
          others.push_back(n);
      report.problems.push_back(
          {"hostname",
           fmt::format("hostname '{}' is also the hostname of {}", f.hostname,
                       util::join(others, ", ")),
           "give every node its own hostname (`hostnamectl set-hostname NAME`); Kubernetes "
           "and etcd name members by hostname"});
    }
    reports.push_back(std::move(report));
  }
  return reports;
}

bool passed(const std::vector<HostReport>& reports) {
  for (const auto& r : reports)
    if (!r.ok())
      return false;
  return true;
}

} // namespace acp::preflight
