#pragma once
// Clusters for the kubernetes tests (N control-plane+etcd nodes at 10.88.0.11.., workers at
// 10.88.0.51.., a VIP or an external load balancer, the platform registry on the VIP), the
// recorded upstream files under fixtures/, and a check of a document's fields against the
// upstream field tables (fixtures/fields.yaml).

#include "acpctl/components/kubernetes/render.hpp"
#include "acpctl/util/fs.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace kubernetes_fixtures {

struct Shape {
  int control_planes = 3;
  int workers = 1;
  std::string version = "v1.31.6";
  bool load_balancer = false; ///< an external load balancer instead of the VIP
  bool dual_stack = false;
  std::string vip = "10.88.0.100";
};

inline acp::config::Cluster cluster(const Shape& shape = {}) {
  using acp::config::Role;
  acp::config::Cluster c;
  c.name = "lab";
  c.kubernetes_version = shape.version;
  c.network.pod_cidrs = {"10.3.0.0/16"};
  c.network.service_cidrs = {"10.4.0.0/16"};
  if (shape.dual_stack) {
    c.network.ip_family = acp::config::IpFamily::dual;
    c.network.pod_cidrs.push_back("fd00:10:3::/56");
    c.network.service_cidrs.push_back("fd00:10:4::/112");
  }
  if (shape.load_balancer)
    c.endpoint.external_load_balancer = acp::config::ExternalLoadBalancer{"lb.example.com", 8443};
  else
    c.endpoint.self_built_vip = acp::config::SelfBuiltVip{shape.vip, 51, "eth0", {}};
  c.registry = acp::config::Registry{};
  c.registry->address = shape.vip + ":11443";
  for (int i = 1; i <= shape.control_planes; ++i) {
    acp::config::Node n;
    n.name = fmt::format("cp-{}", i);
    n.address = fmt::format("10.88.0.{}", 10 + i);
    n.roles = {Role::control_plane, Role::etcd};
    c.nodes.push_back(n);
  }
  for (int i = 1; i <= shape.workers; ++i) {
    acp::config::Node n;
    n.name = fmt::format("w-{}", i);
    n.address = fmt::format("10.88.0.{}", 50 + i);
    n.roles = {Role::worker};
    c.nodes.push_back(n);
  }
  return c;
}

/// Decodes base64 (a kubeconfig's *-data), independently of the code under test.
inline std::string unbase64(const std::string& text) {
  static const std::string k_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (const char c : text) {
    if (c == '=')
      break;
    const auto at = k_alphabet.find(c);
    REQUIRE(at != std::string::npos);
    value = (value << 6) | static_cast<unsigned>(at);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xff);
    }
  }
  return out;
}

inline constexpr const char* k_hash =
    "sha256:2a90b282463778fb08687c1fc0f5838e70d5236f547ba6752dbe52feb2d0aad5";

/// kubeadm's configuration for `node`, parsed into its documents.
inline std::vector<YAML::Node> render(const acp::config::Cluster& c, const std::string& node,
                                      const std::string& driver = "systemd") {
  acp::kubernetes::KubeadmOptions options;
  options.cgroup_driver = driver;
  options.ca_cert_hash = k_hash;
  auto text = acp::kubernetes::render_kubeadm(c, *c.find_node(node), options);
  REQUIRE_MESSAGE(text.ok(), text.error().describe());
  return YAML::LoadAll(*text);
}

inline std::string fixture_path(const std::string& name) {
  return std::string(ACPCTL_SOURCE_DIR) + "/tests/unit/kubernetes/fixtures/" + name;
}

inline std::string read_fixture(const std::string& name) {
  auto text = acp::util::read_file(fixture_path(name));
  REQUIRE_MESSAGE(text.ok(), text.error().describe());
  return *text;
}

/// Every field path in `doc` that `schema` (fields.yaml notation) does not list.
inline void unknown_fields(const YAML::Node& doc, const YAML::Node& schema, const std::string& path,
                           std::vector<std::string>& out) {
  if (schema.IsNull() || !doc.IsDefined() || doc.IsNull())
    return;
  if (schema.IsScalar()) // "map": any keys, scalar values
    return;
  if (schema.IsSequence()) {
    if (!doc.IsSequence()) {
      out.push_back(path + " (not a list)");
      return;
    }
    for (std::size_t i = 0; i < doc.size(); ++i)
      unknown_fields(doc[i], schema[0], fmt::format("{}[{}]", path, i), out);
    return;
  }
  if (!doc.IsMap()) {
    out.push_back(path + " (not a mapping)");
    return;
  }
  for (const auto& field : doc) {
    const auto key = field.first.as<std::string>();
    const auto child = path.empty() ? key : path + "." + key;
    if (!schema[key].IsDefined())
      out.push_back(child);
    else
      unknown_fields(field.second, schema[key], child, out);
  }
}

/// The field table of `doc`'s apiVersion and kind; an undefined node if fields.yaml has none.
inline YAML::Node schema_of(const YAML::Node& doc) {
  static const YAML::Node fields = YAML::Load(read_fixture("fields.yaml"));
  return fields[doc["apiVersion"].as<std::string>()][doc["kind"].as<std::string>()];
}

inline std::vector<std::string> unknown_fields(const YAML::Node& doc) {
  const auto schema = schema_of(doc);
  REQUIRE_MESSAGE(schema.IsDefined(), doc["apiVersion"].as<std::string>()
                                          << " " << doc["kind"].as<std::string>());
  std::vector<std::string> out;
  unknown_fields(doc, schema, "", out);
  return out;
}

} // namespace kubernetes_fixtures
