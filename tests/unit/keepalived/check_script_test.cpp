// The health-check script run by /bin/sh with a stand-in etcdctl that records its arguments.

#include "../service/run_local.hpp"
#include "acpctl/components/keepalived/render.hpp"
#include "acpctl/util/fs.hpp"
#include "acpctl/util/shell.hpp"
#include "fixtures.hpp"

#include <doctest/doctest.h>
#include <filesystem>

using namespace acp::keepalived;
using keepalived_fixtures::cluster;

namespace {

// Writes the script with etcdctl replaced by a fake that logs its argv and exits `code`, and
// curl by a fake (first on PATH) that answers "ok" for URLs containing `api_up` and else fails
// to connect: the check never reaches the network.
std::filesystem::path with_fake_etcdctl(const acp::util::TempDir& dir, std::string script, int code,
                                        const std::string& api_up = "nowhere") {
  REQUIRE(acp::util::write_file_atomic(dir.path() / "curl",
                                       "#!/bin/sh\ncase \"$*\" in *" + api_up +
                                           "*) echo ok ;; *) exit 7 ;; esac\n",
                                       std::filesystem::perms(0755))
              .ok());
  script.replace(0, script.find('\n') + 1,
                 "#!/bin/sh\nPATH=" + acp::util::shell_quote(dir.path().string()) + ":$PATH\n");
  const auto fake = dir.path() / "etcdctl";
  const auto log = dir.path() / "args";
  REQUIRE(acp::util::write_file_atomic(
              fake,
              "#!/bin/sh\necho \"$@\" > " + acp::util::shell_quote(log.string()) +
                  "\necho 'context deadline exceeded'\nexit " + std::to_string(code) + "\n",
              std::filesystem::perms(0755))
              .ok());
  const std::string real(k_etcdctl);
  for (auto at = script.find(real); at != std::string::npos; at = script.find(real))
    script.replace(at, real.size(), fake.string());
  const auto path = dir.path() / "check.sh";
  REQUIRE(acp::util::write_file_atomic(path, script, std::filesystem::perms(0755)).ok());
  return path;
}

} // namespace

TEST_SUITE("keepalived::check_script") {
  TEST_CASE("an etcd node's check asks its local member for a quorum read with the client cert") {
    acp::util::TempDir dir;
    const auto c = cluster();
    const auto script = with_fake_etcdctl(dir, render_check_script(c, *c.find_node("n1")), 0);
    const auto ran = test_support::run_local(acp::util::shell_quote(script.string()));
    CHECK(ran.exit_code == 0);
    const auto args = acp::util::read_file(dir.path() / "args");
    REQUIRE(args.ok());
    CHECK(*args == "--endpoints https://127.0.0.1:2379 --cacert /etc/acp/pki/ca.crt --cert "
                   "/etc/acp/pki/etcd/healthcheck-client.crt --key "
                   "/etc/acp/pki/etcd/healthcheck-client.key --dial-timeout 1s "
                   "--command-timeout 1s endpoint health\n");
  }

  TEST_CASE("an unhealthy etcd fails the check and says why") {
    acp::util::TempDir dir;
    const auto c = cluster();
    const auto script = with_fake_etcdctl(dir, render_check_script(c, *c.find_node("n2")), 1);
    const auto ran = test_support::run_local(acp::util::shell_quote(script.string()));
    CHECK(ran.exit_code == 1);
    CHECK(ran.output.find("acp health check etcd failed: context deadline exceeded") !=
          std::string::npos);
  }

  TEST_CASE("the client port comes from spec.etcd.clientPort") {
    auto c = cluster();
    c.etcd.client_port = 12379;
    CHECK(render_check_script(c, *c.find_node("n1")).find("https://127.0.0.1:12379") !=
          std::string::npos);
  }

  TEST_CASE("a control-plane node without etcd has no check yet and passes") {
    acp::util::TempDir dir;
    auto c = cluster();
    c.nodes[1].roles = {acp::config::Role::control_plane};
    const auto text = render_check_script(c, c.nodes[1]);
    CHECK(text.find("etcdctl") == std::string::npos);
    const auto script = with_fake_etcdctl(dir, text, 1);
    CHECK(test_support::run_local(acp::util::shell_quote(script.string())).exit_code == 0);
  }

  TEST_CASE("a control plane's check follows its API server once kubeadm made one") {
    auto c = cluster();
    c.kubernetes_version = "v1.31.6";
    const auto text = render_check_script(c, *c.find_node("n1"));
    // with kubeadm's manifest here: the local readyz
    CHECK(text.find("if [ -f /etc/kubernetes/manifests/kube-apiserver.yaml ]; then") !=
          std::string::npos);
    CHECK(text.find("--cacert /etc/kubernetes/pki/ca.crt https://127.0.0.1:6443/readyz") !=
          std::string::npos);
    // without: every other control plane is asked
    CHECK(text.find("for p in 10.88.0.12:6443 10.88.0.13:6443; do") != std::string::npos);
    auto v6 = c;
    v6.nodes[1].address = "fd00::12";
    // an IPv6 peer in brackets, quoted against the shell's globbing
    CHECK(
        render_check_script(v6, v6.nodes[0]).find("for p in '[fd00::12]:6443' 10.88.0.13:6443;") !=
        std::string::npos);
    CHECK(text.find("\"etcd apiserver\"") != std::string::npos);
    auto worker = c;
    worker.nodes[1].roles = {acp::config::Role::worker};
    CHECK(render_check_script(worker, worker.nodes[1]).find("apiserver") == std::string::npos);
    c.kubernetes_version.clear();
    CHECK(render_check_script(c, *c.find_node("n1")).find("apiserver") == std::string::npos);
  }

  TEST_CASE("without an API server here, the check fails while another control plane has one") {
    acp::util::TempDir dir;
    auto c = cluster();
    c.kubernetes_version = "v1.31.6";
    const auto text = render_check_script(c, *c.find_node("n1"));
    // no API server anywhere yet (before kubeadm init): passes, the VIP stays
    auto script = with_fake_etcdctl(dir, text, 0);
    CHECK(test_support::run_local(acp::util::shell_quote(script.string())).exit_code == 0);
    // n2 has one (kubeadm init ran there): n1 steps aside so the VIP moves to n2
    script = with_fake_etcdctl(dir, text, 0, "10.88.0.12");
    const auto ran = test_support::run_local(acp::util::shell_quote(script.string()));
    CHECK(ran.exit_code == 1);
    CHECK(ran.output.find("acp health check apiserver failed: no API server here, but on "
                          "10.88.0.12") != std::string::npos);
  }

  TEST_CASE("the checks run side by side, so a slow etcd and a slow peer do not add up") {
    // The fake etcdctl answers only once curl (the API server check, after etcd in the list)
    // has started: run one after the other, etcd's check would give up and fail.
    acp::util::TempDir dir;
    auto c = cluster();
    c.kubernetes_version = "v1.31.6";
    auto script = with_fake_etcdctl(dir, render_check_script(c, *c.find_node("n1")), 0);
    const auto mark = acp::util::shell_quote((dir.path() / "curl-started").string());
    REQUIRE(acp::util::write_file_atomic(dir.path() / "curl",
                                         "#!/bin/sh\n: > " + mark + "\nexit 7\n",
                                         std::filesystem::perms(0755))
                .ok());
    REQUIRE(
        acp::util::write_file_atomic(dir.path() / "etcdctl",
                                     "#!/bin/sh\nfor i in $(seq 50); do [ -e " + mark +
                                         " ] && exit 0; sleep 0.1; done\necho 'alone'; exit 1\n",
                                     std::filesystem::perms(0755))
            .ok());
    const auto ran = test_support::run_local(acp::util::shell_quote(script.string()));
    CHECK(ran.exit_code == 0);
    CHECK(ran.output.find("alone") == std::string::npos);
  }
}
