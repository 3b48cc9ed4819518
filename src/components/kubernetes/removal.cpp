// Taking nodes out of Kubernetes: a Node the API lists that cluster.yaml no longer names is
// drained (its pods evicted, DaemonSets' aside) and deleted through the API; a node whose
// record goes (reset, or Kubernetes gone from its package) gets kubeadm reset -f first.

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
  const kube::ApiTarget target{*server, pki.ca_cert(), pki.admin().cert, pki.admin().key,
                               std::chrono::seconds(30)};
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
  if (auto r = ctx.actions.run({"sh", "-c", std::string(k_reset)}); !r)
    return std::move(r).error();
  return stages::remove_platform_record(ctx, record);
}

} // namespace acp::kubernetes
