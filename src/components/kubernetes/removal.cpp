// Taking nodes out of Kubernetes: a Node the API lists that cluster.yaml no longer names is
// drained (its pods evicted, DaemonSets' aside) and deleted through the API; a node whose
// record goes (`acpctl reset [--nodes]`, or Kubernetes gone from its package) is drained and
// deleted the same way while the API answers, then gets kubeadm reset -f, then loses the files.

#include "acpctl/components/kubernetes/render.hpp"
#include "acpctl/components/kubernetes/stage.hpp"
#include "acpctl/kube/nodes.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/stages/platform.hpp"
#include "acpctl/util/log.hpp"

#include <fmt/format.h>

namespace acp::kubernetes {

namespace {

constexpr std::chrono::seconds k_drain_timeout{300};

// kubeadm reset -f with the package's kubeadm or the node's own; nothing without either.
constexpr std::string_view k_reset =
    R"SH(for b in /opt/acp/components/kubernetes/current/bin/kubeadm "$(command -v kubeadm)"; do
  if [ -n "$b" ] && [ -x "$b" ]; then exec "$b" reset -f; fi
done
exit 0)SH";

constexpr std::chrono::seconds k_leave_drain{60};

kube::ApiTarget api_target(const pki::ClusterPki& pki, const std::string& server) {
  return {server, pki.ca_cert(), pki.admin().cert, pki.admin().key, std::chrono::seconds(5)};
}

// Before kubeadm reset on a node that is being reset: drain it and delete its Node through the
// API, when the API still answers. Best effort, bounded (a reset of the whole cluster takes
// the API away as it goes): what fails is a warning and the reset goes on.
void leave_cluster(stages::StepContext& ctx, const config::Node& node, const pki::ClusterPki& pki) {
  const auto& host = ctx.actions.node().host();
  auto server = api_server_url(ctx.platform->cluster);
  if (!server)
    return;
  const auto target = api_target(pki, *server);
  auto ready = kube::readyz(target);
  if (!ready || !ready->ok) {
    log::write(
        log::Level::warn, host,
        fmt::format("the API at {} does not answer: Node {} stays in it", *server, node.name));
    return;
  }
  if (auto ok = kube::drain(target, node.name, k_leave_drain); !ok)
    log::write(log::Level::warn, host, "drain before reset: " + ok.error().describe());
  if (auto ok = kube::delete_node(target, node.name); !ok)
    log::write(log::Level::warn, host, "deleting the Node before reset: " + ok.error().describe());
  else
    log::write(log::Level::info, host, fmt::format("Node {} drained and deleted", node.name));
}

} // namespace

Status plan_removals(const plan::PlanInput& input, std::span<const plan::HostContext> hosts,
                     std::vector<plan::Step>& out) {
  for (const auto& host : hosts) {
    const auto* f = host.facts.component<KubeFacts>(std::string(k_name));
    if (!f || !f->api_nodes || !host.node.has_role(config::Role::control_plane))
      continue;
    for (const auto& name : *f->api_nodes) {
      if (input.cluster.find_node(name))
        continue;
      plan::Step step;
      step.host = host.node.name;
      step.stage = std::string(k_remove);
      step.action = plan::Action::remove;
      step.component = std::string(k_name);
      step.target = plan::Target::cluster;
      step.reason = fmt::format("Node {} is not in the config: drain it (evict its pods), then "
                                "delete it from Kubernetes",
                                name);
      step.params = plan::make_params(RemoveParams{name});
      out.push_back(std::move(step));
    }
    return {}; // one control plane's view is the cluster's
  }
  return {};
}

Result<state::StateChange> apply_removal(const plan::Step& step, stages::StepContext& ctx) {
  const auto* p = step.params_as<RemoveParams>();
  if (!p || !ctx.platform || !ctx.platform->pki)
    return Error(Errc::failed, "a Node removal needs its params, the config and the PKI");
  auto server = api_server_url(ctx.platform->cluster);
  if (!server)
    return std::move(server).error();
  const auto& pki = *ctx.platform->pki;
  auto target = api_target(pki, *server);
  target.timeout = std::chrono::seconds(30);
  if (ctx.actions.dry_run()) {
    log::info(fmt::format("would drain and delete Node {} through {}", p->node, *server));
    return state::StateChange::nothing();
  }
  if (auto ok = kube::drain(target, p->node, k_drain_timeout); !ok)
    return std::move(ok).error();
  if (auto ok = kube::delete_node(target, p->node); !ok)
    return std::move(ok).error();
  log::write(log::Level::info, ctx.actions.node().host(),
             fmt::format("Node {} drained and deleted; run kubeadm reset -f on it (or acpctl "
                         "reset with its old entry) before it is used again",
                         p->node));
  return state::StateChange::nothing();
}

Status remove_record(stages::StepContext& ctx, const state::PlatformRecord& record) {
  if (ctx.node && ctx.platform && ctx.platform->pki && !ctx.actions.dry_run())
    leave_cluster(ctx, *ctx.node, *ctx.platform->pki);
  if (auto r = ctx.actions.run({"sh", "-c", std::string(k_reset)}); !r)
    return std::move(r).error();
  return stages::remove_platform_record(ctx, record);
}

} // namespace acp::kubernetes
