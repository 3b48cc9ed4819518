#include "acpctl/facts/host_facts.hpp"

#include "acpctl/util/ipaddr.hpp"

#include <algorithm>

namespace acp::facts {

bool HostFacts::port_in_use(int port) const {
  return std::any_of(listening.begin(), listening.end(),
                     [port](const ListeningPort& p) { return p.port == port; });
}

bool HostFacts::has_address(std::string_view address) const {
  // Compare parsed addresses so "fd00::2" matches "fd00:0:0::2".
  const auto wanted = util::IpAddress::parse(address);
  for (const auto& itf : interfaces)
    for (const auto& a : itf.addresses) {
      if (a == address)
        return true;
      if (const auto ip = util::IpAddress::parse(a); ip && wanted && *ip == *wanted)
        return true;
    }
  return false;
}

std::optional<std::uint64_t> HostFacts::free_bytes_at(std::string_view path) const {
  std::optional<std::uint64_t> best;
  std::size_t best_len = 0;
  for (const auto& [probed, free] : disk_free_bytes) {
    const bool covers = path == probed || (path.starts_with(probed) && probed.size() > 0 &&
                                           (probed.back() == '/' || path[probed.size()] == '/'));
    if (covers && probed.size() >= best_len) {
      best = free;
      best_len = probed.size();
    }
  }
  return best;
}

std::string normalise_arch(std::string_view machine) {
  if (machine == "x86_64" || machine == "amd64")
    return "amd64";
  if (machine == "aarch64" || machine == "arm64")
    return "arm64";
  return std::string(machine);
}

double clock_offset(double remote_epoch, double local_before, double local_after) {
  return remote_epoch - (local_before + local_after) / 2;
}

} // namespace acp::facts
