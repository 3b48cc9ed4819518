#include "acpctl/util/ipaddr.hpp"

#include <doctest/doctest.h>

using namespace acp::util;

TEST_SUITE("util::ipaddr") {
  TEST_CASE("parses IPv4 and IPv6 and rejects the rest") {
    CHECK(IpAddress::parse("10.88.0.11"));
    CHECK(IpAddress::parse("fd00::1")->v6);
    CHECK_FALSE(IpAddress::parse("10.88.0.256"));
    CHECK_FALSE(IpAddress::parse("node-1"));
    CHECK_FALSE(IpAddress::parse(""));
  }

  TEST_CASE("CIDR containment and overlap") {
    const auto net = *Cidr::parse("10.88.0.0/24");
    CHECK(net.contains(*IpAddress::parse("10.88.0.100")));
    CHECK_FALSE(net.contains(*IpAddress::parse("10.88.1.1")));
    CHECK(Cidr::parse("10.0.0.0/8")->overlaps(net));
    CHECK_FALSE(Cidr::parse("10.89.0.0/16")->overlaps(net));
    CHECK_FALSE(Cidr::parse("fd00::/8")->overlaps(net));
  }

  TEST_CASE("host bits and canonical form") {
    const auto c = *Cidr::parse("10.3.1.0/16");
    CHECK(c.has_host_bits());
    CHECK(c.canonical().to_string() == "10.3.0.0/16");
    CHECK_FALSE(Cidr::parse("10.3.0.0/16")->has_host_bits());
  }

  TEST_CASE("malformed CIDRs are rejected") {
    CHECK_FALSE(Cidr::parse("10.0.0.0"));
    CHECK_FALSE(Cidr::parse("10.0.0.0/33"));
    CHECK_FALSE(Cidr::parse("10.0.0.0/x"));
    CHECK_FALSE(Cidr::parse("10.0.0.0/"));
    CHECK(Cidr::parse("fd00::/129") == std::nullopt);
  }
}
