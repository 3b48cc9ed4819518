// After a control plane's init or join: its API server must answer /readyz on its own address
// and through the cluster's endpoint (the VIP or the load balancer) before the next node
// joins. Asked from the workstation with acpctl's admin certificate, verifying the cluster CA.
// And what a failed kubeadm run says, without the token.

#include "acpctl/components/kubernetes/kubeadm_output.hpp"
#include "acpctl/kube/api.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/util/ipaddr.hpp"
#include "acpctl/util/log.hpp"
#include "acpctl/util/strings.hpp"
#include "bootstrap.hpp"

#include <chrono>
#include <fmt/format.h>
#include <thread>

namespace acp::kubernetes {

namespace {

constexpr std::chrono::seconds k_gate{180}; // a new API server's first readyz: etcd, RBAC hooks

// Polls /readyz at `server` until ok or the deadline; the error says what it last saw.
Status wait_ready(const pki::ClusterPki& pki, const std::string& server, const std::string& host) {
  kube::ApiTarget target{server, pki.ca_cert(), pki.admin().cert, pki.admin().key,
                         std::chrono::seconds(5)};
  const auto deadline = std::chrono::steady_clock::now() + k_gate;
  std::string last = "no answer yet";
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = kube::readyz(target);
    if (r && r->ok)
      return {};
    last = r ? "not ready: " + util::join(r->failing, "; ") : r.error().message();
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  return Error(Errc::timeout, fmt::format("the API server at {} was not ready within {} s ({})",
                                          server, k_gate.count(), last))
      .with_host(host)
      .with_hint("look at the kubelet's log and the kube-apiserver container on the node; "
                 "etcd must be healthy (acpctl status)");
}

} // namespace

Status api_gate(stages::StepContext& ctx) {
  const auto& cluster = ctx.platform->cluster;
  const auto& node = *ctx.node;
  auto own = wait_ready(*ctx.platform->pki, "https://" + util::host_port(node.address, k_api_port),
                        node.name);
  if (!own)
    return own;
  auto endpoint = api_server_url(cluster);
  if (!endpoint)
    return std::move(endpoint).error();
  log::write(log::Level::info, node.name, "API server ready; checking it through " + *endpoint);
  return wait_ready(*ctx.platform->pki, *endpoint, node.name);
}

Error kubeadm_failed(std::string_view host, std::string_view what,
                     const transport::CommandResult& result) {
  const auto err = redact_tokens(log::redact(result.err));
  const auto out = redact_tokens(log::redact(result.out));
  auto phase = parse_failed_phase(err);
  auto errors = parse_preflight_errors(err);
  // the last lines kubeadm printed, when it named no phase or check
  std::string detail;
  if (phase.empty() && errors.empty()) {
    const auto lines = util::split(util::trim(err.empty() ? out : err), '\n');
    for (std::size_t i = lines.size() > 5 ? lines.size() - 5 : 0; i < lines.size(); ++i)
      detail += std::string(lines[i]) + (i + 1 < lines.size() ? "\n" : "");
  }
  return describe_failure(host, phase.empty() ? std::string(what) : phase, errors, detail)
      .context(fmt::format("kubeadm {} exited with {}", what, result.exit_code));
}

} // namespace acp::kubernetes
