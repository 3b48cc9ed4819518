// The containerd and registry components' files, plan and status: the cgroup driver from the
// node's facts, the hosts directory trusting the cluster CA, a registry replica's TLS pair and
// htpasswd on control-plane nodes only, and the images step that runs once per package.

#include "acpctl/components/containerd/containerd.hpp"
#include "acpctl/components/platform_registry/registry.hpp"
#include "acpctl/config/load.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/stages/step.hpp"
#include "scratch_home.hpp"

#include <crypt.h>
#include <doctest/doctest.h>
#include <memory>

using namespace acp;

namespace {

// The init example (cp-1..cp-3 at 192.168.10.11-13, VIP 192.168.10.100, registry
// 192.168.10.100:11443) with cp-3 turned into a worker and the password in the environment.
config::Cluster example() {
  setenv("ACP_REGISTRY_PASSWORD", "s3cret-registry-pw", 1);
  auto r = config::load_text(config::example_config(), "cluster.yaml");
  REQUIRE(r.ok());
  auto c = *r.cluster;
  c.nodes.back().roles = {config::Role::worker};
  return c;
}

const service::FileToWrite* file(const std::vector<service::FileToWrite>& files,
                                 std::string_view path) {
  for (const auto& f : files)
    if (f.path == path)
      return &f;
  return nullptr;
}

bool bcrypt_matches(const std::string& line, const std::string& password) {
  const auto hash = line.substr(line.find(':') + 1, line.find('\n') - line.find(':') - 1);
  auto data = std::make_unique<crypt_data>();
  const char* again = crypt_rn(password.c_str(), hash.c_str(), data.get(), sizeof(crypt_data));
  return again != nullptr && hash == again;
}

} // namespace

TEST_SUITE("components::containerd") {
  TEST_CASE("config.toml: cgroupfs under runit, the systemd driver under systemd") {
    const auto c = example();
    std::map<std::string, facts::HostFacts> facts;
    facts["cp-1"].service_manager = service::ManagerKind::runit;
    facts["cp-2"].service_manager = service::ManagerKind::systemd;
    test::ScratchHome home;
    const auto pki = pki::ensure(c, pki::cluster_dir(c));
    REQUIRE_MESSAGE(pki.ok(), pki.error().describe());
    const stages::PlatformSource source{c, &*pki, &facts};
    const auto one = containerd::render(source, c.nodes[0]);
    const auto two = containerd::render(source, c.nodes[1]);
    REQUIRE(one.ok());
    REQUIRE(two.ok());
    const auto* conf = file(*one, containerd::k_config);
    REQUIRE(conf);
    CHECK(conf->content.find("SystemdCgroup = false") != std::string::npos);
    CHECK(file(*two, containerd::k_config)->content.find("SystemdCgroup = true") !=
          std::string::npos);
    CHECK(conf->content.find("BinaryName = \"/opt/acp/components/containerd/current/bin/runc\"") !=
          std::string::npos);
    CHECK(conf->content.find("config_path = \"/etc/acp/containerd/certs.d\"") != std::string::npos);
  }

  TEST_CASE("the hosts directory sends every pull to the pull port with the node's certificate") {
    const auto c = example();
    test::ScratchHome home;
    const auto pki = pki::ensure(c, pki::cluster_dir(c));
    REQUIRE(pki.ok());
    const auto files = containerd::render({c, &*pki}, c.nodes[2]); // the worker too
    REQUIRE(files.ok());
    const auto* own = file(*files, "/etc/acp/containerd/certs.d/192.168.10.100:11443/hosts.toml");
    const auto* mirror = file(*files, "/etc/acp/containerd/certs.d/_default/hosts.toml");
    const auto* ca = file(*files, "/etc/acp/containerd/ca.crt");
    const auto* cert = file(*files, containerd::k_client_cert);
    const auto* key = file(*files, containerd::k_client_key);
    REQUIRE(own);
    REQUIRE(mirror);
    REQUIRE(ca);
    REQUIRE(cert);
    REQUIRE(key);
    CHECK(ca->content == pki->ca_cert());
    CHECK(cert->content == pki->registry_client("cp-3")->cert);
    CHECK(key->content == pki->registry_client("cp-3")->key);
    CHECK(key->mode == 0600);
    // The own name: the password port is the server for pushes only; pulls go to the table.
    CHECK(own->content.find(
              "server = \"https://192.168.10.100:11443\"\n"
              "capabilities = [\"push\"]\nca = \"/etc/acp/containerd/ca.crt\"\n\n[host.") !=
          std::string::npos);
    CHECK(mirror->content.find("server") == std::string::npos);
    CHECK(mirror->content.find("11443") == std::string::npos);
    for (const auto* f : {own, mirror}) {
      // containerd 1.6 docs/hosts.md: client is a list of [cert, key] pairs.
      CHECK(f->content.find("[host.\"https://192.168.10.100:11444\"]\n"
                            "  capabilities = [\"pull\", \"resolve\"]\n"
                            "  ca = \"/etc/acp/containerd/ca.crt\"\n"
                            "  client = [[\"/etc/acp/containerd/registry-client.crt\", "
                            "\"/etc/acp/containerd/registry-client.key\"]]\n") !=
            std::string::npos);
      CHECK(f->content.find("skip_verify") == std::string::npos);
      CHECK(f->content.find("s3cret") == std::string::npos);
    }
    auto plain = c;
    plain.registry.reset();
    const auto only = containerd::render({plain, nullptr}, plain.nodes[0]);
    REQUIRE(only.ok());
    CHECK(only->size() == 1);
  }

  TEST_CASE("the service keeps its containers on restart and finds its runc on PATH") {
    const auto spec = containerd::service_spec();
    CHECK(spec.keep_children);
    CHECK(spec.open_files == 1048576);
    CHECK(spec.delegate_cgroups);
    REQUIRE(spec.environment.size() == 1);
    CHECK(spec.environment[0].second.starts_with("/opt/acp/components/containerd/current/bin:"));
  }

  TEST_CASE("facts: the server's version, the cgroup filesystem and the tasks; or the error") {
    const auto probe = containerd::facts_probe();
    facts::HostFacts up;
    up.components["containerd"] = probe.parse(
        {{"cgroup", "tmpfs\n"},
         {"version", "Client:\n  Version:  1.6.20~ds1\nServer:\n  Version:  1.6.21\nrc=0\n"},
         {"tasks", "2\n"}});
    const auto line = containerd::node_status(up);
    REQUIRE(line);
    CHECK(line->ok);
    CHECK(line->text == "containerd 1.6.21 running, cgroup v1, 2 tasks");
    facts::HostFacts down;
    down.components["containerd"] = probe.parse(
        {{"version", "ctr: failed to dial \"/run/containerd/containerd.sock\"\nrc=1\n"}});
    const auto bad = containerd::node_status(down);
    REQUIRE(bad);
    CHECK_FALSE(bad->ok);
    CHECK(bad->text.find("failed to dial") != std::string::npos);
    CHECK_FALSE(containerd::node_status(facts::HostFacts{}));
  }
}

TEST_SUITE("components::registry") {
  TEST_CASE("htpasswd: bcrypt that verifies, the same line again, a new one for a new password") {
    const auto line = platform_registry::htpasswd_line("admin", "pw-one", "seed");
    REQUIRE(line.ok());
    CHECK(line->starts_with("admin:$2b$10$"));
    CHECK(bcrypt_matches(*line, "pw-one"));
    CHECK_FALSE(bcrypt_matches(*line, "pw-two"));
    CHECK(*platform_registry::htpasswd_line("admin", "pw-one", "seed") == *line);
    CHECK(*platform_registry::htpasswd_line("admin", "pw-two", "seed") != *line);
    CHECK(*platform_registry::htpasswd_line("admin", "pw-one", "other") != *line);
    const auto bad = platform_registry::htpasswd_line("ad:min", "pw-one", "seed");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().describe().find("pw-one") == std::string::npos);
    CHECK_FALSE(platform_registry::htpasswd_line("admin", "", "seed").ok());
  }

  TEST_CASE("a replica's files on control-plane nodes: config, TLS pair from the CA, htpasswd") {
    const auto c = example();
    test::ScratchHome home;
    const auto pki = pki::ensure(c, pki::cluster_dir(c));
    REQUIRE(pki.ok());
    const stages::PlatformSource source{c, &*pki};
    const auto files = platform_registry::render(source, c.nodes[0]);
    REQUIRE_MESSAGE(files.ok(), files.error().describe());
    REQUIRE(files->size() == 4);
    const auto* config = file(*files, platform_registry::k_config);
    REQUIRE(config);
    CHECK(config->content.find("addr: :11443") != std::string::npos);
    CHECK(config->content.find("rootdirectory: /var/lib/acp/registry") != std::string::npos);
    CHECK(config->content.find("s3cret") == std::string::npos);
    CHECK(file(*files, platform_registry::k_key)->mode == 0600);
    CHECK(file(*files, platform_registry::k_htpasswd)->mode == 0600);
    const auto& cert = file(*files, platform_registry::k_cert)->content;
    CHECK(cert.find(pki->ca_cert()) != std::string::npos);
    CHECK(
        bcrypt_matches(file(*files, platform_registry::k_htpasswd)->content, "s3cret-registry-pw"));
    CHECK(platform_registry::render(source, c.nodes[2])->empty()); // the worker
    // The same files again: a re-apply changes nothing.
    CHECK(platform_registry::render(source, c.nodes[0])->at(3).content ==
          file(*files, platform_registry::k_htpasswd)->content);
  }

  TEST_CASE("the registry certificate names the node, the VIP and the registry's host") {
    const auto c = example();
    test::ScratchHome home;
    REQUIRE(pki::ensure(c, pki::cluster_dir(c)).ok());
    bool found = false;
    for (const auto& entry : pki::check(c, pki::cluster_dir(c)))
      if (entry.name == "registry/cp-1-server") {
        found = true;
        CHECK(entry.status == pki::CertStatus::ok);
        for (const char* san :
             {"DNS:cp-1", "IP:192.168.10.11", "IP:192.168.10.100", "IP:127.0.0.1", "DNS:localhost"})
          CHECK(std::find(entry.sans.begin(), entry.sans.end(), san) != entry.sans.end());
      }
    CHECK(found);
  }

  TEST_CASE("status: a replica is up when its service runs and its port listens") {
    facts::HostFacts f;
    state::PlatformRecord record;
    record.name = "registry";
    record.ports = {11443};
    f.state.platform["registry"] = record;
    f.services["registry"] = true;
    auto line = platform_registry::node_status(f);
    REQUIRE(line);
    CHECK_FALSE(line->ok);
    CHECK(line->text == "registry replica on :11443: not listening");
    f.listening.push_back({11443, "0.0.0.0"});
    line = platform_registry::node_status(f);
    CHECK(line->ok);
    const auto c = example();
    std::map<std::string, facts::HostFacts> all{{"cp-1", f}, {"cp-2", f}};
    all["cp-2"].services["registry"] = false;
    const auto cluster = platform_registry::cluster_status(c, all);
    REQUIRE(cluster);
    CHECK_FALSE(cluster->ok);
    CHECK(cluster->text == "registry 192.168.10.100:11443: 1/2 replicas up (down: cp-2)");
  }
}
