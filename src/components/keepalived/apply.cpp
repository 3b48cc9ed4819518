// Stage "keepalived", apply half: write keepalived.conf and check.sh, then run keepalived
// under the host's ServiceManager. Healthy = the supervisor reports it running; which node
// holds the VIP is keepalived's business (it moves between nodes on its own).

#include "acpctl/components/keepalived/inputs.hpp"
#include "acpctl/components/keepalived/render.hpp"
#include "acpctl/components/keepalived/service.hpp"
#include "acpctl/components/keepalived/steps.hpp"
#include "acpctl/pki/pki.hpp"
#include "acpctl/stages/platform.hpp"

namespace acp::keepalived {

using namespace stages;

namespace {

// runsvdir notices a new service directory on its next scan (up to 5 s); allow for that.
constexpr int k_gate_seconds = 15;

} // namespace

Result<std::vector<service::FileToWrite>> render(const PlatformSource& source,
                                                 const config::Node& node) {
  const auto& cluster = source.cluster;
  std::vector<service::FileToWrite> out;
  if (!cluster.endpoint.self_built_vip || !node.has_role(config::Role::control_plane))
    return out;
  // The interface: the config's, else the one holding the node's address (from its facts;
  // without facts interface_for fails saying to set it).
  static const facts::HostFacts no_facts;
  const auto* facts = source.facts_of(node.name);
  auto interface = interface_for(cluster, node, facts ? *facts : no_facts);
  if (!interface)
    return std::move(interface).error();
  const auto dir = pki::cluster_dir(cluster);
  auto password = auth_password(cluster, dir);
  if (!password)
    return std::move(password).error();
  auto salt = digest_salt(dir);
  if (!salt)
    return std::move(salt).error();
  auto conf =
      render_config({cluster, node, *interface, *password, std::string(k_check_path), *salt});
  if (!conf)
    return std::move(conf).error();
  out.push_back({std::string(k_config_path), std::move(*conf), 0600});
  out.push_back({std::string(k_check_path), render_check_script(cluster, node), 0755});
  return out;
}

Result<state::StateChange> apply(const plan::Step& step, StepContext& ctx) {
  auto files = render_planned(&render, step, ctx, k_inputs);
  if (!files)
    return std::move(files).error();
  // Uploads skip identical files, so a restart of a service that is down rewrites nothing.
  if (auto ok = write_files(ctx.actions, *files); !ok)
    return std::move(ok).error();
  if (auto ok = run_platform_service(ctx, service_spec(), k_gate_seconds); !ok)
    return std::move(ok).error();
  return state::StateChange::put_record(platform_record("keepalived", step.digest, *files,
                                                        {"/etc/acp/keepalived"}, "keepalived", {}));
}

} // namespace acp::keepalived
