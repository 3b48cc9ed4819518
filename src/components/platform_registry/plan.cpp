// Stage "registry": a replica on every control-plane node of a cluster with spec.registry
// whose package carries the registry; rewritten and restarted when its files or the binary
// change, started when down, removed where no longer wanted.

#include "acpctl/components/platform_registry/registry.hpp"
#include "acpctl/stages/platform.hpp"

namespace acp::platform_registry {

using namespace plan;

namespace {

constexpr const char* k_what = "config.yml, the certificate, htpasswd or the binary";
// runsvdir notices a new service directory on its next scan (up to 5 s); allow for that.
constexpr int k_gate_seconds = 20;

} // namespace

void plan_node(const PlanInput& input, const HostContext& host, std::vector<Step>& out) {
  const bool wanted = input.cluster.registry.has_value();
  stages::plan_binary_service(
      input, host, std::string(k_name), k_what,
      [wanted](bool binary) {
        return !binary   ? "the package has no registry: stop acp-registry, delete its files"
               : !wanted ? "no spec.registry any more: stop acp-registry, delete its files"
                         : "not a control-plane node: stop acp-registry, delete its files";
      },
      out);
}

service::ServiceSpec registry_spec(std::string_view name, std::string_view config, int port) {
  service::ServiceSpec spec;
  spec.name = std::string(name);
  spec.command = {std::string(k_binary), "serve", std::string(config)};
  spec.restart = service::RestartPolicy::always;
  spec.health_check = {"timeout", "2", "bash", "-c",
                       "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port)};
  spec.start_seconds = k_gate_seconds;
  spec.check_interval_seconds = 1;
  spec.open_files = 65536;
  return spec;
}

service::ServiceSpec service_spec(const config::Cluster& cluster) {
  return registry_spec(k_name, k_config, cluster.registry ? cluster.registry->port : 11443);
}

Result<state::StateChange> apply(const plan::Step& step, stages::StepContext& ctx) {
  using namespace stages;
  auto files = render_planned(&render, step, ctx, k_what);
  if (!files)
    return std::move(files).error();
  const auto& cluster = ctx.platform->cluster;
  const auto storage = cluster.registry->storage_dir;
  if (auto ok = ctx.actions.run({"mkdir", "-p", "-m", "0700", "--", storage}); !ok)
    return std::move(ok).error();
  if (auto ok = write_files(ctx.actions, *files); !ok)
    return std::move(ok).error();
  if (auto ok = run_platform_service(ctx, service_spec(cluster), k_gate_seconds); !ok)
    return std::move(ok).error();
  return state::StateChange::put_record(
      platform_record(std::string(k_name), step.digest, *files, {"/etc/acp/registry", storage},
                      std::string(k_name), {cluster.registry->port}));
}

} // namespace acp::platform_registry
