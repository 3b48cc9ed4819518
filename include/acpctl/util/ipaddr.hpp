#pragma once
// IP addresses and CIDR blocks, IPv4 and IPv6, for config validation and the lab.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace acp::util {

/// An IPv4 or IPv6 address. IPv4 uses the first 4 bytes.
struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};

  /// Parses dotted IPv4 or textual IPv6; nullopt if it is neither.
  static std::optional<IpAddress> parse(std::string_view text);
  int bit_count() const { return v6 ? 128 : 32; }
  std::string to_string() const;
  bool operator==(const IpAddress&) const = default;
};

/// An address block "a.b.c.d/n" or "x::/n".
struct Cidr {
  IpAddress network;
  int prefix = 0;

  /// Parses "addr/prefix"; nullopt if malformed or the prefix is out of range.
  static std::optional<Cidr> parse(std::string_view text);
  /// The block with host bits cleared.
  Cidr canonical() const;
  bool has_host_bits() const { return !(canonical().network == network); }
  bool contains(const IpAddress& ip) const;
  bool overlaps(const Cidr& other) const;
  std::string to_string() const;
};

/// "host:port", with an IPv6 address in brackets ("[fd00::1]:6443").
std::string host_port(std::string_view host, int port);

} // namespace acp::util
