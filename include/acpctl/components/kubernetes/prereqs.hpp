#pragma once
// What the kubelet needs of a node's kernel, as data for preflight, and a pure check of what
// a node's probes printed against it.

#include "acpctl/config/model.hpp"
#include "acpctl/util/error.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace acp::kubernetes {

struct Sysctl {
  std::string key;   ///< "net.ipv4.ip_forward"
  std::string value; ///< "1"
};

/// The kubelet's and kube-proxy's needs: sysctls, kernel modules, swap off.
struct Prerequisites {
  std::vector<Sysctl> sysctls;
  std::vector<std::string> modules; ///< loaded or built in
  bool swap_off = true;             ///< the kubelet refuses to start with swap on
};

/// For `family`: net.ipv4.ip_forward and net.bridge.bridge-nf-call-iptables = 1 (IPv4),
/// net.ipv6.conf.all.forwarding and net.bridge.bridge-nf-call-ip6tables = 1 (IPv6), both for
/// dual-stack; modules overlay (containerd's snapshotter) and br_netfilter; swap off.
Prerequisites kubelet_prerequisites(config::IpFamily family);

/// What a node's probes printed.
struct ProbeOutput {
  std::string proc_swaps;   ///< /proc/swaps
  std::string proc_modules; ///< /proc/modules
  /// /lib/modules/$(uname -r)/modules.builtin ("kernel/fs/overlayfs/overlay.ko" lines);
  /// empty when unreadable.
  std::string modules_builtin;
  /// `sysctl -n <key>` per key; a key missing here did not exist on the node.
  std::map<std::string, std::string> sysctls;
};

/// One Error per unmet prerequisite (empty when all are met), each naming `host`, saying
/// what is wrong and, in its hint, the command that fixes it and how to make it permanent.
std::vector<Error> check_prerequisites(std::string_view host, const Prerequisites& wanted,
                                       const ProbeOutput& seen);

} // namespace acp::kubernetes
