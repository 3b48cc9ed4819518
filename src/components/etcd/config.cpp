// etcd's config file, service and etcdctl command line as acpctl runs them.

#include "acpctl/components/etcd/etcd.hpp"
#include "acpctl/util/ipaddr.hpp"

#include <fmt/format.h>

namespace acp::etcd {

namespace {

std::string url(const std::string& address, int port) {
  return "https://" + util::host_port(address, port);
}

// YAML double-quoted scalar: names and paths come from cluster.yaml.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string tls_block(const char* key, const char* cert_name) {
  return fmt::format("{}:\n"
                     "  cert-file: {}/{}.crt\n"
                     "  key-file: {}/{}.key\n"
                     "  client-cert-auth: true\n"
                     "  trusted-ca-file: {}\n",
                     key, k_pki_dir, cert_name, k_pki_dir, cert_name, k_ca_cert);
}

} // namespace

std::string peer_url(const config::Cluster& cluster, const config::Node& node) {
  return url(node.address, cluster.etcd.peer_port);
}

std::string client_url(const config::Cluster& cluster, const config::Node& node) {
  return url(node.address, cluster.etcd.client_port);
}

std::string local_client_url(const config::Cluster& cluster) {
  return url("127.0.0.1", cluster.etcd.client_port);
}

// Every address on a VIP holder: a socket cannot bind an address the host does not hold yet,
// and the VIP comes and goes. Client-certificate auth guards every one of them.
std::string listen_client_urls(const config::Cluster& cluster, const config::Node& node) {
  const auto& vip = cluster.endpoint.self_built_vip;
  if (vip && node.has_role(config::Role::control_plane)) {
    const bool v6 = vip->vip.find(':') != std::string::npos;
    return url(v6 ? "::" : "0.0.0.0", cluster.etcd.client_port);
  }
  return client_url(cluster, node) + "," + local_client_url(cluster);
}

std::string render_config(const config::Cluster& cluster, const config::Node& node) {
  std::string out = "# written by acpctl; changes are overwritten on the next apply\n";
  out += fmt::format("name: {}\n", quoted(node.name));
  out += fmt::format("data-dir: {}\n", quoted(cluster.etcd.data_dir));
  out += fmt::format("listen-peer-urls: {}\n", peer_url(cluster, node));
  out += fmt::format("listen-client-urls: {}\n", listen_client_urls(cluster, node));
  out += fmt::format("initial-advertise-peer-urls: {}\n", peer_url(cluster, node));
  out += fmt::format("advertise-client-urls: {}\n", client_url(cluster, node));
  out += tls_block("client-transport-security", "server");
  out += tls_block("peer-transport-security", "peer");
  out += "logger: zap\nlog-outputs: [stderr]\n";
  return out;
}

std::string bootstrap_config(const std::string& initial_cluster, bool existing,
                             const std::string& token) {
  return fmt::format("# first start only (etcd ignores these once its data dir has a member)\n"
                     "initial-cluster: {}\ninitial-cluster-state: {}\ninitial-cluster-token: {}\n",
                     quoted(initial_cluster), existing ? "existing" : "new", quoted(token));
}

std::string cluster_token(const config::Cluster& cluster) {
  return "acp-" + cluster.name;
}

std::vector<std::string> etcdctl(const std::vector<std::string>& endpoints,
                                 const std::vector<std::string>& args) {
  std::string list;
  for (const auto& e : endpoints)
    list += (list.empty() ? "" : ",") + e;
  std::vector<std::string> argv{k_etcdctl,
                                "--endpoints=" + list,
                                std::string("--cacert=") + k_ca_cert,
                                std::string("--cert=") + k_client_cert,
                                std::string("--key=") + k_client_key,
                                "--dial-timeout=2s",
                                "--command-timeout=5s",
                                "-w",
                                "json"};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

service::ServiceSpec service_spec(const config::Cluster& cluster) {
  service::ServiceSpec spec;
  spec.name = k_service;
  spec.command = {k_etcd, "--config-file", k_config_file};
  spec.working_dir = k_config_dir;
  spec.health_check = etcdctl({local_client_url(cluster)}, {"endpoint", "health"});
  spec.restart = service::RestartPolicy::always;
  return spec;
}

std::string hex_id(std::uint64_t id) {
  return fmt::format("{:x}", id);
}

} // namespace acp::etcd
