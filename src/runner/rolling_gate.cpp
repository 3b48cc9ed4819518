// The rolling upgrade's cluster gate and its batches.

#include "acpctl/runner/rolling.hpp"
#include "acpctl/util/log.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <thread>

namespace acp::runner {

std::vector<std::vector<std::string>> rollout_batches(const config::Cluster& cluster,
                                                      const std::vector<std::string>& hosts,
                                                      int max_unavailable,
                                                      const std::vector<std::string>& last) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::vector<std::string>> late;
  std::vector<std::string> others;
  const auto in = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  for (const auto& node : cluster.nodes) {
    if (!in(hosts, node.name))
      continue;
    if (!node.has_role(config::Role::etcd) && !node.has_role(config::Role::control_plane))
      others.push_back(node.name);
    else
      (in(last, node.name) ? late : out).push_back({node.name});
  }
  out.insert(out.end(), late.begin(), late.end());
  const auto size = static_cast<std::size_t>(std::max(1, max_unavailable));
  for (std::size_t i = 0; i < others.size(); i += size)
    out.emplace_back(others.begin() + static_cast<std::ptrdiff_t>(i),
                     others.begin() +
                         static_cast<std::ptrdiff_t>(std::min(others.size(), i + size)));
  return out;
}

std::string gate_problem(Session& session, const std::map<std::string, facts::HostFacts>& facts) {
  for (const auto* component : session.registry().components()) {
    if (!component->gate)
      continue;
    const auto line = component->gate(session.cluster(), facts);
    if (line && !line->ok)
      return line->text;
  }
  return "";
}

namespace {

// Why the cluster is not healthy now, or "" when every gate passes.
std::string not_healthy(Session& session) {
  const auto gathered = session.gather();
  for (const auto& [host, error] : gathered.errors)
    return fmt::format("{} did not answer: {}", host, error.describe());
  return gate_problem(session, gathered.facts);
}

} // namespace

Status wait_cluster_healthy(Session& session, int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::string why;
  while (true) {
    why = not_healthy(session);
    if (why.empty())
      return {};
    log::write(log::Level::debug, "", "cluster gate: " + why);
    if (std::chrono::steady_clock::now() >= deadline)
      break;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  return Error(Errc::timeout,
               fmt::format("the cluster was not healthy within {} s: {}", seconds, why))
      .with_hint("check `acpctl status`; once it is healthy, run the same command again: it "
                 "continues where it stopped");
}

} // namespace acp::runner
