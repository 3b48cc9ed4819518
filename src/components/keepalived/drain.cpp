// The VIP leaves a node before its etcd or keepalived restarts in a rolling upgrade. The
// health check follows etcd, so a restart on the holder would move the VIP anyway, after the
// check failed twice (2 s with clients cut off); stopping keepalived first hands it over at
// once (the priority-0 advert), and nopreempt keeps it where it went when keepalived starts
// again.

#include "acpctl/components/keepalived/service.hpp"
#include "acpctl/components/keepalived/steps.hpp"
#include "acpctl/service/manager.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::keepalived {

namespace {

constexpr const char* k_holds = "ip -o addr show | grep -qF \" $1/\"";
// Waits (5 s at most) until the address left this node, then (3 s at most) until it answers
// from another one; the cluster gate checks the holder again before the next node.
constexpr const char* k_wait_moved =
    "i=0; while ip -o addr show | grep -qF \" $1/\"; do [ $i -ge 50 ] && exit 1; sleep 0.1; "
    "i=$((i+1)); done; i=0; while [ $i -lt 6 ]; do ping -c1 -W1 \"$1\" >/dev/null 2>&1 && "
    "exit 0; sleep 0.5; i=$((i+1)); done; exit 0";

bool interrupts_vip(const stages::DrainContext& ctx) {
  return std::any_of(ctx.steps.begin(), ctx.steps.end(), [](const plan::Step* s) {
    return s->stage == "etcd" || s->stage == "keepalived";
  });
}

Result<transport::CommandResult> run(const stages::DrainContext& ctx, service::Argv argv) {
  transport::Command command;
  command.argv = std::move(argv);
  command.timeout = std::chrono::seconds(30);
  command.sudo = true; // sv and systemctl need root; the login user may not be root
  return ctx.transport.run(command);
}

} // namespace

Result<bool> drain(const stages::DrainContext& ctx) {
  const auto& vip = ctx.cluster.endpoint.self_built_vip;
  if (!vip || !interrupts_vip(ctx))
    return false;
  auto holds = run(ctx, {"sh", "-c", k_holds, "sh", vip->vip});
  if (!holds)
    return std::move(holds).error();
  if (holds->exit_code != 0)
    return false;
  auto manager = service::for_host(ctx.facts.service_manager, ctx.node.name);
  if (!manager)
    return std::move(manager).error();
  auto stopped = run(ctx, (*manager)->stop(service_spec().name));
  if (!stopped)
    return std::move(stopped).error();
  if (stopped->exit_code != 0)
    return Error(Errc::remote,
                 fmt::format("could not stop keepalived to hand the VIP over (exit {}): {}",
                             stopped->exit_code,
                             stopped->err.empty() ? stopped->out : stopped->err))
        .with_host(ctx.node.name);
  auto moved = run(ctx, {"sh", "-c", k_wait_moved, "sh", vip->vip});
  if (!moved || moved->exit_code != 0)
    return Error(Errc::timeout,
                 fmt::format("the VIP {} did not leave the node within 5 s of stopping "
                             "keepalived",
                             vip->vip))
        .with_host(ctx.node.name);
  return true;
}

Status undrain(const stages::DrainContext& ctx) {
  auto manager = service::for_host(ctx.facts.service_manager, ctx.node.name);
  if (!manager)
    return std::move(manager).error();
  auto started = run(ctx, (*manager)->start(service_spec().name));
  if (!started)
    return std::move(started).error();
  if (started->exit_code != 0)
    return Error(Errc::remote, "keepalived did not start again: " + started->err)
        .with_host(ctx.node.name);
  return {};
}

} // namespace acp::keepalived
