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
constexpr int k_gate_seconds = 20; // runsvdir's scan (up to 5 s), then the registry's start

// The registry binary the plan installs: the pull listener runs the same one.
const plan::DesiredComponent* registry_binary(const stages::StepContext& ctx) {
  if (!ctx.platform || !ctx.platform->desired)
    return nullptr;
  for (const auto& c : *ctx.platform->desired)
    if (c.name == k_name && !c.service)
      return &c;
  return nullptr;
}

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
  const auto* pair = source.pki ? source.pki->registry_server(node.name) : nullptr;
  if (!pair)
    return Error(Errc::failed, "the cluster PKI has no registry certificate for this node")
        .with_host(node.name)
        .with_hint("run acpctl apply again: it issues the certificates the config needs");
  // Its own copies: a renewed server certificate changes these files and restarts it too.
  out.push_back({std::string(k_pull_config), render_pull_config(*cluster.registry), 0644});
  out.push_back({std::string(k_pull_cert), pair->cert + source.pki->ca_cert(), 0644});
  out.push_back({std::string(k_pull_key), pair->key, 0600});
  out.push_back({std::string(k_pull_client_ca), source.pki->ca_cert(), 0644});
  return out;
}

void plan_pull(const plan::PlanInput& input, const plan::HostContext& host,
               std::vector<plan::Step>& out) {
  if (!input.platform)
    return;
  const std::string record(k_pull_name);
  const auto& files = input.platform->of(host.node.name, record);
  const auto* binary = plan::binary_component(host, k_name);
  if (files.empty() || !binary) {
    if (host.facts.state.find_record(record))
      out.push_back(stages::prune_record_step(
          record, "no registry replica here any more: stop acp-registry-pull, delete its files"));
    return;
  }
  if (auto step = plan::plan_platform_service(
          host, record, record, plan::service_digest(files, binary->digest), k_pull_what))
    out.push_back(std::move(*step));
}

service::ServiceSpec pull_service_spec(const config::Cluster& cluster) {
  service::ServiceSpec spec;
  spec.name = std::string(k_pull_name);
  spec.command = {std::string(k_binary), "serve", std::string(k_pull_config)};
  spec.restart = service::RestartPolicy::always;
  const int port = cluster.registry ? cluster.registry->pull_port : 11444;
  spec.health_check = {"timeout", "2", "bash", "-c",
                       "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port)};
  spec.start_seconds = k_gate_seconds;
  spec.check_interval_seconds = 1;
  spec.open_files = 65536;
  return spec;
}

Result<state::StateChange> apply_pull(const plan::Step& step, stages::StepContext& ctx) {
  using namespace stages;
  const auto* binary = registry_binary(ctx);
  if (!binary)
    return Error(Errc::failed, "the package has no registry component")
        .with_hint("apply with the package the plan was made from");
  auto files = render_for(&render_pull, ctx);
  if (!files)
    return std::move(files).error();
  if (auto ok = check_digest(k_pull_what, plan::service_digest(digests_of(*files), binary->digest),
                             step.digest);
      !ok)
    return std::move(ok).error();
  const auto& cluster = ctx.platform->cluster;
  // The storage directory is acp-registry's (stage "registry" made it); read-only here.
  if (auto ok = write_files(ctx.actions, *files); !ok)
    return std::move(ok).error();
  if (auto ok = run_platform_service(ctx, pull_service_spec(cluster), k_gate_seconds); !ok)
    return std::move(ok).error();
  return state::StateChange::put_record(
      platform_record(std::string(k_pull_name), step.digest, *files, {"/etc/acp/registry-pull"},
                      std::string(k_pull_name), {cluster.registry->pull_port}));
}

} // namespace acp::platform_registry
