// Stage "kubernetes-manifests": once Kubernetes answers, the platform's core manifests
// (manifests/core, compiled in) go to the API by server-side apply from the workstation, and
// the stage waits until they are ready. Recorded on the first control-plane node, so a
// re-apply with the same manifests changes nothing.

#include "acpctl/kube/manifests.hpp"

#include "acpctl/components/kubernetes/render.hpp"
#include "acpctl/components/kubernetes/stage.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/stages/platform.hpp"
#include "acpctl/util/hash.hpp"
#include "acpctl/util/log.hpp"

#include <fmt/format.h>

namespace acp::kubernetes {

namespace {

struct Embedded {
  const char* name;
  const char* text;
};

constexpr Embedded k_core[] = {
#include "acpctl/core_manifests.inc"
};

} // namespace

std::string manifests_digest() {
  std::string all;
  for (const auto& m : k_core)
    all += fmt::format("{}\n{}\n{}\n", m.name, std::string_view(m.text).size(), m.text);
  return "sha256:" + util::sha256_hex(all);
}

Result<std::vector<nlohmann::json>> core_manifests() {
  std::vector<nlohmann::json> out;
  for (const auto& m : k_core) {
    auto objects = kube::parse_manifests(m.text, fmt::format("manifests/core/{}", m.name));
    if (!objects)
      return std::move(objects).error();
    out.insert(out.end(), objects->begin(), objects->end());
  }
  return out;
}

void plan_manifests(const plan::PlanInput& input, const plan::HostContext& host,
                    std::vector<plan::Step>& out) {
  const auto cps = input.cluster.nodes_with(config::Role::control_plane);
  if (!input.platform || cps.empty() || cps.front()->name != host.node.name ||
      input.platform->of(host.node.name, std::string(k_name)).empty())
    return;
  const auto want = manifests_digest();
  const auto* have = host.facts.state.find_record(std::string(k_manifests));
  if (have && have->digest == want)
    return;
  plan::Step step;
  step.action = have ? plan::Action::change : plan::Action::create;
  step.component = std::string(k_manifests);
  step.digest = want;
  step.reason = "server-side apply of the platform's core manifests through the API, then wait "
                "until they are ready";
  out.push_back(std::move(step));
}

Result<state::StateChange> apply_manifests(const plan::Step& step, stages::StepContext& ctx) {
  if (!ctx.platform || !ctx.platform->pki)
    return Error(Errc::failed, "the manifests step needs the cluster's config and PKI");
  if (auto ok = stages::check_digest("the core manifests", manifests_digest(), step.digest); !ok)
    return std::move(ok).error();
  auto objects = core_manifests();
  if (!objects)
    return std::move(objects).error();
  auto server = api_server_url(ctx.platform->cluster);
  if (!server)
    return std::move(server).error();
  const auto& pki = *ctx.platform->pki;
  const kube::ApiTarget target{*server, pki.ca_cert(), pki.admin().cert, pki.admin().key,
                               std::chrono::seconds(30)};
  if (ctx.actions.dry_run()) {
    log::info(fmt::format("would apply {} objects to {}", objects->size(), *server));
  } else {
    const auto progress = [&](const kube::ApplyEvent& e) {
      log::write(log::Level::info, ctx.actions.node().host(),
                 fmt::format("{} {}", e.object,
                             e.stage == kube::ApplyEvent::Stage::ready ? "ready" : "applied"));
    };
    if (auto ok = kube::apply_all(target, *objects, progress); !ok)
      return std::move(ok).error();
  }
  return state::StateChange::put_record(
      stages::platform_record(std::string(k_manifests), step.digest, {}, {}, {}, {}));
}

} // namespace acp::kubernetes
