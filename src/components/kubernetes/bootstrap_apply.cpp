// The bootstrap's steps on a node: kubeadm init, join or token create with the one secret,
// the bootstrap token, substituted into a copy of the config on the node's tmpfs (0600,
// removed when kubeadm exits), never on a command line, stdin, a log or the plan. A node
// that an interrupted run left half done is reset first. Control planes pass a gate: the
// API server answers through the cluster's endpoint and on the node.

#include "acpctl/pki/pki.hpp"
#include "acpctl/stages/platform.hpp"
#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"
#include "bootstrap.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>

namespace acp::kubernetes {

namespace {

constexpr std::chrono::seconds k_kubeadm_timeout{600}; // kubeadm waits 4 min for the control plane

// Runs "$bin/kubeadm ARGS" with the secret config file (and the join's bootstrap kubeconfig)
// removed on exit; on success (and a role) writes the marker the facts read.
constexpr std::string_view k_run_script = R"SH(f=$1 bin=$2 role=$3; shift 3
# the join's bootstrap kubeconfig holds the token; the kubelet runs on acpctl's kubelet.conf
trap 'rm -f "$f" /etc/kubernetes/bootstrap-kubelet.conf' EXIT
"$bin/kubeadm" "$@"
rc=$?
if [ $rc -eq 0 ] && [ -n "$role" ]; then
  printf '%s\n' "$role" >/etc/acp/kubernetes/.bootstrapped && \
    mv -f /etc/acp/kubernetes/.bootstrapped /etc/acp/kubernetes/bootstrapped
fi
exit $rc)SH";

// kubeadm reset after an interrupted run: a kubeadm still running from it is stopped first.
constexpr std::string_view k_reset_script = R"SH(bin=$1
pkill -x kubeadm 2>/dev/null && sleep 1
"$bin/kubeadm" reset -f)SH";

} // namespace

Result<std::string> new_token() {
  constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  while (out.size() < 22) {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
      return Error(Errc::failed, "the system's random number generator failed");
    for (const unsigned char b : bytes)
      if (b < 252 && out.size() < 22) // 252 = 7 * 36: every character equally likely
        out += alphabet[b % alphabet.size()];
  }
  return out.substr(0, 6) + "." + out.substr(6);
}

namespace {

// The kubeadm config of `kubeadm token create --config`: one bootstrap token, 1 h.
std::string token_config(std::string_view api) {
  return fmt::format("apiVersion: \"{}\"\nkind: \"InitConfiguration\"\nbootstrapTokens:\n"
                     "  - token: \"{}\"\n    description: \"acpctl: joins of the cluster's "
                     "nodes\"\n    ttl: \"1h0m0s\"\n",
                     api, secret_placeholder(k_bootstrap_token));
}

} // namespace

Result<transport::CommandResult> run_kubeadm(stages::StepContext& ctx, const std::string& bin,
                                             const std::string& secret_text,
                                             const std::string& role,
                                             std::vector<std::string> args) {
  const auto file = fmt::format("{}/kubeadm.yaml", k_run_dir);
  if (auto ok = ctx.actions.run(
          {"mkdir", "-p", "-m", "0700", std::string(k_run_dir), std::string(k_acp_dir)});
      !ok)
    return std::move(ok).error();
  if (auto ok = ctx.actions.upload_text(secret_text, file, 0600); !ok)
    return std::move(ok).error();
  std::vector<std::string> argv = {"sh", "-c", std::string(k_run_script), "sh", file, bin, role};
  argv.insert(argv.end(), args.begin(), args.end());
  if (ctx.actions.dry_run())
    return ctx.actions.run(argv);
  return stages::query(ctx.actions.node(), argv, k_kubeadm_timeout);
}

Status reset_node(stages::StepContext& ctx, const std::string& bin) {
  log::write(log::Level::info, ctx.actions.node().host(),
             "an earlier kubeadm run was interrupted here: kubeadm reset -f, then again");
  if (auto ok = ctx.actions.run({"sh", "-c", std::string(k_reset_script), "sh", bin}); !ok)
    return std::move(ok).error();
  // reset empties /etc/kubernetes/pki and removes the kubeconfigs: put them back.
  auto files = stages::render_for(&render, ctx);
  if (!files)
    return std::move(files).error();
  if (auto ok = stages::write_files(ctx.actions, *files); !ok)
    return ok;
  if (ctx.services && ctx.facts.services.count("kubelet"))
    if (auto ok = ctx.actions.run(ctx.services->restart("kubelet")); !ok)
      return std::move(ok).error();
  return {};
}

Status make_token(stages::StepContext& ctx, const std::string& bin) {
  auto api = kubeadm_api(ctx.platform->cluster.kubernetes_version);
  if (!api)
    return std::move(api).error();
  auto token = new_token();
  if (!token)
    return std::move(token).error();
  ctx.outputs->put(std::string(k_token_output), *token, stages::Outputs::Kind::secret);
  auto text = substitute_secrets(token_config(api_version(*api)),
                                 {{std::string(k_bootstrap_token), *token}});
  if (!text)
    return std::move(text).error();
  auto r = run_kubeadm(ctx, bin, *text, "",
                       {"token", "create", "--config", fmt::format("{}/kubeadm.yaml", k_run_dir)});
  if (!r)
    return std::move(r).error();
  if (!r->ok())
    return kubeadm_failed(ctx.actions.node().host(), "token create", *r);
  return {};
}

} // namespace acp::kubernetes
