// Stage "containerd": the runtime on every node whose package carries containerd; config
// and hosts directory rewritten and containerd restarted when they or the binaries change
// (the containers keep running: only the daemon restarts), started when down.

#include "acpctl/components/containerd/containerd.hpp"
#include "acpctl/stages/platform.hpp"

namespace acp::containerd {

using namespace plan;

namespace {

constexpr const char* k_what = "config.toml, the registry hosts or the binaries";
constexpr int k_gate_seconds = 20; // runsvdir's scan (up to 5 s), then the daemon's start

} // namespace

void plan_node(const PlanInput& input, const HostContext& host, std::vector<Step>& out) {
  if (!input.platform)
    return;
  const std::string name(k_name);
  const auto& files = input.platform->of(host.node.name, name);
  const auto* binary = binary_component(host, name);
  if (files.empty() || !binary) {
    if (host.facts.state.find_record(name))
      out.push_back(stages::prune_record_step(
          name, "the package has no containerd: stop acp-containerd, delete its config"));
    return;
  }
  if (auto step =
          plan_platform_service(host, name, name, service_digest(files, binary->digest), k_what))
    out.push_back(std::move(*step));
}

service::ServiceSpec service_spec() {
  service::ServiceSpec spec;
  spec.name = std::string(k_name);
  const std::string bin(k_bin_dir);
  spec.command = {bin + "/containerd", "--config", std::string(k_config)};
  spec.environment = {
      {"PATH", bin + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}};
  spec.restart = service::RestartPolicy::always;
  spec.health_check = {bin + "/ctr", "--address", std::string(k_socket),
                       "--timeout",  "2s",        "version"};
  spec.start_seconds = k_gate_seconds;
  spec.check_interval_seconds = 1;
  spec.keep_children = true;
  spec.open_files = 1048576;
  spec.delegate_cgroups = true;
  return spec;
}

Result<state::StateChange> apply(const plan::Step& step, stages::StepContext& ctx) {
  using namespace stages;
  if (!ctx.desired)
    return Error(Errc::failed, "the package has no containerd component")
        .with_hint("apply with the package the plan was made from");
  auto files = render_for(&render, ctx);
  if (!files)
    return std::move(files).error();
  const auto digest = service_digest(digests_of(*files), ctx.desired->digest);
  if (auto ok = check_digest(k_what, digest, step.digest); !ok)
    return std::move(ok).error();
  if (auto ok = write_files(ctx.actions, *files); !ok)
    return std::move(ok).error();
  if (auto ok = run_platform_service(ctx, service_spec(), k_gate_seconds); !ok)
    return std::move(ok).error();
  return state::StateChange::put_record(platform_record(
      std::string(k_name), step.digest, *files, {"/etc/acp/containerd"}, std::string(k_name), {}));
}

} // namespace acp::containerd
