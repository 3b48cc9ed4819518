#pragma once
// What acpctl knows about one host before it plans: read-only facts gathered in one SSH
// round trip (see facts/gather.hpp), including what acpctl installed there before.

#include "acpctl/service/kind.hpp"
#include "acpctl/state/node_state.hpp"

#include <any>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace acp::facts {

/// Which supervisor runs services on the host (service::ManagerKind).
using ServiceManagerKind = service::ManagerKind;

/// One network interface and its addresses (without prefix length).
struct Interface {
  std::string name;
  std::vector<std::string> addresses;
};

/// One TCP socket in LISTEN state.
struct ListeningPort {
  int port = 0;
  std::string address; ///< local address, "0.0.0.0" / "::" for any
  bool operator<(const ListeningPort& o) const {
    return port != o.port ? port < o.port : address < o.address;
  }
};

struct HostFacts {
  std::string hostname;
  std::string os_id;      ///< ID from os-release ("debian")
  std::string os_version; ///< VERSION_ID ("12")
  std::string arch;       ///< normalised: amd64, arm64, or the raw `uname -m` if neither
  std::string kernel;
  int cpus = 0;
  std::uint64_t memory_bytes = 0;
  /// Free bytes per probed path (/opt/acp, /var/lib/acp, /var/lib/etcd, /tmp); a missing
  /// path is measured on its nearest existing parent.
  std::map<std::string, std::uint64_t> disk_free_bytes;
  double remote_epoch = 0;         ///< the host's clock at gathering, seconds since 1970
  double clock_offset_seconds = 0; ///< remote minus local; set by the gatherer (clock_offset)
  std::vector<ListeningPort> listening;
  std::vector<Interface> interfaces;
  ServiceManagerKind service_manager = ServiceManagerKind::unknown;
  /// acpctl's services on the host, by name without the "acp-" prefix: true when running.
  std::map<std::string, bool> services;
  std::optional<std::string> state_json; ///< state.json's raw text; nullopt: absent
  state::NodeState state;                ///< parsed state.json; empty (serial 0) if absent
  /// Each component's facts (facts/probe.hpp), by component name; absent when the host
  /// printed none of its sections.
  std::map<std::string, std::any> components;

  /// The facts of component `name` as `T`; null when absent (or of another type).
  template <class T> const T* component(const std::string& name) const {
    const auto it = components.find(name);
    return it == components.end() ? nullptr : std::any_cast<T>(&it->second);
  }

  /// True if some socket listens on `port`.
  bool port_in_use(int port) const;
  /// True if `address` is on one of the interfaces (textual IPv4/IPv6 comparison).
  bool has_address(std::string_view address) const;
  /// Free bytes at `path` or, if it was not probed, at its longest probed prefix; nullopt if
  /// nothing covers it.
  std::optional<std::uint64_t> free_bytes_at(std::string_view path) const;
};

/// "x86_64" -> "amd64", "aarch64"/"arm64" -> "arm64"; anything else unchanged.
std::string normalise_arch(std::string_view uname_machine);

/// Offset of a remote clock reading against the local clock read just before and after the
/// call (midpoint), in seconds; positive when the host is ahead.
double clock_offset(double remote_epoch, double local_before, double local_after);

} // namespace acp::facts
