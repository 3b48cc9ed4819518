// Stage "etcd-auth": etcd's authorization on. etcd checks client certificates against the
// cluster CA, and every node holds one (the kubelet's, the registry pull client's): without
// authorization any of them reads and writes all of etcd. With it on, etcd takes a
// certificate's CN as its user name; acpctl's health-check client, its admin and the API
// server's etcd client are users with the root role (no password: certificates only), and
// every other certificate is refused. One step on one etcd member; running it again changes
// nothing (users that exist are kept, the role grant and `auth enable` repeat harmlessly).

#include "acpctl/components/etcd/facts.hpp"
#include "acpctl/components/etcd/steps.hpp"
#include "acpctl/pki/etcd_users.hpp"
#include "acpctl/stages/platform.hpp"

#include <fmt/format.h>

namespace acp::etcd {

namespace {

constexpr std::string_view k_hint =
    "check the member with `acpctl status`, then apply again: the step repeats harmlessly";

// Where the step runs: the first etcd node whose member answered, else the first etcd node
// (a new cluster, bootstrapped earlier in the same apply).
const plan::HostContext* auth_host(std::span<const plan::HostContext> hosts) {
  const plan::HostContext* first = nullptr;
  for (const auto& host : hosts) {
    if (!host.node.has_role(config::Role::etcd))
      continue;
    const auto* f = facts_of(host.facts);
    if (f && f->answered)
      return &host;
    if (!first)
      first = &host;
  }
  return first;
}

Status add_user(stages::StepContext& ctx, const std::vector<std::string>& eps,
                std::string_view user) {
  auto added = ctx.actions.run(etcdctl(eps, {"user", "add", std::string(user), "--no-password"}));
  if (!added && added.error().message().find("already exists") == std::string::npos)
    return std::move(added).error();
  if (auto granted =
          ctx.actions.run(etcdctl(eps, {"user", "grant-role", std::string(user), "root"}));
      !granted)
    return std::move(granted).error();
  return {};
}

} // namespace

Status plan_auth(const plan::PlanInput& input, std::span<const plan::HostContext> hosts,
                 std::vector<plan::Step>& out) {
  if (!input.platform)
    return {};
  // on: any member that answered says so (the setting is the cluster's)
  for (const auto& host : hosts)
    if (const auto* f = facts_of(host.facts); f && f->auth.value_or(false))
      return {};
  const auto* at = auth_host(hosts);
  if (!at)
    return {};
  plan::Step step;
  step.host = at->node.name;
  step.stage = std::string(k_auth);
  step.component = "etcd";
  step.target = plan::Target::cluster;
  step.reason = "turn on etcd's authorization: only acpctl's, the health check's and the API "
                "server's certificates may read or write";
  out.push_back(std::move(step));
  return {};
}

Result<state::StateChange> apply_auth(const plan::Step& step, stages::StepContext& ctx) {
  if (!ctx.platform)
    return Error(Errc::failed, "etcd-auth runs only with the platform stages").with_host(step.host);
  const std::vector<std::string> eps{local_client_url(ctx.platform->cluster)};
  for (const auto user : pki::k_etcd_users)
    if (auto ok = add_user(ctx, eps, user); !ok)
      return std::move(ok)
          .error()
          .context(fmt::format("adding etcd user {}", user))
          .with_host(ctx.actions.node().host())
          .with_hint(std::string(k_hint));
  if (auto on = ctx.actions.run(etcdctl(eps, {"auth", "enable"})); !on)
    return std::move(on)
        .error()
        .with_host(ctx.actions.node().host())
        .with_hint(std::string(k_hint));
  return state::StateChange::nothing();
}

} // namespace acp::etcd
