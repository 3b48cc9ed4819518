#pragma once
// The containerd component (package component "containerd": containerd, its runc shim, ctr
// and runc as files): the container runtime on every node. acpctl renders its config (the
// cgroup driver from the node's facts; the platform registry's hosts directory with the
// cluster CA and the node's client certificate for the registry's pull port, also as the
// mirror for every other registry) and runs it so that a restart of
// containerd leaves the running containers alone.

#include "acpctl/stages/component.hpp"

#include <string>
#include <string_view>

namespace acp::containerd {

inline constexpr std::string_view k_name = "containerd";
inline constexpr std::string_view k_bin_dir = "/opt/acp/components/containerd/current/bin";
inline constexpr std::string_view k_config = "/etc/acp/containerd/config.toml";
/// containerd's hosts directory (config_path; `ctr images pull --hosts-dir` takes it too).
inline constexpr std::string_view k_hosts_dir = "/etc/acp/containerd/certs.d";
inline constexpr std::string_view k_socket = "/run/containerd/containerd.sock";
/// The node's registry client certificate and key (pki: CN acp-node:<node>, clientAuth):
/// what the registry's pull port asks for instead of a password.
inline constexpr std::string_view k_client_cert = "/etc/acp/containerd/registry-client.crt";
inline constexpr std::string_view k_client_key = "/etc/acp/containerd/registry-client.key";

/// What the config depends on besides the cluster.
struct ConfigInput {
  bool systemd_cgroup = false; ///< the node's init is systemd: the systemd cgroup driver
};

/// config.toml (version 2): root /var/lib/containerd, the runc runtime from the component's
/// bin directory, the cgroup driver, the CRI registry's config_path.
std::string render_config(const config::Cluster& cluster, const ConfigInput& in);
/// The files a pull from the platform registry trusts and presents (node paths).
struct HostsTrust {
  std::string ca;          ///< the cluster CA
  std::string client_cert; ///< the node's registry client certificate
  std::string client_key;  ///< its key
};
/// hosts.toml that sends pulls to `pull_address` (the registry's host with
/// spec.registry.pullPort: pull and resolve only), trusting `trust.ca` and presenting the
/// client pair; for the platform registry's own name (`mirror` false) with `address`
/// (spec.registry.address, the password port) as the server for pushes only, so a failed
/// pull does not fall back to it; for `_default` (`mirror` true: every other registry is
/// pulled from the platform registry, as a mirror) without a server line.
std::string render_hosts(std::string_view address, std::string_view pull_address,
                         const HostsTrust& trust, bool mirror);

/// The files for `node`: config.toml, and with spec.registry the hosts directory entries,
/// the cluster CA and the node's registry client pair (key 0600).
Result<std::vector<service::FileToWrite>> render(const stages::PlatformSource& source,
                                                 const config::Node& node);
void plan_node(const plan::PlanInput& input, const plan::HostContext& host,
               std::vector<plan::Step>& out);
Result<state::StateChange> apply(const plan::Step& step, stages::StepContext& ctx);
/// acp-containerd: PATH with the component's bin first (it finds its shim and runc there),
/// containers survive a restart, a high open-file limit, delegated cgroups on systemd;
/// healthy when `ctr version` gets an answer from the daemon.
service::ServiceSpec service_spec();

/// What the facts probe saw of the runtime on a node.
struct RuntimeFacts {
  bool answered = false;  ///< the daemon answered on its socket
  std::string version;    ///< the daemon's version
  std::string cgroup_fs;  ///< "cgroup2fs" (v2) or "tmpfs" (v1) at /sys/fs/cgroup
  int running_tasks = -1; ///< tasks in the k8s.io namespace; -1 unknown
  std::string error;      ///< the daemon's answer when it did not answer
};
facts::Probe facts_probe();
/// "containerd 1.6.20 running, cgroup v1, 2 tasks" / "containerd is not answering: ...".
std::optional<stages::StatusLine> node_status(const facts::HostFacts& facts);

} // namespace acp::containerd
