// Stage 1 of loading: YAML tree → Cluster, with positions. Structure and types only; what
// values mean is checked in validate.cpp.

#include "parse.hpp"

#include "acpctl/util/strings.hpp"

#include <fmt/format.h>

namespace acp::config::detail {

namespace {

void parse_cidrs(Reader& r, const YAML::Node& map, const std::string& path, std::string_view key,
                 std::vector<std::string>& out) {
  std::string text;
  if (!r.string(map, path, key, text))
    return;
  // kubeadm's form: one CIDR per family, comma-separated for dual stack.
  for (const auto& part : util::split(text, ','))
    out.emplace_back(util::trim(part));
}

void parse_network(Reader& r, const YAML::Node& spec, const std::string& path, Network& out) {
  const auto node = spec["network"];
  if (!node)
    return;
  if (!r.mapping(node, path, {"ipFamily", "nodeCIDR", "podCIDR", "serviceCIDR"}))
    return;
  std::string family;
  if (r.choice(node, path, "ipFamily", family, {"ipv4", "ipv6", "dual"}))
    out.ip_family = family == "ipv4"   ? IpFamily::ipv4
                    : family == "ipv6" ? IpFamily::ipv6
                                       : IpFamily::dual;
  r.string(node, path, "nodeCIDR", out.node_cidr);
  parse_cidrs(r, node, path, "podCIDR", out.pod_cidrs);
  parse_cidrs(r, node, path, "serviceCIDR", out.service_cidrs);
}

void parse_endpoint(Reader& r, const YAML::Node& spec, const std::string& path,
                    ControlPlaneEndpoint& out) {
  const auto node = spec["controlPlaneEndpoint"];
  if (!node) {
    r.required(spec, path, "add selfBuiltVIP {vip, vrid} or externalLoadBalancer {address, port}");
    return;
  }
  if (!r.mapping(node, path, {"selfBuiltVIP", "externalLoadBalancer"}))
    return;
  if (const auto vip = node["selfBuiltVIP"]) {
    const auto p = Reader::child(path, "selfBuiltVIP");
    if (r.mapping(vip, p, {"vip", "vrid", "interface", "authPassword"})) {
      SelfBuiltVip v;
      r.string(vip, p, "vip", v.vip, true);
      r.integer(vip, p, "vrid", v.vrid, 1, 255, true);
      r.string(vip, p, "interface", v.interface);
      r.secret(vip, p, "authPassword", v.auth_password);
      out.self_built_vip = v;
    }
  }
  if (const auto lb = node["externalLoadBalancer"]) {
    const auto p = Reader::child(path, "externalLoadBalancer");
    if (r.mapping(lb, p, {"address", "port"})) {
      ExternalLoadBalancer v;
      r.string(lb, p, "address", v.address, true);
      r.integer(lb, p, "port", v.port, 1, 65535);
      out.external_load_balancer = v;
    }
  }
  if (node["selfBuiltVIP"] && node["externalLoadBalancer"])
    r.problem(node, path, fmt::format("{} has both selfBuiltVIP and externalLoadBalancer", path),
              "keep one: keepalived manages a VIP, or your own load balancer fronts the nodes");
  else if (!node["selfBuiltVIP"] && !node["externalLoadBalancer"])
    r.problem(node, path, fmt::format("{} needs selfBuiltVIP or externalLoadBalancer", path));
}

void parse_bastion(Reader& r, const YAML::Node& ssh, const std::string& path, SshSettings& out) {
  const auto node = ssh["bastion"];
  if (!node)
    return;
  if (!r.mapping(node, path, {"address", "port", "user", "keyPath", "password"}))
    return;
  Bastion b;
  r.string(node, path, "address", b.address, true);
  r.integer(node, path, "port", b.port, 1, 65535);
  r.string(node, path, "user", b.user);
  r.string(node, path, "keyPath", b.key_path);
  r.secret(node, path, "password", b.password);
  out.bastion = b;
}

void parse_ssh(Reader& r, const YAML::Node& spec, const std::string& path, SshSettings& out) {
  const auto node = spec["ssh"];
  if (!node)
    return;
  if (!r.mapping(node, path,
                 {"user", "port", "keyPath", "keyPassphrase", "bastion", "knownHosts",
                  "hostKeyPolicy", "connectTimeoutSeconds"}))
    return;
  r.string(node, path, "user", out.user);
  r.integer(node, path, "port", out.port, 1, 65535);
  r.string(node, path, "keyPath", out.key_path);
  r.secret(node, path, "keyPassphrase", out.key_passphrase);
  parse_bastion(r, node, Reader::child(path, "bastion"), out);
  r.string(node, path, "knownHosts", out.known_hosts);
  std::string policy;
  if (r.choice(node, path, "hostKeyPolicy", policy, {"strict", "accept-new", "off"}))
    out.host_key_policy = policy == "strict"       ? HostKeyPolicy::strict
                          : policy == "accept-new" ? HostKeyPolicy::accept_new
                                                   : HostKeyPolicy::off;
  r.integer(node, path, "connectTimeoutSeconds", out.connect_timeout_seconds, 1, 600);
}

void parse_etcd(Reader& r, const YAML::Node& spec, const std::string& path, Etcd& out) {
  const auto node = spec["etcd"];
  if (!node || !r.mapping(node, path, {"dataDir", "clientPort", "peerPort"}))
    return;
  r.string(node, path, "dataDir", out.data_dir);
  r.integer(node, path, "clientPort", out.client_port, 1, 65535);
  r.integer(node, path, "peerPort", out.peer_port, 1, 65535);
}

void parse_registry(Reader& r, const YAML::Node& spec, const std::string& path,
                    std::optional<Registry>& out) {
  const auto node = spec["registry"];
  if (!node ||
      !r.mapping(node, path, {"address", "username", "password", "port", "pullPort", "storageDir"}))
    return;
  Registry reg;
  r.string(node, path, "address", reg.address, true);
  r.string(node, path, "username", reg.username);
  r.secret(node, path, "password", reg.password);
  r.integer(node, path, "port", reg.port, 1, 65535);
  r.integer(node, path, "pullPort", reg.pull_port, 1, 65535);
  r.string(node, path, "storageDir", reg.storage_dir);
  out = reg;
}

void parse_s3(Reader& r, const YAML::Node& remote, const std::string& path,
              std::optional<S3Storage>& out) {
  const auto node = remote["s3"];
  if (!node || !r.mapping(node, path,
                          {"endpoint", "region", "bucket", "dir", "pathStyle", "skipTLSVerify",
                           "caFile", "accessKey", "secretKey"}))
    return;
  S3Storage s3;
  r.string(node, path, "endpoint", s3.endpoint, true);
  r.string(node, path, "region", s3.region);
  r.string(node, path, "bucket", s3.bucket, true);
  r.string(node, path, "dir", s3.dir);
  if (node["pathStyle"]) {
    bool path_style = true;
    if (r.boolean(node, path, "pathStyle", path_style))
      s3.path_style = path_style;
  }
  r.boolean(node, path, "skipTLSVerify", s3.skip_tls_verify);
  r.string(node, path, "caFile", s3.ca_file);
  r.secret(node, path, "accessKey", s3.access_key);
  r.secret(node, path, "secretKey", s3.secret_key);
  if (s3.access_key.empty() || s3.secret_key.empty())
    r.problem(node, path, fmt::format("{} needs accessKey and secretKey", path),
              "write accessKey: {fromEnv: ACCESS_KEY} and secretKey: {fromEnv: SECRET_KEY}");
  out = s3;
}

void parse_backup(Reader& r, const YAML::Node& spec, const std::string& path,
                  std::optional<EtcdBackup>& out) {
  const auto node = spec["etcdBackup"];
  if (!node || !r.mapping(node, path, {"schedule", "localStorage", "remoteStorage"}))
    return;
  EtcdBackup b;
  r.string(node, path, "schedule", b.schedule);
  if (const auto local = node["localStorage"]) {
    const auto p = Reader::child(path, "localStorage");
    if (r.mapping(local, p, {"path", "ttl"})) {
      r.string(local, p, "path", b.local_path);
      r.string(local, p, "ttl", b.ttl);
    }
  }
  if (const auto remote = node["remoteStorage"]) {
    const auto p = Reader::child(path, "remoteStorage");
    if (r.mapping(remote, p, {"s3"}))
      parse_s3(r, remote, Reader::child(p, "s3"), b.s3);
  }
  out = b;
}

void parse_pki(Reader& r, const YAML::Node& spec, const std::string& path,
               std::optional<PkiSettings>& out) {
  const auto node = spec["pki"];
  if (!node || !r.mapping(node, path, {"caCertFile", "caKeyFile"}))
    return;
  PkiSettings pki;
  const bool cert = r.string(node, path, "caCertFile", pki.ca_cert_file);
  const bool key = r.string(node, path, "caKeyFile", pki.ca_key_file);
  if (cert != key)
    r.problem(
        node, path, fmt::format("{} needs both caCertFile and caKeyFile", path),
        "give your CA's certificate and its key, or remove spec.pki to have acpctl make a CA");
  else if (cert)
    out = pki;
}

void parse_spec(Reader& r, const YAML::Node& spec, const std::string& path, Cluster& out) {
  if (!r.mapping(spec, path,
                 {"type", "kubernetesVersion", "network", "controlPlaneEndpoint", "ssh", "nodes",
                  "etcd", "registry", "etcdBackup", "pki"}))
    return;
  std::string type;
  if (r.choice(spec, path, "type", type, {"global", "workload"}))
    out.type = type == "global" ? ClusterType::global : ClusterType::workload;
  r.string(spec, path, "kubernetesVersion", out.kubernetes_version, true);
  parse_network(r, spec, Reader::child(path, "network"), out.network);
  parse_endpoint(r, spec, Reader::child(path, "controlPlaneEndpoint"), out.endpoint);
  parse_ssh(r, spec, Reader::child(path, "ssh"), out.ssh);
  parse_nodes(r, spec, Reader::child(path, "nodes"), out.nodes);
  parse_etcd(r, spec, Reader::child(path, "etcd"), out.etcd);
  parse_registry(r, spec, Reader::child(path, "registry"), out.registry);
  parse_backup(r, spec, Reader::child(path, "etcdBackup"), out.etcd_backup);
  parse_pki(r, spec, Reader::child(path, "pki"), out.pki);
}

} // namespace

void parse_document(Reader& r, const YAML::Node& root, Cluster& out) {
  if (!r.mapping(root, "", {"apiVersion", "kind", "metadata", "spec"}))
    return;
  std::string api_version;
  if (r.string(root, "", "apiVersion", api_version, true) && api_version != k_api_version)
    r.problem_at("apiVersion",
                 fmt::format("apiVersion {} is not supported", util::quoted(api_version)),
                 fmt::format("this acpctl reads apiVersion: {}", k_api_version));
  std::string kind;
  if (r.string(root, "", "kind", kind, true) && kind != k_kind)
    r.problem_at("kind", fmt::format("kind {} is not a cluster config", util::quoted(kind)),
                 fmt::format("write kind: {}", k_kind));
  if (const auto metadata = root["metadata"]; !metadata) {
    r.required(root, "metadata", "add metadata: {name: global}");
  } else if (r.mapping(metadata, "metadata", {"name"})) {
    r.string(metadata, "metadata", "name", out.name, true);
  }
  if (const auto spec = root["spec"]; !spec)
    r.required(root, "spec", "run `acpctl init` for a complete example");
  else
    parse_spec(r, spec, "spec", out);
}

} // namespace acp::config::detail
