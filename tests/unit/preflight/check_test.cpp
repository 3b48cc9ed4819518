#include "../plan/fixtures.hpp"
#include "acpctl/components/registry.hpp"
#include "acpctl/preflight/check.hpp"

#include <doctest/doctest.h>

using namespace acp::preflight;
using fixtures::Role;

namespace {

std::vector<std::string> checks_of(const HostReport& r) {
  std::vector<std::string> out;
  for (const auto& p : r.problems)
    out.push_back(p.check);
  return out;
}

std::vector<PortClaim> claims_of(const std::vector<acp::plan::DesiredComponent>& pkg) {
  std::vector<PortClaim> out;
  for (const auto& c : pkg)
    out.push_back({c.roles, c.ports});
  return out;
}

struct Setup {
  acp::config::Cluster cluster = fixtures::example_cluster();
  std::vector<acp::plan::DesiredComponent> pkg = fixtures::package();
  std::map<std::string, acp::facts::HostFacts> facts = fixtures::fresh_facts(cluster);
  std::vector<PortClaim> claims;
  Requirements req{"amd64", 10ull << 30, "/opt/acp", 2.0, {}};

  std::vector<HostReport> run() {
    claims = acp::components::registry().port_claims(cluster);
    for (auto& c : claims_of(pkg))
      claims.push_back(std::move(c));
    req.claims = claims;
    return check(cluster, facts, req);
  }
};

} // namespace

TEST_SUITE("preflight::check") {
  TEST_CASE("fresh, healthy hosts pass") {
    Setup s;
    const auto reports = s.run();
    REQUIRE(reports.size() == 3);
    CHECK(passed(reports));
    CHECK(reports[1].host == "cp-2");
  }

  TEST_CASE("every problem of a host is reported at once, per host") {
    Setup s;
    auto& bad = s.facts["cp-2"];
    bad.arch = "arm64";
    bad.listening = {{6443, "0.0.0.0"}, {2380, "::"}, {22, "0.0.0.0"}};
    bad.disk_free_bytes["/opt/acp"] = 1ull << 30;
    bad.clock_offset_seconds = -3.5;
    bad.interfaces = {{"eth0", {"192.168.10.99"}}};
    bad.service_manager = acp::facts::ServiceManagerKind::unknown;
    const auto reports = s.run();
    CHECK(reports[0].ok());
    CHECK(reports[2].ok());
    CHECK(checks_of(reports[1]) ==
          std::vector<std::string>{"arch", "port", "disk", "clock", "address", "services"});
    const auto& p = reports[1].problems;
    CHECK(p[0].message == "the host is arm64 but the package is for amd64");
    CHECK(p[1].message == "TCP ports 2380, 6443 in use");
    CHECK(p[2].message == "1.0 GiB free at /opt/acp, the package needs 10.0 GiB");
    CHECK(p[3].message.find("-3.5 s") != std::string::npos);
    CHECK(p[4].message.find("192.168.10.12") != std::string::npos);
    for (const auto& problem : p)
      CHECK_FALSE(problem.hint.empty());
  }

  TEST_CASE("a component's declared port is required on the nodes it goes to") {
    Setup s;
    s.pkg.push_back({"registry", "2.8", "sha256:r", {Role::control_plane}, std::nullopt, {11443}});
    s.facts["cp-1"].listening = {{11443, "0.0.0.0"}};
    const auto reports = s.run();
    REQUIRE(reports[0].problems.size() == 1);
    CHECK(reports[0].problems[0].message == "TCP port 11443 in use");
  }

  TEST_CASE("ports held by services acpctl installed are not conflicts on re-apply") {
    Setup s;
    s.facts = fixtures::converged_facts(s.cluster, s.pkg);
    REQUIRE(s.facts["cp-1"].port_in_use(2379));
    REQUIRE(s.facts["cp-1"].port_in_use(6443));
    CHECK(passed(s.run()));
  }

  TEST_CASE("etcd's ports held by acp-etcd without a record (a stopped bootstrap) are ours") {
    Setup s;
    s.facts["cp-1"].listening = {{2379, "0.0.0.0"}, {2380, "192.168.10.11"}};
    REQUIRE(s.run()[0].problems.size() == 1); // something else holds them: a conflict
    s.facts["cp-1"].services["etcd"] = true;  // acp-etcd is installed here
    CHECK(s.run()[0].ok());
  }

  TEST_CASE("duplicate hostnames are reported on each node that has them") {
    Setup s;
    s.facts["cp-1"].hostname = "localhost";
    s.facts["cp-3"].hostname = "localhost";
    const auto reports = s.run();
    CHECK(checks_of(reports[0]) == std::vector<std::string>{"hostname"});
    CHECK(reports[0].problems[0].message == "hostname 'localhost' is also the hostname of cp-3");
    CHECK(reports[1].ok());
    CHECK(reports[2].problems[0].message == "hostname 'localhost' is also the hostname of cp-1");
  }

  TEST_CASE("a node without facts is reported, the others still checked") {
    Setup s;
    s.facts.erase("cp-3");
    s.facts["cp-1"].clock_offset_seconds = 2.5;
    const auto reports = s.run();
    CHECK(checks_of(reports[0]) == std::vector<std::string>{"clock"});
    CHECK(checks_of(reports[2]) == std::vector<std::string>{"facts"});
  }

  TEST_CASE("control-plane and etcd nodes need the Kubernetes and etcd ports") {
    Setup s;
    const auto ports = required_ports(s.cluster, s.cluster.nodes[0],
                                      acp::components::registry().port_claims(s.cluster));
    // the kubernetes component adds the kubelet's healthz and the control plane's 10257, 10259;
    // the registry its pull port
    CHECK(ports == std::vector<int>{2379, 2380, 6443, 10248, 10249, 10250, 10251, 10252, 10253,
                                    10254, 10255, 10256, 10257, 10259, 11443, 11444});
    auto worker = s.cluster.nodes[0];
    worker.roles = {Role::worker};
    CHECK(required_ports(s.cluster, worker, claims_of(s.pkg)).front() == 10249);
  }
}

TEST_SUITE("preflight::report") {
  TEST_CASE("problems are printed per host with what to do, and as JSON") {
    Setup s;
    s.facts["cp-3"].clock_offset_seconds = 5;
    const auto reports = s.run();
    const auto text = render_text(reports);
    CHECK(text.starts_with("cp-3:\n  - the clock is +5.0 s off"));
    CHECK(text.find("    what to do: sync the clocks") != std::string::npos);
    CHECK(text.find("cp-1") == std::string::npos);
    const auto doc = to_json(reports);
    CHECK(doc["passed"] == false);
    CHECK(doc["hosts"].size() == 3);
    CHECK(doc["hosts"][2]["problems"][0]["check"] == "clock");
    CHECK(render_text(Setup{}.run()).empty());
  }
}
