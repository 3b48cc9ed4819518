#include "fixtures.hpp"

#include <regex>

using namespace acp::kubernetes;
using namespace kubernetes_fixtures;

namespace {

std::string text_for(const acp::config::Cluster& c, const std::string& node) {
  KubeadmOptions options;
  options.ca_cert_hash = k_hash;
  auto text = render_kubeadm(c, *c.find_node(node), options);
  REQUIRE(text.ok());
  return *text;
}

const std::map<std::string, std::string> k_values{
    {"bootstrap-token", "abcdef.0123456789abcdef"},
    {"certificate-key", "e6a2eb8581237ab72a4f494f30285ec12a9694d750b9785706a83bfcbbbd2204"}};

} // namespace

TEST_SUITE("kubernetes::secrets") {
  TEST_CASE("each node's file names the secrets it needs and holds none") {
    const auto c = cluster();
    const auto init = text_for(c, "cp-1");
    const auto join = text_for(c, "cp-2");
    const auto worker = text_for(c, "w-1");
    // No certificate key: acpctl places every control-plane certificate itself (external-CA
    // mode), so nothing is uploaded to or downloaded from the cluster.
    CHECK(secret_placeholders(init) == std::vector<std::string>{"bootstrap-token"});
    CHECK(secret_placeholders(join) == std::vector<std::string>{"bootstrap-token"});
    CHECK(secret_placeholders(worker) == std::vector<std::string>{"bootstrap-token"});
    // Nothing shaped like a bootstrap token ([a-z0-9]{6}.[a-z0-9]{16}) or a certificate key
    // (64 hex digits) is in any rendered file.
    const std::regex token("[a-z0-9]{6}\\.[a-z0-9]{16}");
    const std::regex key("[0-9a-f]{64}");
    for (const auto* text : {&init, &join, &worker}) {
      CHECK_FALSE(std::regex_search(*text, token));
      // the CA pin is 64 hex digits too, after "sha256:"; nothing else is
      const auto without_pin = std::regex_replace(*text, std::regex("sha256:[0-9a-f]{64}"), "");
      CHECK_FALSE(std::regex_search(without_pin, key));
    }
  }

  TEST_CASE("substitution puts the values where kubeadm reads them") {
    const auto c = cluster();
    auto init = substitute_secrets(text_for(c, "cp-1"), k_values);
    REQUIRE(init.ok());
    CHECK(secret_placeholders(*init).empty());
    const auto docs = YAML::LoadAll(*init);
    CHECK(docs[0]["bootstrapTokens"][0]["token"].as<std::string>() == "abcdef.0123456789abcdef");
    CHECK_FALSE(docs[0]["certificateKey"]);
    auto join = substitute_secrets(text_for(c, "cp-3"), k_values);
    REQUIRE(join.ok());
    const auto j = YAML::Load(*join);
    CHECK(j["discovery"]["bootstrapToken"]["token"].as<std::string>() == "abcdef.0123456789abcdef");
    CHECK_FALSE(j["controlPlane"]["certificateKey"]);
  }

  TEST_CASE("a missing secret is named, and no value is shown") {
    const auto c = cluster();
    auto r = substitute_secrets(text_for(c, "cp-2"), {{"certificate-key", "0123456789abcdef"}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("bootstrap-token") != std::string::npos);
    CHECK(r.error().describe().find("0123456789abcdef") == std::string::npos);
  }

  TEST_CASE("a value that could leave its YAML string is refused") {
    for (const char* bad : {"ab\"cd", "ab\\cd", "ab\ncd: x"}) {
      auto r = substitute_secrets("token: \"{{ACP_SECRET:t}}\"\n", {{"t", bad}});
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().describe().find(bad) == std::string::npos);
    }
  }

  TEST_CASE("text without placeholders passes unchanged") {
    CHECK(secret_placeholders("a: {{not}}\n").empty());
    CHECK(*substitute_secrets("a: 1\nb: \"{{ACP_SECRET:\"\n", {}) ==
          "a: 1\nb: \"{{ACP_SECRET:\"\n");
    CHECK(secret_placeholder("x") == "{{ACP_SECRET:x}}");
  }
}
