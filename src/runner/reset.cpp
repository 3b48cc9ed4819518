// reset: the removal plan comes from each node's own state.json, so only what acpctl put
// there is touched.

#include "acpctl/runner/reset.hpp"

#include "acpctl/stages/actions.hpp"
#include "acpctl/stages/platform.hpp"
#include "acpctl/stages/registry.hpp"
#include "acpctl/transport/parallel.hpp"

#include <algorithm>

namespace acp::runner {

namespace {
constexpr const char* k_remove_temp_files =
    "[ ! -d \"$1\" ] || find \"$1\" -maxdepth 1 -type f -name '.*.acpctl-tmp-*' -delete";
constexpr const char* k_log_root = "/var/log/acp";
constexpr const char* k_remove_if_empty =
    "[ ! -d \"$1\" ] || rmdir --ignore-fail-on-non-empty -- \"$1\"";

// A service name as acpctl writes them ([a-z0-9-]+): a hand-edited state.json must never
// turn the log directory into another path.
bool plain_name(const std::string& name) {
  return !name.empty() &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
}

// The runit log directories (/var/log/acp/<service>) of the services recorded in state.json:
// components' and platform stages' (etcd, keepalived).
std::vector<std::string> log_dirs(const facts::Gathered& gathered, const std::string& node) {
  std::vector<std::string> out;
  const auto f = gathered.facts.find(node);
  if (f == gathered.facts.end())
    return out;
  for (const auto& [name, c] : f->second.state.components)
    if (plain_name(c.service))
      out.push_back(std::string(k_log_root) + "/" + c.service);
  for (const auto& [name, r] : f->second.state.platform)
    if (plain_name(r.service))
      out.push_back(std::string(k_log_root) + "/" + r.service);
  return out;
}
// Directories acpctl may have created, deepest first; each only if it is there and empty.
constexpr const char* k_remove_empty_dirs =
    "for d; do [ ! -d \"$d\" ] || rmdir --ignore-fail-on-non-empty -- \"$d\" || exit; done";
// The node's platform records, the one whose stage runs last first (a record is named after
// its stage); records of no stage at the end, by name.
std::vector<std::string> records_last_first(const stages::Registry& registry,
                                            const state::NodeState& state) {
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& [name, record] : state.platform) {
    const auto* phase = registry.phase(name);
    ranked.emplace_back(phase ? -phase->stage.order : 1, name);
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> out;
  for (auto& [order, name] : ranked)
    out.push_back(std::move(name));
  return out;
}

} // namespace

plan::Plan reset_plan(const Session& session, const facts::Gathered& gathered,
                      const std::vector<std::string>& nodes) {
  const auto& cluster = session.cluster();
  const auto* removal = session.registry().removal();
  const std::string stage = removal ? std::string(removal->stage.name) : "";
  plan::Plan p;
  for (const auto& node : cluster.nodes) {
    if (!nodes.empty() && std::find(nodes.begin(), nodes.end(), node.name) == nodes.end())
      continue;
    const auto f = gathered.facts.find(node.name);
    if (f == gathered.facts.end())
      continue;
    p.node_serials[node.name] = f->second.state.serial;
    // Platform records first (their services use the components' binaries), the last set up
    // first: Kubernetes goes while containerd and etcd still run.
    for (const auto& name : records_last_first(session.registry(), f->second.state))
      p.steps.push_back({node.name, stage, plan::Action::remove, name, "", "", "",
                         "reset: set up by acpctl", plan::make_params(stages::RecordParams{name})});
    for (const auto& [name, have] : f->second.state.components)
      p.steps.push_back({node.name, stage, plan::Action::remove, name, have.version, "", "",
                         "reset: installed by acpctl"});
  }
  return p;
}

std::map<std::string, Error> finish_reset(Session& session, const std::vector<std::string>& nodes,
                                          const facts::Gathered& gathered,
                                          const ApplyOptions& options) {
  const auto results = transport::run_bounded<bool>(
      nodes.size(), options.parallel, [&](std::size_t i) -> Result<bool> {
        stages::Actions act(session.node(nodes[i]), options.dry_run);
        // An acpctl killed mid-upload can leave its temp file (".NAME.acpctl-tmp-*") beside
        // state.json; it is acpctl's, so reset removes it too.
        if (auto r = act.run({"sh", "-c", k_remove_temp_files, "sh", "/var/lib/acp"}); !r)
          return std::move(r).error();
        if (auto r = act.run({"rm", "-f", "--", std::string(state::k_state_path)}); !r)
          return std::move(r).error();
        // runit's svlogd writes each service's log to /var/log/acp/<service>.
        if (auto dirs = log_dirs(gathered, nodes[i]); !dirs.empty()) {
          if (auto ok = act.remove_tree(dirs, k_log_root); !ok)
            return std::move(ok).error();
          if (auto r = act.run({"sh", "-c", k_remove_if_empty, "sh", k_log_root}); !r)
            return std::move(r).error();
        }
        if (auto r = act.run({"sh", "-c", k_remove_empty_dirs, "sh",
                              std::string(state::k_components_root), "/opt/acp", "/var/lib/acp",
                              "/etc/acp/pki", "/etc/acp"});
            !r)
          return std::move(r).error();
        return true;
      });
  std::map<std::string, Error> errors;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (!results[i].ok())
      errors.emplace(nodes[i], results[i].error());
  return errors;
}

} // namespace acp::runner
