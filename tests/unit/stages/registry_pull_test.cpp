// The registry's pull listener: its config (read-only storage, client certificates from the
// cluster CA, no auth), its files on control-plane nodes only, its status, port claim and
// keepalived check, and spec.registry.pullPort in the config model.

#include "acpctl/components/keepalived/render.hpp"
#include "acpctl/components/platform_registry/registry.hpp"
#include "acpctl/config/load.hpp"
#include "acpctl/pki/pki.hpp"
#include "scratch_home.hpp"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

using namespace acp;

namespace {

// The init example with cp-3 turned into a worker and the password in the environment.
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

config::LoadResult load_with(const std::string& registry_lines) {
  auto text = config::example_config();
  const auto at = text.find("    # port: 11443");
  REQUIRE(at != std::string::npos);
  text.insert(at, registry_lines);
  return config::load_text(text, "cluster.yaml");
}

} // namespace

TEST_SUITE("components::registry_pull") {
  TEST_CASE("config: read-only storage, client certificates from the cluster CA, no auth") {
    const auto c = example();
    const auto push = YAML::Load(platform_registry::render_config(*c.registry));
    const auto pull = YAML::Load(platform_registry::render_pull_config(*c.registry));
    CHECK(pull["storage"]["filesystem"]["rootdirectory"].as<std::string>() ==
          push["storage"]["filesystem"]["rootdirectory"].as<std::string>());
    CHECK(pull["storage"]["maintenance"]["readonly"]["enabled"].as<bool>());
    CHECK_FALSE(pull["storage"]["maintenance"]["uploadpurging"]["enabled"].as<bool>());
    CHECK_FALSE(pull["storage"]["delete"]);
    CHECK(pull["http"]["addr"].as<std::string>() == ":11444");
    const auto tls = pull["http"]["tls"];
    CHECK(tls["certificate"].as<std::string>() == platform_registry::k_pull_cert);
    CHECK(tls["key"].as<std::string>() == platform_registry::k_pull_key);
    REQUIRE(tls["clientcas"].IsSequence());
    REQUIRE(tls["clientcas"].size() == 1);
    CHECK(tls["clientcas"][0].as<std::string>() == platform_registry::k_pull_client_ca);
    CHECK_FALSE(pull["auth"]);
    CHECK(push["auth"]["htpasswd"]); // the push port keeps its password
    CHECK_FALSE(push["http"]["tls"]["clientcas"]);
  }

  TEST_CASE("files on control-plane nodes: its config, the server pair, the CA as client CA") {
    const auto c = example();
    test::ScratchHome home;
    const auto pki = pki::ensure(c, pki::cluster_dir(c));
    REQUIRE(pki.ok());
    const stages::PlatformSource source{c, &*pki};
    const auto files = platform_registry::render_pull(source, c.nodes[0]);
    REQUIRE_MESSAGE(files.ok(), files.error().describe());
    REQUIRE(files->size() == 4);
    CHECK(file(*files, platform_registry::k_pull_client_ca)->content == pki->ca_cert());
    CHECK(file(*files, platform_registry::k_pull_cert)->content ==
          pki->registry_server("cp-1")->cert + pki->ca_cert());
    CHECK(file(*files, platform_registry::k_pull_key)->mode == 0600);
    for (const auto& f : *files)
      CHECK(f.content.find("s3cret") == std::string::npos);
    CHECK(platform_registry::render_pull(source, c.nodes[2])->empty()); // the worker
    std::vector<plan::DesiredComponent> none;
    const stages::PlatformSource without{c, &*pki, nullptr, &none};
    CHECK(platform_registry::render_pull(without, c.nodes[0])->empty()); // no registry binary
    const auto spec = platform_registry::pull_service_spec(c);
    CHECK(spec.name == "registry-pull");
    CHECK(spec.command.back() == platform_registry::k_pull_config);
    CHECK(spec.health_check.back() == "exec 3<>/dev/tcp/127.0.0.1/11444");
  }

  TEST_CASE("status: up when both listeners are; the pull listener named when it is down") {
    facts::HostFacts f;
    for (const auto& [name, port] : {std::pair{"registry", 11443}, {"registry-pull", 11444}}) {
      state::PlatformRecord record;
      record.name = name;
      record.ports = {port};
      f.state.platform[name] = record;
      f.services[name] = true;
      f.listening.push_back({port, "0.0.0.0"});
    }
    auto line = platform_registry::node_status(f);
    REQUIRE(line);
    CHECK(line->ok);
    CHECK(line->text == "registry replica on :11443, pulls on :11444, up");
    CHECK(line->json["pullPort"] == 11444);
    f.services["registry-pull"] = false;
    line = platform_registry::node_status(f);
    CHECK_FALSE(line->ok);
    CHECK(line->text == "registry replica on :11443, pulls on :11444: acp-registry-pull is down");
  }

  TEST_CASE("preflight claims both ports; keepalived checks both once each is set up") {
    const auto c = example();
    const auto claims = platform_registry::ports(c);
    REQUIRE(claims.size() == 2);
    CHECK(claims[0].ports == std::vector<int>{11443});
    CHECK(claims[1].ports == std::vector<int>{11444});
    CHECK(claims[1].service == "registry-pull");
    const auto script = keepalived::render_check_script(c, c.nodes[0]);
    CHECK(script.find("[ -f /etc/acp/registry-pull/config.yml ] || return 0\n"
                      "  timeout 1 bash -c 'exec 3<>/dev/tcp/127.0.0.1/11444'") !=
          std::string::npos);
    CHECK(script.find("exec 3<>/dev/tcp/127.0.0.1/11443' || return 1") != std::string::npos);
  }

  TEST_CASE("spec.registry.pullPort: 11444 by default, its own port, beside the address's host") {
    const auto c = example();
    CHECK(c.registry->pull_port == 11444);
    CHECK(c.registry->pull_address() == "192.168.10.100:11444");
    config::Registry r;
    r.address = "[fd00::100]:11443";
    CHECK(r.host() == "fd00::100");
    CHECK(r.pull_address() == "[fd00::100]:11444");
    r.address = "registry.example.com";
    CHECK(r.pull_address() == "registry.example.com:11444");
    const auto set = load_with("    pullPort: 12444\n");
    REQUIRE(set.ok());
    CHECK(set.cluster->registry->pull_port == 12444);
    for (const auto* lines : {"    pullPort: 11443\n", "    pullPort: 2379\n"}) {
      CAPTURE(lines);
      const auto bad = load_with(lines);
      REQUIRE_FALSE(bad.ok());
      bool named = false;
      for (const auto& d : bad.problems)
        named = named || d.path == "spec.registry.pullPort";
      CHECK(named);
    }
  }
}
