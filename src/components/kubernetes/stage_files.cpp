// Stage "kubernetes": on every node whose package or OS brings kubeadm and the kubelet, the
// certificates and kubeconfigs of kubeadm's external-CA mode (files.hpp), the kubelet's
// wrapper and the acp-kubelet service. A change rewrites them and restarts the kubelet; the
// kubelet waits for kubeadm's config until the bootstrap stage has run.

#include "acpctl/components/kubernetes/files.hpp"
#include "acpctl/components/kubernetes/stage.hpp"
#include "acpctl/plan/planner.hpp"
#include "acpctl/stages/platform.hpp"

#include <fmt/format.h>

namespace acp::kubernetes {

using namespace plan;

namespace {

constexpr const char* k_what = "certificates, kubeconfigs or the kubelet's binaries";
constexpr int k_gate_seconds = 60; // a configured kubelet's first healthz can take a while

const KubeFacts* kube_facts(const stages::PlatformSource& source, const config::Node& node) {
  const auto* facts = source.facts_of(node.name);
  return facts ? facts->component<KubeFacts>(std::string(k_name)) : nullptr;
}

// The digest of the binaries the kubelet runs: the package's component, else the node's.
std::string binaries_digest(const HostContext& host) {
  if (const auto* binary = binary_component(host, k_name))
    return binary->digest;
  const auto* f = host.facts.component<KubeFacts>(std::string(k_name));
  return f ? f->binaries_digest : std::string();
}

// Before a bootstrapped control plane's certificates or kubeconfigs change: the marker that
// makes the bootstrap stage restart its static pods, this apply or (interrupted) the next.
Status mark_restart(stages::StepContext& ctx, const KubeFacts* f,
                    std::span<const FileDigest> planned) {
  if (!f || !f->bootstrapped() || !ctx.node->has_role(config::Role::control_plane) ||
      !static_pod_files_changed(ctx.state.find_record(std::string(k_name)), planned))
    return {};
  auto up =
      ctx.actions.upload_text("certificates or kubeconfigs changed: restart the static pods\n",
                              std::string(k_restart_marker), 0600);
  if (!up)
    return std::move(up).error();
  return {};
}

} // namespace

std::vector<int> kubernetes_ports(bool control_plane) {
  if (control_plane)
    return {6443, 10248, 10249, 10250, 10256, 10257, 10259};
  return {10248, 10249, 10250, 10256};
}

std::string bin_dir(const stages::PlatformSource& source, const config::Node& node) {
  if (source.desired && source.carries(k_name))
    return std::string(k_package_bin_dir);
  const auto* f = kube_facts(source, node);
  return f ? f->bin_dir : std::string();
}

std::string render_kubelet_run(std::string_view bin_dir) {
  return fmt::format(R"SH(#!/bin/sh
# acpctl: runs the kubelet as kubeadm's systemd drop-in does. Until kubeadm init or join has
# written the kubelet's configuration there is nothing to run: wait for it.
while [ ! -f /var/lib/kubelet/config.yaml ]; do sleep 1; done
KUBELET_KUBEADM_ARGS=
[ -f /var/lib/kubelet/kubeadm-flags.env ] && . /var/lib/kubelet/kubeadm-flags.env
exec {}/kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf \
  --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml \
  $KUBELET_KUBEADM_ARGS
)SH",
                     bin_dir);
}

service::ServiceSpec kubelet_spec() {
  service::ServiceSpec spec;
  spec.name = "kubelet";
  spec.command = {"/bin/sh", std::string(k_kubelet_run)};
  spec.environment = {{"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}};
  spec.restart = service::RestartPolicy::always;
  // Healthy once configured and its healthz says ok; unconfigured, waiting is its health.
  spec.health_check = {
      "/bin/sh", "-c",
      "[ -f /var/lib/kubelet/config.yaml ] || exit 0; u=http://127.0.0.1:10248/healthz; "
      "if command -v curl >/dev/null; then r=$(curl -s -m 2 $u); else r=$(wget -q -T 2 -O - "
      "$u); fi; [ \"$r\" = ok ]"};
  spec.start_seconds = k_gate_seconds;
  spec.check_interval_seconds = 1;
  spec.keep_children = true;
  spec.open_files = 1048576;
  spec.delegate_cgroups = true;
  return spec;
}

Result<std::vector<service::FileToWrite>> render(const stages::PlatformSource& source,
                                                 const config::Node& node) {
  const auto dir = bin_dir(source, node);
  if (dir.empty() || !source.pki || source.cluster.kubernetes_version.empty())
    return std::vector<service::FileToWrite>{};
  auto placed = node_files(source.cluster, *source.pki, node);
  if (!placed)
    return std::move(placed).error();
  std::vector<service::FileToWrite> files;
  for (auto& f : *placed)
    files.push_back({std::move(f.path), std::move(f.content), static_cast<int>(f.mode)});
  files.push_back({std::string(k_kubelet_run), render_kubelet_run(dir), 0755});
  return files;
}

void plan_node(const PlanInput& input, const HostContext& host, std::vector<Step>& out) {
  if (!input.platform)
    return;
  const auto& files = input.platform->of(host.node.name, std::string(k_name));
  const auto binaries = binaries_digest(host);
  if (files.empty() || binaries.empty()) {
    if (host.facts.state.find_record(std::string(k_name)))
      out.push_back(stages::prune_record_step(
          std::string(k_name), "no kubeadm and kubelet for this node: stop acp-kubelet"));
    return;
  }
  if (auto step = plan_platform_service(host, std::string(k_name), "kubelet",
                                        service_digest(files, binaries), k_what))
    out.push_back(std::move(*step));
}

Result<state::StateChange> apply(const plan::Step& step, stages::StepContext& ctx) {
  using namespace stages;
  if (!ctx.node || !ctx.platform)
    return Error(Errc::failed, "the kubernetes stage needs the cluster's node and PKI");
  auto files = render_for(&render, ctx);
  if (!files)
    return std::move(files).error();
  const auto* f = ctx.facts.component<KubeFacts>(std::string(k_name));
  const auto binaries =
      ctx.desired ? ctx.desired->digest : (f ? f->binaries_digest : std::string());
  if (auto ok = check_digest(k_what, service_digest(digests_of(*files), binaries), step.digest);
      !ok)
    return std::move(ok).error();
  if (auto ok = mark_restart(ctx, f, digests_of(*files)); !ok)
    return std::move(ok).error();
  if (auto ok = write_files(ctx.actions, *files); !ok)
    return std::move(ok).error();
  if (auto ok = run_platform_service(ctx, kubelet_spec(), k_gate_seconds); !ok)
    return std::move(ok).error();
  return state::StateChange::put_record(
      platform_record(std::string(k_name), step.digest, *files, {std::string(k_acp_dir)}, "kubelet",
                      kubernetes_ports(ctx.node->has_role(config::Role::control_plane))));
}

} // namespace acp::kubernetes
