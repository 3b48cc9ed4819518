// A platform service that runs a packaged binary (keepalived, containerd, the registry): its
// plan (set up, change, restart or prune) and the check of its rendered files at apply time.

#include "acpctl/stages/platform.hpp"

#include <fmt/format.h>

namespace acp::stages {

void plan_binary_service(const plan::PlanInput& input, const plan::HostContext& host,
                         const std::string& name, const std::string& what,
                         const std::function<std::string(bool has_binary)>& why_gone,
                         std::vector<plan::Step>& out, std::string_view binary_name) {
  if (!input.platform)
    return;
  const auto& files = input.platform->of(host.node.name, name);
  const auto* binary = plan::binary_component(host, binary_name.empty() ? name : binary_name);
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

namespace {

// The files-only component `name` the plan installs (the binary a platform service runs).
const plan::DesiredComponent* desired_binary(const StepContext& ctx, std::string_view name) {
  if (!ctx.platform || !ctx.platform->desired)
    return nullptr;
  for (const auto& c : *ctx.platform->desired)
    if (c.name == name && !c.service)
      return &c;
  return nullptr;
}

} // namespace

Result<std::vector<service::FileToWrite>> render_planned(FileRenderer render,
                                                         const plan::Step& step, StepContext& ctx,
                                                         const std::string& what,
                                                         std::string_view binary_name) {
  const auto* binary = binary_name.empty() ? ctx.desired : desired_binary(ctx, binary_name);
  if (!binary)
    return Error(Errc::failed,
                 fmt::format("the package has no {} component",
                             binary_name.empty() ? step.component : std::string(binary_name)))
        .with_hint("apply with the package the plan was made from");
  auto files = render_for(render, ctx);
  if (!files)
    return std::move(files).error();
  const auto digest = plan::service_digest(digests_of(*files), binary->digest);
  if (auto ok = check_digest(what, digest, step.digest); !ok)
    return std::move(ok).error();
  return files;
}

} // namespace acp::stages
