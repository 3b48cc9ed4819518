#pragma once
// What kubeadm init and kubeadm join printed, read back as data: whether they succeeded, the
// join endpoint and CA pin init printed, the preflight checks that failed and the phase that
// stopped the run, and one Error that says what to do about it. Pure functions of the text.
//
// No bootstrap token ever leaves here: the caller already knows the token it gave kubeadm, so
// the outcomes only say whether one was printed, and every piece of kubeadm's text kept in an
// outcome or an Error first goes through redact_tokens.

#include "acpctl/util/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace acp::kubernetes {

/// `text` with every secret kubeadm prints replaced by "<redacted>": the value after
/// --token, --discovery-token, --tls-bootstrap-token and --certificate-key (as "--flag value"
/// or "--flag=value"), and anything shaped like a bootstrap token ([a-z0-9]{6}.[a-z0-9]{16}),
/// wherever it stands.
std::string redact_tokens(std::string_view text);

/// One "[ERROR <check>]: <message>" line of kubeadm's preflight.
struct PreflightError {
  std::string check{};   ///< "Swap", "Port-6443", "FileAvailable--etc-kubernetes-kubelet.conf"
  std::string message{}; ///< the rest of the line, redacted
};

/// Every "[ERROR <check>]: <message>" line of `stderr_text`, in order.
std::vector<PreflightError> parse_preflight_errors(std::string_view stderr_text);

/// The phase of kubeadm's "error execution phase <phase>: ..." line ("preflight",
/// "wait-control-plane", "control-plane-prepare/certs"), also in the "error: error execution
/// phase ..." form of newer releases; empty when there is no such line.
std::string parse_failed_phase(std::string_view stderr_text);

/// What `kubeadm init` printed.
struct InitOutcome {
  /// stdout had "Your Kubernetes control-plane has initialized successfully!".
  bool succeeded = false;
  /// The API endpoint of the printed `kubeadm join` command ("10.88.0.100:6443"); empty when
  /// none was printed or it is a placeholder such as "<control-plane-host>:<control-plane-port>".
  std::string join_endpoint{};
  /// "sha256:<64 hex>" of the printed --discovery-token-ca-cert-hash; empty when none was
  /// printed or it is no hash.
  std::string ca_cert_hash{};
  /// A bootstrap-token-shaped value followed --token. The token itself is never kept.
  bool token_printed = false;
  /// One of the printed join commands carries --control-plane.
  bool control_plane_join = false;
  std::string failed_phase{};           ///< parse_failed_phase(stderr)
  std::string failure{};                ///< the failed phase's line after "<phase>: ", redacted
  std::vector<PreflightError> errors{}; ///< parse_preflight_errors(stderr)
};
InitOutcome parse_init_output(std::string_view stdout_text, std::string_view stderr_text);

/// How a node joined.
enum class JoinKind {
  none,          ///< it did not (see failed_phase and errors)
  worker,        ///< "This node has joined the cluster:"
  control_plane, ///< "This node has joined the cluster and a new control plane instance ..."
};

/// What `kubeadm join` printed.
struct JoinOutcome {
  bool succeeded = false;
  JoinKind kind = JoinKind::none;
  std::string failed_phase{};           ///< parse_failed_phase(stderr)
  std::string failure{};                ///< the failed phase's line after "<phase>: ", redacted
  std::vector<PreflightError> errors{}; ///< parse_preflight_errors(stderr)
};
JoinOutcome parse_join_output(std::string_view stdout_text, std::string_view stderr_text);

/// One Errc::remote Error for a failed kubeadm run on `host`: the message names the failed
/// phase (or "kubeadm failed" without one), `detail` (redacted) and every failed check with
/// its message; the hint has one line per well-known problem: Swap (swapoff -a, /etc/fstab),
/// the bridge-nf-call-iptables and ip_forward sysctls (modprobe br_netfilter, sysctl),
/// Port-<n> (ss -ltnp), FileAvailable--* and DirAvailable--* (leftovers of an earlier
/// install: acpctl reset or kubeadm reset), NumCPU and Mem, and the kubelet's log for the
/// wait-control-plane, kubelet-check, api-check, control-plane-check and kubelet-start phases.
Error describe_failure(std::string_view host, std::string_view phase,
                       const std::vector<PreflightError>& errors, std::string_view detail = {});

} // namespace acp::kubernetes
