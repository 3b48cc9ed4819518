// One bootstrap step: kubeadm init or join on its node (reset first when an earlier run was
// interrupted), or a join token made on a control-plane node; the config applied is the one
// planned (its digest), with the token substituted only in the node's tmpfs copy.

#include "acpctl/pki/pki.hpp"
#include "acpctl/stages/platform.hpp"
#include "bootstrap.hpp"

#include <fmt/format.h>

namespace acp::kubernetes {

namespace {

std::optional<NodeRole> role_named(std::string_view role) {
  if (role == "init")
    return NodeRole::init;
  if (role == "control-plane")
    return NodeRole::control_plane;
  if (role == "worker")
    return NodeRole::worker;
  return std::nullopt;
}

// The token for a join: published earlier in this apply (init or token create).
Result<std::string> join_token(stages::StepContext& ctx) {
  if (auto token = ctx.outputs->get(std::string(k_token_output)))
    return *token;
  return Error(Errc::conflict, "no join token was made earlier in this apply")
      .with_host(ctx.actions.node().host())
      .with_hint("plan again: the plan makes a token (kubeadm init or token create) before "
                 "the first join");
}

Result<std::string> token_for(stages::StepContext& ctx, std::string_view role) {
  if (role != "init")
    return join_token(ctx);
  auto token = new_token();
  if (token)
    ctx.outputs->put(std::string(k_token_output), *token, stages::Outputs::Kind::secret);
  return token;
}

std::vector<std::string> kubeadm_args(std::string_view role) {
  const auto file = fmt::format("{}/kubeadm.yaml", k_run_dir);
  if (role == "init")
    return {"init", "--config", file};
  return {"join", "--config", file,
          fmt::format("--ignore-preflight-errors={}", k_join_ignore_preflight)};
}

// The planned config (placeholders), checked against the plan's digest and kept on the node
// for the operator; then the secret copy and kubeadm.
Status run_bootstrap(stages::StepContext& ctx, const BootstrapParams& p, const std::string& bin) {
  auto files = stages::render_for(&render_bootstrap, ctx);
  if (!files)
    return std::move(files).error();
  if (files->size() != 1)
    return Error(Errc::conflict, "the node needs no kubeadm run any more")
        .with_host(ctx.actions.node().host())
        .with_hint("plan again: the facts changed since the plan was made");
  if (auto ok = stages::check_digest("the kubeadm configuration",
                                     plan::files_digest(stages::digests_of(*files)), p.config);
      !ok)
    return ok;
  if (auto ok = stages::write_files(ctx.actions, *files); !ok)
    return ok;
  auto token = token_for(ctx, p.role);
  if (!token)
    return std::move(token).error();
  auto secret =
      substitute_secrets(files->front().content, {{std::string(k_bootstrap_token), *token}});
  if (!secret)
    return std::move(secret).error();
  auto r = run_kubeadm(ctx, bin, *secret, p.role, kubeadm_args(p.role));
  if (!r)
    return std::move(r).error();
  if (!r->ok())
    return kubeadm_failed(ctx.actions.node().host(), p.role == "init" ? "init" : "join", *r);
  return {};
}

} // namespace

Result<std::string> kubeadm_config(const stages::PlatformSource& source, const config::Node& node,
                                   std::string_view role) {
  if (!source.pki)
    return Error(Errc::failed, "the kubeadm configuration needs the cluster's PKI");
  auto hash = pki::ca_cert_hash(source.pki->ca_cert());
  if (!hash)
    return std::move(hash).error();
  KubeadmOptions options;
  const auto* facts = source.facts_of(node.name);
  options.cgroup_driver = facts && facts->service_manager == facts::ServiceManagerKind::systemd
                              ? "systemd"
                              : "cgroupfs";
  options.ca_cert_hash = *hash;
  options.role = role_named(role);
  return render_kubeadm(source.cluster, node, options);
}

Result<std::vector<service::FileToWrite>> render_bootstrap(const stages::PlatformSource& source,
                                                           const config::Node& node) {
  std::vector<service::FileToWrite> files;
  if (bin_dir(source, node).empty() || !source.pki || source.cluster.kubernetes_version.empty())
    return files;
  const auto* facts = source.facts_of(node.name);
  const auto* f = facts ? facts->component<KubeFacts>(std::string(k_name)) : nullptr;
  if (f && f->bootstrapped())
    return files;
  auto text = kubeadm_config(source, node, bootstrap_role(source.cluster, source.facts, node));
  if (!text)
    return std::move(text).error();
  files.push_back({std::string(k_kubeadm_config), std::move(*text), 0600});
  return files;
}

Result<state::StateChange> apply_bootstrap(const plan::Step& step, stages::StepContext& ctx) {
  const auto* p = step.params_as<BootstrapParams>();
  if (!p || !ctx.node || !ctx.platform || !ctx.outputs)
    return Error(Errc::failed, "a bootstrap step needs its params, node, PKI and outputs");
  const auto bin = bin_dir(*ctx.platform, *ctx.node);
  if (bin.empty())
    return Error(Errc::failed, "no kubeadm for this node")
        .with_host(ctx.node->name)
        .with_hint("add the kubernetes component to the package, or install kubeadm and the "
                   "kubelet on the node");
  if (p->role == "token") {
    if (auto ok = make_token(ctx, bin); !ok)
      return std::move(ok).error();
    return state::StateChange::nothing();
  }
  if (p->role == "restart") {
    if (auto ok = restart_static_pods(ctx); !ok)
      return std::move(ok).error();
    return state::StateChange::nothing();
  }
  if (p->reset)
    if (auto ok = reset_node(ctx, bin); !ok)
      return std::move(ok).error();
  if (auto ok = run_bootstrap(ctx, *p, bin); !ok)
    return std::move(ok).error();
  if (p->role != "worker" && !ctx.actions.dry_run())
    if (auto ok = api_gate(ctx); !ok)
      return std::move(ok).error();
  return state::StateChange::nothing();
}

} // namespace acp::kubernetes
