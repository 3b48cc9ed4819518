// containerd's files: config.toml, and the hosts directory that sends every pull to the
// platform registry's pull port with the cluster CA and the node's client certificate.

#include "acpctl/components/containerd/containerd.hpp"
#include "acpctl/pki/pki.hpp"

#include <fmt/format.h>

namespace acp::containerd {

namespace {

constexpr std::string_view k_ca = "/etc/acp/containerd/ca.crt";

} // namespace

std::string render_config(const config::Cluster& cluster, const ConfigInput& in) {
  std::string sandbox;
  if (cluster.registry)
    sandbox = fmt::format("  sandbox_image = \"{}/acp/pause:3.9\"\n", cluster.registry->address);
  return fmt::format(
      R"(# Written by acpctl; changes are overwritten on the next apply.
version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
oom_score = -999

[grpc]
  address = "{socket}"

[plugins."io.containerd.grpc.v1.cri"]
{sandbox}  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "{bin}/runc"
        SystemdCgroup = {systemd}
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "{hosts}"
)",
      fmt::arg("socket", k_socket), fmt::arg("sandbox", sandbox), fmt::arg("bin", k_bin_dir),
      fmt::arg("systemd", in.systemd_cgroup ? "true" : "false"), fmt::arg("hosts", k_hosts_dir));
}

std::string render_hosts(std::string_view address, std::string_view pull_address,
                         const HostsTrust& trust, bool mirror) {
  std::string out = "# Written by acpctl; changes are overwritten on the next apply.\n"
                    "# Pulls go to the registry's pull port with this node's certificate.\n";
  // The registry's own name: its server (the password port) only for pushes, so a failed pull
  // never falls back to it. containerd 1.6 also wants a [host] table in every hosts.toml.
  if (!mirror)
    out += fmt::format("server = \"https://{}\"\ncapabilities = [\"push\"]\nca = \"{}\"\n", address,
                       trust.ca);
  return out + fmt::format("\n[host.\"https://{}\"]\n  capabilities = [\"pull\", \"resolve\"]\n"
                           "  ca = \"{}\"\n  client = [[\"{}\", \"{}\"]]\n",
                           pull_address, trust.ca, trust.client_cert, trust.client_key);
}

Result<std::vector<service::FileToWrite>> render(const stages::PlatformSource& source,
                                                 const config::Node& node) {
  const auto* facts = source.facts_of(node.name);
  ConfigInput in;
  in.systemd_cgroup = facts && facts->service_manager == facts::ServiceManagerKind::systemd;
  std::vector<service::FileToWrite> out;
  if (!source.carries(k_name))
    return out;
  out.push_back({std::string(k_config), render_config(source.cluster, in), 0644});
  const auto& registry = source.cluster.registry;
  if (!registry)
    return out;
  if (!source.pki)
    return Error(Errc::failed, "the cluster PKI is not loaded: the registry's CA is unknown")
        .with_host(node.name);
  const auto* client = source.pki->registry_client(node.name);
  if (!client)
    return Error(Errc::failed, "the cluster PKI has no registry client certificate for this node")
        .with_host(node.name)
        .with_hint("run acpctl apply again: it issues the certificates the config needs");
  const auto dir = std::string(k_hosts_dir);
  const HostsTrust trust{std::string(k_ca), std::string(k_client_cert), std::string(k_client_key)};
  out.push_back({std::string(k_ca), source.pki->ca_cert(), 0644});
  out.push_back({std::string(k_client_cert), client->cert, 0644});
  out.push_back({std::string(k_client_key), client->key, 0600});
  out.push_back({fmt::format("{}/{}/hosts.toml", dir, registry->address),
                 render_hosts(registry->address, registry->pull_address(), trust, false), 0644});
  out.push_back({dir + "/_default/hosts.toml",
                 render_hosts(registry->address, registry->pull_address(), trust, true), 0644});
  return out;
}

} // namespace acp::containerd
