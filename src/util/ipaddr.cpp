#include "acpctl/util/ipaddr.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <charconv>
#include <fmt/format.h>

namespace acp::util {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  const std::string s(text);
  IpAddress ip;
  if (s.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1)
      return ip;
    return std::nullopt;
  }
  ip.v6 = true;
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1)
    return ip;
  return std::nullopt;
}

std::string IpAddress::to_string() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buffer, sizeof buffer);
  return buffer;
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos)
    return std::nullopt;
  auto ip = IpAddress::parse(text.substr(0, slash));
  if (!ip)
    return std::nullopt;
  const auto digits = text.substr(slash + 1);
  int prefix = -1;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
  if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty() || prefix < 0 ||
      prefix > ip->bit_count())
    return std::nullopt;
  return Cidr{*ip, prefix};
}

namespace {
// Keeps the first `bits` bits of the address, zeroes the rest.
IpAddress masked(IpAddress ip, int bits) {
  for (int i = 0; i < 16; ++i) {
    const int keep = std::clamp(bits - i * 8, 0, 8);
    const auto mask = static_cast<std::uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
    ip.bytes[static_cast<std::size_t>(i)] &= mask;
  }
  return ip;
}
} // namespace

Cidr Cidr::canonical() const {
  return Cidr{masked(network, prefix), prefix};
}

bool Cidr::contains(const IpAddress& ip) const {
  return ip.v6 == network.v6 && masked(ip, prefix) == masked(network, prefix);
}

bool Cidr::overlaps(const Cidr& other) const {
  if (other.network.v6 != network.v6)
    return false;
  const int shorter = std::min(prefix, other.prefix);
  return masked(network, shorter) == masked(other.network, shorter);
}

std::string Cidr::to_string() const {
  return fmt::format("{}/{}", network.to_string(), prefix);
}

std::string host_port(std::string_view host, int port) {
  const auto ip = IpAddress::parse(host);
  return ip && ip->v6 ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

} // namespace acp::util
