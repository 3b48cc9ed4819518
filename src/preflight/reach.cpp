// The reachability probes: pure pieces (probes from the config, the script, its parser and
// the judgement); the runner runs the command on every node at once.

#include "acpctl/preflight/reach.hpp"

#include "acpctl/preflight/check.hpp"
#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>

namespace acp::preflight {

// `set -m` puts each probe in its own process group so the watchdog can kill the probe and
// the command substitution inside it (which is blocked in connect()) together. Each probe is
// two forks and no exec, so a node probing many peers stays cheap.
const std::string_view k_reach_script = R"SH(set -m
exec </dev/null 2>/dev/null
t=$1
shift
i=0
pids=""
while [ $# -ge 2 ]; do
  (
    if e=$({ exec 3<>"/dev/tcp/$1/$2"; } 2>&1); then
      echo "@@reach $i open"
    else
      echo "@@reach $i failed ${e##*: }"
    fi
  ) &
  pids="$pids $!"
  i=$((i + 1))
  shift 2
done
(
  sleep "$t"
  for p in $pids; do kill -TERM -- "-$p" 2>/dev/null; done
) &
w=$!
for p in $pids; do wait "$p" 2>/dev/null; done
kill -TERM -- "-$w" 2>/dev/null
echo "@@reach end"
)SH";

namespace {
bool falls_under(const PortClaim& claim, const config::Node& node) {
  return claim.roles.empty() || std::any_of(claim.roles.begin(), claim.roles.end(),
                                            [&](config::Role r) { return node.has_role(r); });
}
} // namespace

std::vector<Probe> reach_probes(const config::Cluster& cluster, const config::Node& node,
                                std::span<const PortClaim> claims,
                                std::span<const std::string> changing) {
  const auto changes = [&](const std::string& name) {
    return changing.empty() || std::find(changing.begin(), changing.end(), name) != changing.end();
  };
  std::vector<Probe> out;
  for (const auto& peer : cluster.nodes) {
    if (peer.name == node.name || !(changes(node.name) || changes(peer.name)))
      continue;
    out.push_back({peer.name, peer.address, peer.port > 0 ? peer.port : cluster.ssh.port, "ssh"});
    for (const auto& claim : claims)
      if (claim.between_peers && falls_under(claim, node) && falls_under(claim, peer))
        for (const int port : claim.ports)
          out.push_back({peer.name, peer.address, port, claim.purpose});
  }
  return out;
}

std::vector<std::string> reach_command(const std::vector<Probe>& probes, int limit_seconds) {
  std::vector<std::string> argv{"bash", "-c", std::string(k_reach_script), "bash",
                                std::to_string(limit_seconds)};
  for (const auto& p : probes) {
    argv.push_back(p.address);
    argv.push_back(std::to_string(p.port));
  }
  return argv;
}

std::vector<ProbeResult> parse_reach(std::string_view output, const std::vector<Probe>& probes) {
  std::vector<ProbeResult> out;
  for (const auto& p : probes)
    out.push_back({p, Reach::no_answer, ""});
  bool ended = false;
  const auto lines = util::split(output, '\n');
  for (const auto& raw : lines) {
    auto line = util::trim(raw);
    if (!line.starts_with("@@reach "))
      continue;
    line.remove_prefix(8);
    if (line == "end") {
      ended = true;
      continue;
    }
    std::size_t index = 0;
    const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), index);
    if (ec != std::errc() || index >= out.size())
      continue;
    const auto rest = util::trim(line.substr(static_cast<std::size_t>(end - line.data())));
    auto& r = out[index];
    if (rest == "open") {
      r.reach = Reach::open;
    } else if (rest.starts_with("failed")) {
      r.detail = std::string(util::trim(rest.substr(6)));
      r.reach = r.detail == "Connection refused" ? Reach::refused : Reach::blocked;
    }
  }
  if (!ended)
    return {};
  return out;
}

void check_reach(const config::Node& node, const std::vector<ProbeResult>& results,
                 int limit_seconds, std::vector<Problem>& out) {
  // One problem per peer, in the order the peers first failed, listing every failed port.
  std::vector<std::string> peers;
  std::map<std::string, std::vector<const ProbeResult*>> failed;
  for (const auto& r : results) {
    if (r.reach == Reach::open || r.reach == Reach::refused)
      continue;
    if (!failed.contains(r.probe.target))
      peers.push_back(r.probe.target);
    failed[r.probe.target].push_back(&r);
  }
  for (const auto& peer : peers) {
    const auto& list = failed.at(peer);
    const auto& address = list.front()->probe.address;
    std::vector<std::string> ports;
    std::vector<std::string> reasons;
    for (const auto* r : list) {
      ports.push_back(fmt::format("{} ({})", r->probe.port, r->probe.purpose));
      const auto why = r->reach == Reach::no_answer
                           ? fmt::format("no answer within {} s", limit_seconds)
                           : r->detail;
      if (std::find(reasons.begin(), reasons.end(), why) == reasons.end())
        reasons.push_back(why);
    }
    std::vector<std::string> port_numbers;
    for (const auto* r : list)
      port_numbers.push_back(std::to_string(r->probe.port));
    out.push_back(
        {"reach",
         fmt::format("cannot reach {} ({}) on TCP {}: {}", peer, address, util::join(ports, ", "),
                     util::join(reasons, "; ")),
         fmt::format("allow TCP {} from {} ({}) to {} in every firewall and security group on "
                     "the way, and check the route (`ip route get {}` on {}); if {} is down, "
                     "start it",
                     util::join(port_numbers, ","), node.name, node.address, peer, address,
                     node.name, peer)});
  }
}

} // namespace acp::preflight
