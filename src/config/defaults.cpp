// Stage 2 of loading: defaults for what the file leaves out.

#include "acpctl/util/fs.hpp"
#include "parse.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace acp::config::detail {

namespace {

// spec.pki's paths are relative to the config file, so a config and its CA can move together.
// So is an S3 endpoint's CA bundle.
void resolve_paths(Cluster& cluster) {
  namespace fs = std::filesystem;
  const bool from_file = !cluster.source.empty() && cluster.source != "<stdin>";
  const fs::path base = from_file ? fs::path(cluster.source).parent_path() : fs::path{};
  std::vector<std::string*> files;
  if (cluster.pki)
    files = {&cluster.pki->ca_cert_file, &cluster.pki->ca_key_file};
  if (cluster.etcd_backup && cluster.etcd_backup->s3)
    files.push_back(&cluster.etcd_backup->s3->ca_file);
  for (auto* file : files) {
    if (file->empty())
      continue;
    fs::path path = util::expand_home(*file);
    if (path.is_relative())
      path = base / path;
    std::error_code ec;
    const auto absolute = fs::absolute(path, ec);
    *file = (ec ? path : absolute).lexically_normal().string();
  }
}

} // namespace

void apply_defaults(Cluster& cluster) {
  for (std::size_t i = 0; i < cluster.nodes.size(); ++i) {
    auto& node = cluster.nodes[i];
    if (node.port == 0)
      node.port = cluster.ssh.port;
    if (node.user.empty())
      node.user = cluster.ssh.user;
    if (node.key_path.empty())
      node.key_path = cluster.ssh.key_path;
    // A non-root user needs sudo for everything acpctl does, unless the file says otherwise.
    const bool sudo_written =
        cluster.positions.contains("spec.nodes[" + std::to_string(i) + "].sudo");
    if (node.user != "root" && !sudo_written)
      node.sudo.enabled = true;
  }
  resolve_paths(cluster);
  auto& net = cluster.network;
  const bool v4 = net.ip_family != IpFamily::ipv6;
  const bool v6 = net.ip_family != IpFamily::ipv4;
  if (net.pod_cidrs.empty()) {
    if (v4)
      net.pod_cidrs.emplace_back("10.3.0.0/16");
    if (v6)
      net.pod_cidrs.emplace_back("fd00:10:3::/56");
  }
  if (net.service_cidrs.empty()) {
    if (v4)
      net.service_cidrs.emplace_back("10.4.0.0/16");
    if (v6)
      net.service_cidrs.emplace_back("fd00:10:4::/112");
  }
  if (cluster.registry && cluster.registry->username.empty())
    cluster.registry->username = "admin";
}

} // namespace acp::config::detail
