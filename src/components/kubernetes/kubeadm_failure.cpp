// One Error for a failed kubeadm run, with the next step for the problems kubeadm's preflight
// and its waits report most often.

#include "acpctl/components/kubernetes/kubeadm_output.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace acp::kubernetes {

namespace {

// What to do about one failed preflight check; empty when there is nothing better to say than
// kubeadm's own message.
std::string check_hint(std::string_view check) {
  if (check == "Swap")
    return "swap is on: run `swapoff -a` and remove the swap entries from /etc/fstab so it "
           "stays off after a reboot";
  if (check == "FileContent--proc-sys-net-bridge-bridge-nf-call-iptables")
    return "load br_netfilter and enable bridged traffic for iptables: `modprobe br_netfilter` "
           "(list it in /etc/modules-load.d/) and `sysctl -w "
           "net.bridge.bridge-nf-call-iptables=1` (keep it in /etc/sysctl.d/)";
  if (check == "FileContent--proc-sys-net-bridge-bridge-nf-call-ip6tables")
    return "load br_netfilter and enable bridged traffic for ip6tables: `modprobe br_netfilter` "
           "and `sysctl -w net.bridge.bridge-nf-call-ip6tables=1` (keep both across reboots)";
  if (check == "FileContent--proc-sys-net-ipv4-ip_forward")
    return "enable IPv4 forwarding: `sysctl -w net.ipv4.ip_forward=1` (keep it in "
           "/etc/sysctl.d/)";
  if (check.starts_with("Port-")) {
    const auto port = check.substr(5);
    return fmt::format("port {} is in use: see what listens on it with `ss -ltnp 'sport = :{}'`",
                       port, port);
  }
  if (check.starts_with("FileAvailable--") || check.starts_with("DirAvailable--"))
    return "an earlier install left files under /etc/kubernetes: run `acpctl reset` (or "
           "`kubeadm reset -f` on the node) and apply again";
  if (check == "NumCPU")
    return "kubeadm needs at least 2 CPUs on a control-plane node";
  if (check == "Mem")
    return "kubeadm needs at least 1700 MB of memory on a control-plane node";
  return {};
}

// What to do when a phase that waits for the kubelet or the control plane timed out.
std::string phase_hint(std::string_view phase) {
  const auto first = phase.substr(0, phase.find('/'));
  for (const auto waiting :
       {"wait-control-plane", "kubelet-check", "api-check", "control-plane-check", "kubelet-start"})
    if (first == waiting)
      return "look at the kubelet's log on the node: `journalctl -u kubelet --no-pager -n 200`, "
             "and `crictl ps -a` for a control-plane container that exited";
  return {};
}

} // namespace

Error describe_failure(std::string_view host, std::string_view phase,
                       const std::vector<PreflightError>& errors, std::string_view detail) {
  std::string message = phase.empty() ? std::string("kubeadm failed")
                                      : fmt::format("kubeadm failed in phase {}", phase);
  if (!detail.empty())
    message += ": " + redact_tokens(detail);
  std::vector<std::string> checks;
  std::vector<std::string> hints;
  auto add_hint = [&hints](std::string hint) {
    if (!hint.empty() && std::find(hints.begin(), hints.end(), hint) == hints.end())
      hints.push_back(std::move(hint));
  };
  for (const auto& e : errors) {
    checks.push_back(redact_tokens(fmt::format("{} ({})", e.check, e.message)));
    add_hint(check_hint(e.check));
  }
  if (!checks.empty())
    message += fmt::format("; failed checks: {}", fmt::join(checks, ", "));
  add_hint(phase_hint(phase));
  Error error(Errc::remote, std::move(message));
  error.with_host(std::string(host));
  if (!hints.empty())
    error.with_hint(fmt::format("{}", fmt::join(hints, "\n")));
  return error;
}

} // namespace acp::kubernetes
