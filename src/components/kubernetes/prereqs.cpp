// The kubelet's kernel prerequisites and their check against probe output.

#include "acpctl/components/kubernetes/prereqs.hpp"

#include "acpctl/util/strings.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <sstream>
#include <utility>

namespace acp::kubernetes {

namespace {

// The first field of every line after /proc/swaps' header: the swap devices and files.
std::vector<std::string> active_swaps(std::string_view proc_swaps) {
  std::vector<std::string> out;
  bool header = true;
  for (const auto& line : util::split(proc_swaps, '\n')) {
    if (std::exchange(header, false) || util::trim(line).empty())
      continue;
    std::istringstream fields{std::string(line)};
    std::string name;
    fields >> name;
    out.push_back(name);
  }
  return out;
}

bool module_present(std::string_view name, const ProbeOutput& seen) {
  for (const auto& line : util::split(seen.proc_modules, '\n'))
    if (line.starts_with(name) && line.size() > name.size() && line[name.size()] == ' ')
      return true;
  const auto file = fmt::format("/{}.ko", name);
  for (const auto& raw : util::split(seen.modules_builtin, '\n')) {
    const auto line = util::trim(raw);
    if (line.ends_with(file) || line.ends_with(file + ".xz") || line.ends_with(file + ".zst"))
      return true;
  }
  return false;
}

Error problem(std::string_view host, std::string message, std::string hint) {
  return Error(Errc::failed, std::move(message))
      .with_host(std::string(host))
      .with_hint(std::move(hint));
}

std::optional<Error> check_sysctl(std::string_view host, const Sysctl& want,
                                  const ProbeOutput& seen) {
  const auto it = seen.sysctls.find(want.key);
  const auto fix = fmt::format("run `sysctl -w {}={}` and keep it in "
                               "/etc/sysctl.d/99-kubernetes.conf",
                               want.key, want.value);
  if (it == seen.sysctls.end())
    return problem(host, fmt::format("sysctl {} does not exist on this node", want.key),
                   want.key.starts_with("net.bridge.")
                       ? "load br_netfilter (`modprobe br_netfilter`), then " + fix
                       : fix);
  const auto value = std::string(util::trim(it->second));
  if (value == want.value)
    return std::nullopt;
  return problem(host,
                 fmt::format("sysctl {} is {}; the kubelet needs {}", want.key, util::quoted(value),
                             want.value),
                 fix);
}

} // namespace

Prerequisites kubelet_prerequisites(config::IpFamily family) {
  Prerequisites out;
  const bool v4 = family != config::IpFamily::ipv6;
  const bool v6 = family != config::IpFamily::ipv4;
  if (v4) {
    out.sysctls.push_back({"net.ipv4.ip_forward", "1"});
    out.sysctls.push_back({"net.bridge.bridge-nf-call-iptables", "1"});
  }
  if (v6) {
    out.sysctls.push_back({"net.ipv6.conf.all.forwarding", "1"});
    out.sysctls.push_back({"net.bridge.bridge-nf-call-ip6tables", "1"});
  }
  out.modules = {"overlay", "br_netfilter"};
  return out;
}

std::vector<Error> check_prerequisites(std::string_view host, const Prerequisites& wanted,
                                       const ProbeOutput& seen) {
  std::vector<Error> out;
  const auto swaps = active_swaps(seen.proc_swaps);
  if (wanted.swap_off && !swaps.empty())
    out.push_back(problem(host,
                          fmt::format("swap is on ({}); the kubelet does not start with swap",
                                      util::join(swaps, ", ")),
                          "run `swapoff -a` and remove or comment out the swap lines in "
                          "/etc/fstab"));
  for (const auto& module : wanted.modules)
    if (!module_present(module, seen))
      out.push_back(problem(host, fmt::format("kernel module {} is not loaded", module),
                            fmt::format("run `modprobe {}` and add it to "
                                        "/etc/modules-load.d/kubernetes.conf",
                                        module)));
  for (const auto& sysctl : wanted.sysctls)
    if (auto e = check_sysctl(host, sysctl, seen))
      out.push_back(std::move(*e));
  return out;
}

} // namespace acp::kubernetes
