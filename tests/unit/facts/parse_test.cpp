#include "acpctl/facts/gather.hpp"
#include "acpctl/util/fs.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <filesystem>

using namespace acp::facts;

namespace {

std::string recorded(const std::string& name) {
  return acp::util::read_file(std::filesystem::path(ACPCTL_SOURCE_DIR) / "tests/data/facts" / name)
      .take();
}

HostFacts parsed(const std::string& name) {
  auto r = parse_facts(recorded(name), "n1");
  if (!r)
    FAIL(r.error().describe());
  return *r;
}

std::vector<std::string> addresses_of(const HostFacts& f, const std::string& itf) {
  for (const auto& i : f.interfaces)
    if (i.name == itf)
      return i.addresses;
  return {};
}

} // namespace

TEST_SUITE("facts::parse") {
  TEST_CASE("a Debian 12 amd64 machine's real output") {
    const auto f = parsed("debian12-amd64.txt");
    CHECK(f.hostname == "vm");
    CHECK(f.os_id == "debian");
    CHECK(f.os_version == "12");
    CHECK(f.arch == "amd64");
    CHECK(f.kernel == "6.18.44-fc-v782");
    CHECK(f.cpus == 2);
    CHECK(f.memory_bytes == 24683656ull * 1024);
    CHECK(f.disk_free_bytes.size() == 4);
    CHECK(f.free_bytes_at("/opt/acp/components/etcd") == f.disk_free_bytes.at("/opt/acp"));
    CHECK(f.remote_epoch > 1.7e9);
    CHECK(f.remote_epoch != doctest::Approx(std::floor(f.remote_epoch)).epsilon(1e-12));
    CHECK(f.port_in_use(2222)); // 127.0.0.1:2222 and friends
    CHECK(f.port_in_use(2024)); // 0.0.0.0:2024
    CHECK_FALSE(f.port_in_use(6443));
    CHECK(addresses_of(f, "eth0") ==
          std::vector<std::string>{"192.0.2.2", "fd00::2", "fe80::fc:ff:fe00:1"});
    CHECK(f.has_address("192.0.2.2"));
    CHECK(f.has_address("fd00:0:0::2"));
    CHECK_FALSE(f.has_address("192.0.2.3"));
    CHECK(f.service_manager == ServiceManagerKind::unknown);
    CHECK_FALSE(f.state_json.has_value());
    CHECK(f.state.serial == 0);
  }

  TEST_CASE("a lab host with runit services and a state.json") {
    const auto f = parsed("lab-runit-amd64.txt");
    CHECK(f.hostname == "n1");
    CHECK(f.service_manager == ServiceManagerKind::runit);
    CHECK(f.services == std::map<std::string, bool>{{"etcd", true}, {"keepalived", false}});
    CHECK(addresses_of(f, "eth0") == std::vector<std::string>{"10.88.0.11"});
    REQUIRE(f.listening.size() == 1);
    CHECK(f.listening[0].port == 2379);
    CHECK(f.listening[0].address == "10.88.0.11");
    CHECK(f.disk_free_bytes.at("/var/lib/acp") == 12341824ull * 1024);
    REQUIRE(f.state_json.has_value());
    CHECK(f.state.serial == 3);
    REQUIRE(f.state.find("etcd") != nullptr);
    CHECK(f.state.find("etcd")->version == "3.5.16");
    CHECK(f.state.find("etcd")->ports == std::vector<int>{2379, 2380});
  }

  TEST_CASE("an arm64 systemd host whose date has no %N") {
    const auto f = parsed("arm64-systemd-edited.txt");
    CHECK(f.arch == "arm64");
    CHECK(f.kernel == "6.1.0-27-arm64");
    CHECK(f.cpus == 8);
    CHECK(f.service_manager == ServiceManagerKind::systemd);
    CHECK(f.services == std::map<std::string, bool>{{"etcd", true}, {"kubelet", false}});
    CHECK(f.remote_epoch == std::floor(f.remote_epoch));
    CHECK(f.remote_epoch > 1.7e9);
  }

  TEST_CASE("a host without `ip` still reports its addresses from /proc") {
    const auto f = parsed("debian12-noip-amd64.txt");
    CHECK(f.has_address("127.0.0.1"));
    CHECK(f.has_address("192.0.2.2"));
    CHECK(f.has_address("fd00::2"));
    CHECK(addresses_of(f, "eth0").size() == 2); // the IPv6 ones, named by if_inet6
  }

  TEST_CASE("cut-short output is an error naming the host") {
    auto text = recorded("debian12-amd64.txt");
    text.resize(text.find("@@acp-facts tcp"));
    const auto r = parse_facts(text, "cp-3");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().host() == "cp-3");
    CHECK(r.error().message().find("incomplete") != std::string::npos);
    CHECK_FALSE(parse_facts("Welcome to host!\n", "cp-3").ok());
  }

  TEST_CASE("a corrupt state.json fails facts naming the host and the file") {
    auto text = recorded("lab-runit-amd64.txt");
    text.replace(text.find("\"serial\": 3"), 11, "\"serial\": ");
    const auto r = parse_facts(text, "cp-1");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().host() == "cp-1");
    CHECK(r.error().message().find("/var/lib/acp/state.json") != std::string::npos);
  }

  TEST_CASE("a state.json without a final newline keeps its exact bytes") {
    std::string text = "@@acp-facts begin 1\n@@acp-facts state present\n{\"schema\": 1, "
                       "\"serial\": 2, \"components\": {}}\n@@acp-facts end\n";
    const auto f = parse_facts(text, "n1");
    REQUIRE(f.ok());
    CHECK(*f->state_json == "{\"schema\": 1, \"serial\": 2, \"components\": {}}");
    CHECK(f->state.serial == 2);
  }

  TEST_CASE("arch names are normalised") {
    CHECK(normalise_arch("x86_64") == "amd64");
    CHECK(normalise_arch("aarch64") == "arm64");
    CHECK(normalise_arch("riscv64") == "riscv64");
  }

  TEST_CASE("clock offset is measured against the middle of the local call") {
    CHECK(clock_offset(1000.5, 1000.0, 1001.0) == doctest::Approx(0.0));
    CHECK(clock_offset(1003.0, 1000.0, 1000.2) == doctest::Approx(2.9));
    CHECK(clock_offset(990.0, 1000.0, 1000.0) == doctest::Approx(-10.0));
  }
}
