#include "acpctl/components/kubernetes/prereqs.hpp"

#include <doctest/doctest.h>

using namespace acp::kubernetes;

namespace {

// /proc/swaps and /proc/modules as a Debian 12 host prints them.
constexpr const char* k_no_swap = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";
constexpr const char* k_swap = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
                               "/dev/sda2                               partition\t2097148\t\t0"
                               "\t\t-2\n";
constexpr const char* k_modules = "br_netfilter 32768 0 - Live 0x0000000000000000\n"
                                  "bridge 311296 1 br_netfilter, Live 0x0000000000000000\n"
                                  "overlay 163840 0 - Live 0x0000000000000000\n";

ProbeOutput healthy() {
  ProbeOutput p;
  p.proc_swaps = k_no_swap;
  p.proc_modules = k_modules;
  p.sysctls = {{"net.ipv4.ip_forward", "1\n"},
               {"net.bridge.bridge-nf-call-iptables", "1\n"},
               {"net.ipv6.conf.all.forwarding", "1\n"},
               {"net.bridge.bridge-nf-call-ip6tables", "1\n"}};
  return p;
}

bool has_key(const Prerequisites& p, const std::string& key) {
  for (const auto& s : p.sysctls)
    if (s.key == key && s.value == "1")
      return true;
  return false;
}

} // namespace

TEST_SUITE("kubernetes::prerequisites") {
  TEST_CASE("what the kubelet needs, per IP family") {
    const auto v4 = kubelet_prerequisites(acp::config::IpFamily::ipv4);
    CHECK(has_key(v4, "net.ipv4.ip_forward"));
    CHECK(has_key(v4, "net.bridge.bridge-nf-call-iptables"));
    CHECK_FALSE(has_key(v4, "net.ipv6.conf.all.forwarding"));
    CHECK(v4.modules == std::vector<std::string>{"overlay", "br_netfilter"});
    CHECK(v4.swap_off);
    const auto v6 = kubelet_prerequisites(acp::config::IpFamily::ipv6);
    CHECK(has_key(v6, "net.ipv6.conf.all.forwarding"));
    CHECK(has_key(v6, "net.bridge.bridge-nf-call-ip6tables"));
    CHECK_FALSE(has_key(v6, "net.ipv4.ip_forward"));
    CHECK(kubelet_prerequisites(acp::config::IpFamily::dual).sysctls.size() == 4);
  }

  TEST_CASE("a prepared node passes") {
    const auto want = kubelet_prerequisites(acp::config::IpFamily::dual);
    CHECK(check_prerequisites("cp-1", want, healthy()).empty());
  }

  TEST_CASE("swap on: named with the device, and how to turn it off") {
    auto seen = healthy();
    seen.proc_swaps = k_swap;
    const auto errors =
        check_prerequisites("cp-1", kubelet_prerequisites(acp::config::IpFamily::ipv4), seen);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].host() == "cp-1");
    CHECK(errors[0].message().find("/dev/sda2") != std::string::npos);
    CHECK(errors[0].hint().find("swapoff -a") != std::string::npos);
    CHECK(errors[0].hint().find("/etc/fstab") != std::string::npos);
  }

  TEST_CASE("a missing module; a built-in one counts as present") {
    auto seen = healthy();
    seen.proc_modules = "bridge 311296 0 - Live 0x0000000000000000\n";
    seen.modules_builtin = "kernel/fs/overlayfs/overlay.ko\n";
    const auto errors =
        check_prerequisites("w-1", kubelet_prerequisites(acp::config::IpFamily::ipv4), seen);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].host() == "w-1");
    CHECK(errors[0].message() == "kernel module br_netfilter is not loaded");
    CHECK(errors[0].hint().find("modprobe br_netfilter") != std::string::npos);
    CHECK(errors[0].hint().find("/etc/modules-load.d/") != std::string::npos);
  }

  TEST_CASE("a module name is matched whole, not as a prefix") {
    auto seen = healthy();
    seen.proc_modules = "br_netfilter_x 1 0 - Live 0x0\noverlayfs 1 0 - Live 0x0\n";
    CHECK(
        check_prerequisites("n", kubelet_prerequisites(acp::config::IpFamily::ipv4), seen).size() ==
        2);
  }

  TEST_CASE("a wrong or absent sysctl says what to set") {
    auto seen = healthy();
    seen.sysctls["net.ipv4.ip_forward"] = "0\n";
    seen.sysctls.erase("net.bridge.bridge-nf-call-iptables");
    const auto errors =
        check_prerequisites("cp-2", kubelet_prerequisites(acp::config::IpFamily::ipv4), seen);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].message() == "sysctl net.ipv4.ip_forward is \"0\"; the kubelet needs 1");
    CHECK(errors[0].hint().find("sysctl -w net.ipv4.ip_forward=1") != std::string::npos);
    CHECK(errors[0].hint().find("/etc/sysctl.d/") != std::string::npos);
    CHECK(errors[1].message().find("does not exist") != std::string::npos);
    CHECK(errors[1].hint().find("modprobe br_netfilter") != std::string::npos);
    for (const auto& e : errors)
      CHECK(e.host() == "cp-2");
  }

  TEST_CASE("swap may be allowed by the caller") {
    auto want = kubelet_prerequisites(acp::config::IpFamily::ipv4);
    want.swap_off = false;
    auto seen = healthy();
    seen.proc_swaps = k_swap;
    CHECK(check_prerequisites("n", want, seen).empty());
  }
}
