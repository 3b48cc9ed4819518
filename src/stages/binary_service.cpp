// A platform service that runs a packaged binary (keepalived, containerd, the registry): its
// plan (set up, change, restart or prune) and the check of its rendered files at apply time.

#include "acpctl/stages/platform.hpp"

namespace acp::stages {

void plan_binary_service(const plan::PlanInput& input, const plan::HostContext& host,
                         const std::string& name, const std::string& what,
                         const std::function<std::string(bool has_binary)>& why_gone,
                         std::vector<plan::Step>& out) {
  if (!input.platform)
    return;
  const auto& files = input.platform->of(host.node.name, name);
  const auto* binary = plan::binary_component(host, name);
  if (files.empty() || !binary) {
    // Not (or no longer) wanted here: the record says what to stop and delete.
    if (host.facts.state.find_record(name))
      out.push_back(prune_record_step(name, why_gone(binary != nullptr)));
    return;
  }
  if (auto step = plan::plan_platform_service(host, name, name,
                                              plan::service_digest(files, binary->digest), what))
    out.push_back(std::move(*step));
}

Result<std::vector<service::FileToWrite>> render_planned(FileRenderer render,
                                                         const plan::Step& step, StepContext& ctx,
                                                         const std::string& what) {
  if (!ctx.desired)
    return Error(Errc::failed, "the package has no " + step.component + " component")
        .with_hint("apply with the package the plan was made from");
  auto files = render_for(render, ctx);
  if (!files)
    return std::move(files).error();
  const auto digest = plan::service_digest(digests_of(*files), ctx.desired->digest);
  if (auto ok = check_digest(what, digest, step.digest); !ok)
    return std::move(ok).error();
  return files;
}

} // namespace acp::stages
