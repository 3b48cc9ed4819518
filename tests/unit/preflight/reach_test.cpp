// Reachability preflight: which probes each node runs, the probe script run for real on
// loopback, parsing recorded output, and the problems reported per host.

#include "../plan/fixtures.hpp"
#include "acpctl/components/registry.hpp"
#include "acpctl/preflight/check.hpp"
#include "acpctl/preflight/reach.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/shell.hpp"

#include <arpa/inet.h>
#include <array>
#include <cstdio>
#include <doctest/doctest.h>
#include <filesystem>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace acp::preflight;
using fixtures::Role;

namespace {

std::string recorded(const std::string& name) {
  return acp::util::read_file(std::filesystem::path(ACPCTL_SOURCE_DIR) / "tests/data/reach" / name)
      .take();
}

std::string run(const std::vector<std::string>& argv) {
  const auto line = acp::util::shell_join(argv);
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(line.c_str(), "r"), pclose);
  REQUIRE(pipe);
  std::string out;
  std::array<char, 4096> buf{};
  while (const auto n = fread(buf.data(), 1, buf.size(), pipe.get()))
    out.append(buf.data(), n);
  return out;
}

// A TCP socket on 127.0.0.1 with an ephemeral port, listening or not (then connecting to its
// port is refused).
struct LoopbackSocket {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int port = 0;
  explicit LoopbackSocket(bool listening) {
    REQUIRE(fd >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port = ntohs(a.sin_port);
    if (listening)
      REQUIRE(::listen(fd, 4) == 0);
  }
  ~LoopbackSocket() { ::close(fd); }
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;
};

std::vector<std::string> texts(const std::vector<Probe>& probes) {
  std::vector<std::string> out;
  for (const auto& p : probes)
    out.push_back(p.target + " " + p.address + ":" + std::to_string(p.port) + " " + p.purpose);
  return out;
}

// The probes n1 ran in the lab (tests/data/reach/*.txt were recorded from them).
std::vector<Probe> lab_probes(const std::string& from) {
  std::vector<Probe> out;
  for (const auto* peer : {"n1", "n2", "n3"}) {
    if (from == peer)
      continue;
    const auto address = "10.88.0.1" + std::string(1, peer[1]);
    out.push_back({peer, address, 22, "ssh"});
    out.push_back({peer, address, 2380, "etcd peer"});
  }
  return out;
}

acp::config::Node lab_node(const std::string& name) {
  acp::config::Node n;
  n.name = name;
  n.address = "10.88.0.1" + name.substr(1);
  n.roles = {Role::control_plane, Role::etcd};
  return n;
}

} // namespace

TEST_SUITE("preflight::reach") {
  TEST_CASE("each node probes every peer's SSH port, and etcd nodes the etcd peers") {
    auto cluster = fixtures::example_cluster();
    auto worker = cluster.nodes[0];
    worker.name = "w-1";
    worker.address = "192.168.10.21";
    worker.roles = {Role::worker};
    worker.port = 2222;
    cluster.nodes.push_back(worker);
    CHECK(texts(reach_probes(cluster, cluster.nodes[0],
                             acp::components::registry().port_claims(cluster))) ==
          std::vector<std::string>{"cp-2 192.168.10.12:22 ssh", "cp-2 192.168.10.12:2380 etcd peer",
                                   "cp-3 192.168.10.13:22 ssh", "cp-3 192.168.10.13:2380 etcd peer",
                                   "w-1 192.168.10.21:2222 ssh"});
    // A worker needs no etcd peer port.
    CHECK(texts(reach_probes(cluster, cluster.nodes[3],
                             acp::components::registry().port_claims(cluster))) ==
          std::vector<std::string>{"cp-1 192.168.10.11:22 ssh", "cp-2 192.168.10.12:22 ssh",
                                   "cp-3 192.168.10.13:22 ssh"});
  }

  TEST_CASE(
      "the command passes the limit and address/port pairs as arguments, never in the script") {
    const std::vector<Probe> probes{{"n2", "10.88.0.12", 22, "ssh"},
                                    {"n2", "10.88.0.12", 2380, "etcd peer"}};
    const auto argv = reach_command(probes, 3);
    CHECK(argv == std::vector<std::string>{"bash", "-c", std::string(k_reach_script), "bash", "3",
                                           "10.88.0.12", "22", "10.88.0.12", "2380"});
    CHECK(k_reach_script.find("10.88") == std::string_view::npos);
  }

  TEST_CASE("the script run for real tells open from refused on loopback") {
    LoopbackSocket listening(true);
    LoopbackSocket closed(false);
    const std::vector<Probe> probes{{"a", "127.0.0.1", listening.port, "ssh"},
                                    {"b", "127.0.0.1", closed.port, "ssh"}};
    const auto results = parse_reach(run(reach_command(probes, 2)), probes);
    REQUIRE(results.size() == 2);
    CHECK(results[0].reach == Reach::open);
    CHECK(results[1].reach == Reach::refused);
    CHECK(results[1].detail == "Connection refused");
  }

  TEST_CASE("recorded lab output: a route cut on n1 fails at once there and times out on n2") {
    // n1 has `ip route add unreachable 10.88.0.12/32`: its connects fail at once; n2's SYNs
    // reach n1 but the answers are dropped, so n2's probes of n1 get no answer in time.
    const auto n1 = parse_reach(recorded("n1-route-cut.txt"), lab_probes("n1"));
    REQUIRE(n1.size() == 4);
    for (int i = 0; i < 2; ++i) {
      CHECK(n1[i].reach == Reach::blocked);
      CHECK(n1[i].detail == "No route to host");
    }
    CHECK(n1[2].reach == Reach::open);    // n3:22, sshd listens
    CHECK(n1[3].reach == Reach::refused); // n3:2380, nothing listens: reachable
    const auto n2 = parse_reach(recorded("n2-route-cut.txt"), lab_probes("n2"));
    REQUIRE(n2.size() == 4);
    for (int i = 0; i < 2; ++i)
      CHECK(n2[i].reach == Reach::no_answer);
    CHECK(n2[2].reach == Reach::open);
    CHECK(n2[3].reach == Reach::refused);
  }

  TEST_CASE("output without its end line is not trusted") {
    CHECK(parse_reach("@@reach 0 open\n", {{"n2", "10.88.0.12", 22, "ssh"}}).empty());
  }

  TEST_CASE("one problem per unreachable peer names it, its address, the ports and why") {
    const auto n1 = parse_reach(recorded("n1-route-cut.txt"), lab_probes("n1"));
    std::vector<Problem> problems;
    check_reach(lab_node("n1"), n1, 3, problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].check == "reach");
    CHECK(problems[0].message ==
          "cannot reach n2 (10.88.0.12) on TCP 22 (ssh), 2380 (etcd peer): No route to host");
    CHECK(problems[0].hint.find("allow TCP 22,2380 from n1 (10.88.0.11) to n2") !=
          std::string::npos);
    CHECK(problems[0].hint.find("ip route get 10.88.0.12") != std::string::npos);

    const auto n2 = parse_reach(recorded("n2-route-cut.txt"), lab_probes("n2"));
    problems.clear();
    check_reach(lab_node("n2"), n2, 3, problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message.find("cannot reach n1 (10.88.0.11) on TCP 22 (ssh)") == 0);
    CHECK(problems[0].message.find("no answer within 3 s") != std::string::npos);
  }

  TEST_CASE("preflight reports reachability with the other checks, per host") {
    const auto cluster = fixtures::example_cluster();
    auto facts = fixtures::fresh_facts(cluster);
    std::vector<PortClaim> claims;
    for (const auto& c : fixtures::package())
      claims.push_back({c.roles, c.ports});
    ReachResults reach;
    for (const auto& node : cluster.nodes) {
      auto& results = reach[node.name];
      for (const auto& p :
           reach_probes(cluster, node, acp::components::registry().port_claims(cluster)))
        results.push_back({p, Reach::refused, "Connection refused"});
    }
    for (auto& r : reach["cp-3"])
      if (r.probe.target == "cp-1" && r.probe.port == 2380)
        r = {r.probe, Reach::blocked, "Permission denied"};
    Requirements req{"amd64", 0, "/opt/acp", 2.0, claims};
    req.reach = &reach;
    const auto reports = check(cluster, facts, req);
    CHECK(reports[0].ok());
    CHECK(reports[1].ok());
    REQUIRE(reports[2].problems.size() == 1);
    CHECK(reports[2].problems[0].message ==
          "cannot reach cp-1 (192.168.10.11) on TCP 2380 (etcd peer): Permission denied");
  }
}
