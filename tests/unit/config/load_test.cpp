#include "acpctl/config/load.hpp"
#include "acpctl/util/fs.hpp"
#include "edited.hpp"

#include <doctest/doctest.h>
#include <string>
#include <sys/stat.h>

using namespace acp::config;

namespace {
using test::edited;

std::string problems_of(const LoadResult& r) {
  std::string out;
  for (const auto& p : r.problems)
    out += p.describe() + "\n";
  return out;
}
} // namespace

TEST_SUITE("config::load") {
  TEST_CASE("the init example is valid and fully read") {
    const auto r = load_text(example_config(), "cluster.yaml");
    INFO(problems_of(r));
    REQUIRE(r.ok());
    const auto& c = *r.cluster;
    CHECK(c.name == "global");
    CHECK(c.type == ClusterType::global);
    CHECK(c.nodes.size() == 3);
    CHECK(c.nodes_with(Role::etcd).size() == 3);
    CHECK(c.endpoint.self_built_vip->vrid == 51);
    CHECK(c.registry->password.from_env == "ACP_REGISTRY_PASSWORD");
    CHECK(c.etcd_backup->ttl == "7d");
  }

  TEST_CASE("node SSH settings default from spec.ssh") {
    const auto r = load_text(
        edited("    user: root\n    port: 22\n", "    user: ops\n    port: 2222\n"), "c.yaml");
    INFO(problems_of(r));
    REQUIRE(r.ok());
    for (const auto& n : r.cluster->nodes) {
      CHECK(n.port == 2222);
      CHECK(n.user == "ops");
      CHECK(n.sudo.enabled); // a non-root login implies sudo
    }
  }

  TEST_CASE("positions are 1-based and point at the value") {
    const auto r = load_text(edited("address: 192.168.10.12", "address: 192.168.10.999"), "c.yaml");
    REQUIRE(r.problems.size() == 1);
    const auto& p = r.problems[0];
    CHECK(p.path == "spec.nodes[1].address");
    CHECK(p.where.file == "c.yaml");
    CHECK(p.where.line == 37);
    CHECK(p.where.column == 16);
  }

  TEST_CASE("every problem is reported at once, in file order") {
    auto text = edited("vrid: 51", "vrid: 300");
    text.replace(text.find("podCIDR: 10.3.0.0/16"), 20, "podCIDR: 10.3.0.0/99");
    text.replace(text.find("address: 192.168.10.13"), 8, "adress: ");
    const auto r = load_text(text, "c.yaml");
    REQUIRE(r.problems.size() == 3);
    CHECK(r.problems[0].message == "podCIDR \"10.3.0.0/99\" is not a CIDR");
    CHECK(r.problems[1].path == "spec.controlPlaneEndpoint.selfBuiltVIP.vrid");
    CHECK(r.problems[2].message == "unknown key \"adress\" in spec.nodes[2]");
    CHECK(r.problems[2].hint == "did you mean \"address\"?");
  }

  TEST_CASE("an inline secret is refused without echoing it") {
    const auto r = load_text(
        edited("password: {fromEnv: ACP_REGISTRY_PASSWORD}", "password: hunter2-secret"), "c.yaml");
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].message.find("secret written inline") != std::string::npos);
    CHECK(problems_of(r).find("hunter2") == std::string::npos);
  }

  TEST_CASE("2 or 4 etcd members are refused with the reason") {
    const auto r = load_text(edited("      roles: [control-plane, etcd]\n    - name: cp-3",
                                    "      roles: [control-plane]\n    - name: cp-3"),
                             "c.yaml");
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].message == "2 nodes have the etcd role; it must be 1, 3 or 5");
    CHECK(r.problems[0].hint.find("tolerate") != std::string::npos);
  }

  TEST_CASE("not YAML, empty, binary, a list: one clear problem each") {
    CHECK(load_text("", "e.yaml").problems.at(0).message == "e.yaml is empty");
    CHECK(load_text("# only a comment\n", "e.yaml").problems.at(0).message == "e.yaml is empty");
    CHECK(load_text(std::string("\x7f"
                                "ELF\0\0\x01",
                                7),
                    "b")
              .problems.at(0)
              .message == "b is a binary file, not YAML");
    const auto list = load_text("- a\n- b\n", "l.yaml");
    REQUIRE(list.problems.size() == 1);
    CHECK(list.problems[0].message.find("not a cluster config") != std::string::npos);
    const auto broken = load_text("spec: [\n", "x.yaml");
    REQUIRE(broken.problems.size() == 1);
    CHECK(broken.problems[0].message.find("not valid YAML") != std::string::npos);
    CHECK(broken.problems[0].where.line >= 1);
  }

  TEST_CASE("load_valid fails with every problem and exit code 2") {
    auto r = load_valid("/nonexistent/cluster.yaml");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().exit_code() == 2);
    CHECK(r.error().message().find("/nonexistent/cluster.yaml") != std::string::npos);
  }

  TEST_CASE("secret references resolve from the environment, never inline") {
    SecretRef ref{"ACPCTL_TEST_SECRET_XYZ", ""};
    ::setenv("ACPCTL_TEST_SECRET_XYZ", "s3cret", 1);
    CHECK(*ref.resolve() == "s3cret");
    ::unsetenv("ACPCTL_TEST_SECRET_XYZ");
    auto missing = ref.resolve();
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().message().find("ACPCTL_TEST_SECRET_XYZ") != std::string::npos);
    CHECK(ref.describe() == "env ACPCTL_TEST_SECRET_XYZ");
  }

  TEST_CASE("a fromFile secret must be a regular file of at most 64 KiB") {
    acp::util::TempDir dir;
    const auto fifo = dir.path() / "password";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto from_fifo = SecretRef{"", fifo.string()}.resolve();
    REQUIRE_FALSE(from_fifo.ok());
    CHECK(from_fifo.error().message().find("not a regular file (a FIFO)") != std::string::npos);
    const auto big = dir.path() / "big";
    REQUIRE(acp::util::write_file_atomic(big, std::string(std::size_t{65} << 10, 's')).ok());
    auto from_big = SecretRef{"", big.string()}.resolve();
    REQUIRE_FALSE(from_big.ok());
    CHECK(from_big.error().message().find("larger than 64.0 KiB") != std::string::npos);
  }

  TEST_CASE("a config from a FIFO or device is one problem, read no further") {
    const auto r = load_file("/dev/zero");
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].where.file == "/dev/zero");
    CHECK(r.problems[0].message == "not a regular file (a character device)");
    CHECK(r.problems[0].hint.find("cluster config") != std::string::npos);
  }
}
