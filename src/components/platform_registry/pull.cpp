// Stage "registry-pull": beside every replica, a second docker-registry process on the same
// storage that serves pulls only, to clients with a certificate from the cluster CA. One
// process serves one listener, so the pull port is its own service with its own record.

#include "acpctl/components/platform_registry/registry.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/stages/platform.hpp"

#include <fmt/format.h>

namespace acp::platform_registry {

namespace {

constexpr const char* k_pull_what = "the pull listener's config, certificates or the binary";

} // namespace

std::string render_pull_config(const config::Registry& registry) {
  return fmt::format(R"(# Written by acpctl; changes are overwritten on the next apply.
# The replica's pull listener: the storage of acp-registry, which alone writes it; read-only
# here (pushes and deletes refused, no upload purging). Clients need a certificate from the
# cluster CA; there is no password.
version: 0.1
log:
  level: info
  formatter: text
  fields:
    service: acp-registry-pull
storage:
  filesystem:
    rootdirectory: {storage}
  maintenance:
    readonly:
      enabled: true
    uploadpurging:
      enabled: false
http:
  addr: :{port}
  tls:
    certificate: {cert}
    key: {key}
    clientcas:
      - {client_ca}
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
)",
                     fmt::arg("storage", registry.storage_dir),
                     fmt::arg("port", registry.pull_port), fmt::arg("cert", k_pull_cert),
                     fmt::arg("key", k_pull_key), fmt::arg("client_ca", k_pull_client_ca));
}

Result<std::vector<service::FileToWrite>> render_pull(const stages::PlatformSource& source,
                                                      const config::Node& node) {
  const auto& cluster = source.cluster;
  std::vector<service::FileToWrite> out;
  if (!cluster.registry || !node.has_role(config::Role::control_plane) || !source.carries(k_name))
    return out;
  auto found = server_pair(source, node);
  if (!found)
    return std::move(found).error();
  const auto* pair = *found;
  // Its own copies: a renewed server certificate changes these files and restarts it too.
  out.push_back({std::string(k_pull_config), render_pull_config(*cluster.registry), 0644});
  out.push_back({std::string(k_pull_cert), pair->cert + source.pki->ca_cert(), 0644});
  out.push_back({std::string(k_pull_key), pair->key, 0600});
  out.push_back({std::string(k_pull_client_ca), source.pki->ca_cert(), 0644});
  return out;
}

void plan_pull(const plan::PlanInput& input, const plan::HostContext& host,
               std::vector<plan::Step>& out) {
  stages::plan_binary_service(
      input, host, std::string(k_pull_name), k_pull_what,
      [](bool) {
        return "no registry replica here any more: stop acp-registry-pull, delete its "
               "files";
      },
      out, k_name);
}

service::ServiceSpec pull_service_spec(const config::Cluster& cluster) {
  return registry_spec(k_pull_name, k_pull_config,
                       cluster.registry ? cluster.registry->pull_port : 11444);
}

Result<state::StateChange> apply_pull(const plan::Step& step, stages::StepContext& ctx) {
  using namespace stages;
  auto files = render_planned(&render_pull, step, ctx, k_pull_what, k_name);
  if (!files)
    return std::move(files).error();
  const auto& cluster = ctx.platform->cluster;
  // The storage directory is acp-registry's (stage "registry" made it); read-only here.
  if (auto ok = write_files(ctx.actions, *files); !ok)
    return std::move(ok).error();
  const auto spec = pull_service_spec(cluster);
  if (auto ok = run_platform_service(ctx, spec, spec.start_seconds); !ok)
    return std::move(ok).error();
  return state::StateChange::put_record(
      platform_record(std::string(k_pull_name), step.digest, *files, {"/etc/acp/registry-pull"},
                      std::string(k_pull_name), {cluster.registry->pull_port}));
}

} // namespace acp::platform_registry
