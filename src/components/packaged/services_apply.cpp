// Stage "services", apply half: write the service through the host's ServiceManager, start
// or restart it, then hold the apply until it runs and is healthy (the health gate).

#include "packaged.hpp"

#include <fmt/format.h>
#include <set>

namespace acp::packaged {

using namespace stages;

namespace {

Status write_installation(Actions& actions, const service::Installation& inst) {
  std::set<std::string> dirs;
  for (const auto& f : inst.files)
    dirs.insert(f.path.substr(0, f.path.rfind('/')));
  std::vector<std::string> mkdir{"mkdir", "-p", "--"};
  mkdir.insert(mkdir.end(), dirs.begin(), dirs.end());
  if (auto r = actions.run(mkdir); !r)
    return std::move(r).error();
  for (const auto& f : inst.files)
    if (auto r = actions.upload_text(f.content, f.path, static_cast<unsigned>(f.mode)); !r)
      return std::move(r).error();
  for (const auto& argv : inst.commands)
    if (auto r = actions.run(argv); !r)
      return std::move(r).error();
  return {};
}

} // namespace

Result<state::StateChange> apply_services(const plan::Step& step, StepContext& ctx) {
  if (!ctx.desired || !ctx.desired->service)
    return Error(Errc::failed, "component " + step.component + " has no service in the package")
        .with_hint("plan again with this package");
  if (!ctx.services)
    return Error(Errc::failed, "no service manager (systemd or runit) on this node")
        .with_hint("install systemd or runit on the node, then apply again");
  const auto& spec = *ctx.desired->service;
  const bool exists = ctx.facts.services.count(spec.name) > 0;
  // The service's definition is written every time: a new version (or a rollback to the
  // previous one) may run with another command or environment.
  auto inst = ctx.services->install(spec, exists);
  if (!inst)
    return std::move(inst).error();
  if (auto ok = write_installation(ctx.actions, *inst); !ok)
    return std::move(ok).error();
  if (exists)
    if (auto r = ctx.actions.run(ctx.services->restart(spec.name)); !r)
      return std::move(r).error();
  if (!ctx.actions.dry_run())
    if (auto ok = health_gate(ctx, spec, spec.start_seconds); !ok)
      return std::move(ok).error();
  // The service now runs the installed content and passed its gate: record that, so a plan
  // made after an apply killed between distribute and here still restarts it.
  const auto* have = ctx.state.find(step.component);
  if (!have)
    return Error(Errc::failed, "component " + step.component + " is not recorded on the node")
        .with_hint("apply again: the distribute stage records it first");
  auto record = *have;
  record.service_digest = record.digest;
  return state::StateChange::put(std::move(record));
}

} // namespace acp::packaged
