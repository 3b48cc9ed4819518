// A bootstrapped control plane's static pods read their certificates and kubeconfigs once, at
// start (kube-apiserver's etcd and kubelet client certificates, the controller-manager's and
// the scheduler's kubeconfigs): after the kubernetes stage rewrote them (`acpctl certs renew`)
// they must restart, as `kubeadm certs renew` also says. The kubelet restarts a static pod
// whose manifest goes and comes back; acpctl does that one pod at a time, one control plane at
// a time (the serial bootstrap stage), each followed by the API gate.

#include "acpctl/components/kubernetes/files.hpp"
#include "acpctl/components/kubernetes/stage.hpp"
#include "bootstrap.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace acp::kubernetes {

namespace {

// Each manifest leaves the directory until the pod's port stops answering (the kubelet
// stopped it; 60 s at most), then comes back. A manifest found in the holding directory is
// an interrupted restart's: it goes back. Ports: kube-apiserver 6443, controller-manager
// 10257, scheduler 10259 (-k: only whether something answers, no credentials are sent);
// without curl, the kubelet's file-check period.
constexpr std::string_view k_script = R"SH(set -e
m=/etc/kubernetes/manifests
hold=/etc/kubernetes/.acp-restart
mkdir -p -m 0700 "$hold"
for pod in kube-apiserver:6443:readyz kube-controller-manager:10257:healthz \
  kube-scheduler:10259:healthz; do
  name=${pod%%:*}; rest=${pod#*:}; port=${rest%%:*}; path=${rest#*:}
  [ -f "$m/$name.yaml" ] || [ -f "$hold/$name.yaml" ] || continue
  [ ! -f "$m/$name.yaml" ] || mv -f "$m/$name.yaml" "$hold/$name.yaml"
  # without curl: past the kubelet's 20 s file-check period
  command -v curl >/dev/null || sleep 25
  i=0
  while curl -sk -m 1 -o /dev/null "https://127.0.0.1:$port/$path" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -ge 120 ]; then
      mv -f "$hold/$name.yaml" "$m/$name.yaml"
      echo "$name still answers on :$port 60 s after its manifest left: the kubelet did not stop it" >&2
      exit 1
    fi
    sleep 0.5
  done
  mv -f "$hold/$name.yaml" "$m/$name.yaml"
  echo "restarted $name"
done
rmdir "$hold"
)SH";

bool is_static_pod_file(std::string_view path) {
  if (path.starts_with(std::string(k_pki_dir) + "/"))
    return true;
  for (const auto* conf :
       {"admin.conf", "super-admin.conf", "controller-manager.conf", "scheduler.conf"})
    if (path == fmt::format("{}/{}", k_kubernetes_dir, conf))
      return true;
  return false;
}

} // namespace

bool static_pod_files_changed(const state::PlatformRecord* record,
                              std::span<const plan::FileDigest> planned) {
  if (!record)
    return false;
  for (const auto& f : planned) {
    if (!is_static_pod_file(f.path))
      continue;
    const auto it = std::find_if(record->files.begin(), record->files.end(),
                                 [&](const state::InstalledFile& r) { return r.path == f.path; });
    if (it == record->files.end() || it->sha256 != f.sha256)
      return true;
  }
  return false;
}

Status restart_static_pods(stages::StepContext& ctx) {
  const auto& host = ctx.actions.node().host();
  if (auto r = ctx.actions.run({"/bin/sh", "-c", std::string(k_script)}); !r)
    return std::move(r)
        .error()
        .context("restarting the static pods")
        .with_host(host)
        .with_hint("look at the kubelet's log on the node; the next apply restarts them again");
  if (!ctx.actions.dry_run())
    if (auto ok = api_gate(ctx); !ok)
      return ok;
  if (auto r = ctx.actions.run({"rm", "-f", std::string(k_restart_marker)}); !r)
    return std::move(r).error().with_host(host);
  return {};
}

} // namespace acp::kubernetes
