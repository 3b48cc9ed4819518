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
  stages::plan_binary_service(
      input, host, std::string(k_name), k_what,
      [](bool) { return "the package has no containerd: stop acp-containerd, delete its config"; },
      out);
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
  auto files = render_planned(&render, step, ctx, k_what);
  if (!files)
    return std::move(files).error();
  if (auto ok = write_files(ctx.actions, *files); !ok)
    return std::move(ok).error();
  if (auto ok = run_platform_service(ctx, service_spec(), k_gate_seconds); !ok)
    return std::move(ok).error();
  return state::StateChange::put_record(platform_record(
      std::string(k_name), step.digest, *files, {"/etc/acp/containerd"}, std::string(k_name), {}));
}

} // namespace acp::containerd
