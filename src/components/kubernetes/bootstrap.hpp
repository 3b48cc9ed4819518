#pragma once
// Private to the kubernetes component: the pieces of a bootstrap step.

#include "acpctl/components/kubernetes/render.hpp"
#include "acpctl/components/kubernetes/stage.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace acp::kubernetes {

/// A new bootstrap token, [a-z0-9]{6}.[a-z0-9]{16}, from OpenSSL's RAND_bytes. Secret.
Result<std::string> new_token();
/// Uploads `secret_text` to k_run_dir/kubeadm.yaml (0600) and runs "$bin/kubeadm ARGS" as
/// root; the file is removed when kubeadm exits, and on success with a `role` the marker
/// (k_marker) says it. A non-zero exit is a result, not an error.
Result<transport::CommandResult> run_kubeadm(stages::StepContext& ctx, const std::string& bin,
                                             const std::string& secret_text,
                                             const std::string& role,
                                             std::vector<std::string> args);
/// kubeadm reset -f after an interrupted run (a kubeadm still running is stopped), then the
/// kubernetes stage's files again (reset empties /etc/kubernetes/pki) and a kubelet restart.
Status reset_node(stages::StepContext& ctx, const std::string& bin);
/// kubeadm token create with a new token, published as the secret output k_token_output.
Status make_token(stages::StepContext& ctx, const std::string& bin);
/// The error of a failed kubeadm run: the phase and checks that failed (kubeadm_output.hpp),
/// no token in it, naming `host`.
Error kubeadm_failed(std::string_view host, std::string_view what,
                     const transport::CommandResult& result);
/// The gate after a control-plane node's init or join: the API server's /readyz answers ok
/// through the cluster's endpoint and on the node's own address, within a deadline that
/// names the host.
Status api_gate(stages::StepContext& ctx);

} // namespace acp::kubernetes
