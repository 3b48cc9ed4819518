// Kubernetes on a node, as the facts probe sees it: where kubeadm and the kubelet are, how
// far kubeadm got (acpctl's marker, the kubelet's config, the API server's manifest), whether
// the kubelet answers and whether a kubeadm still runs; and its line in `acpctl status`.

#include "acpctl/components/kubernetes/prereqs.hpp"
#include "acpctl/components/kubernetes/stage.hpp"
#include "acpctl/util/strings.hpp"

#include <fmt/format.h>

namespace acp::kubernetes {

namespace {

// Only on a node with kubeadm (the package's, else one on PATH).
constexpr std::string_view k_script =
    R"SH(kb=/opt/acp/components/kubernetes/current/bin
[ -x "$kb/kubeadm" ] || { kb=$(command -v kubeadm 2>/dev/null); kb=${kb%/kubeadm}; }
if [ -n "$kb" ] && [ -x "$kb/kubeadm" ]; then
  s kubernetes-bin; echo "$kb"
  s kubernetes-version; "$kb/kubeadm" version -o short 2>/dev/null
  if [ "$kb" != /opt/acp/components/kubernetes/current/bin ]; then
    s kubernetes-digest; cat "$kb/kubeadm" "$kb/kubelet" 2>/dev/null | sha256sum 2>/dev/null
  fi
  s kubernetes-marker; rd /etc/acp/kubernetes/bootstrapped
  s kubernetes-files
  [ -f /var/lib/kubelet/config.yaml ] && echo kubelet-config
  [ -f /etc/kubernetes/manifests/kube-apiserver.yaml ] && echo apiserver-manifest
  [ -f /etc/acp/kubernetes/restart-pending ] && echo restart-pending
  # an interrupted apply's kubeadm matters only before the node is bootstrapped
  [ -f /etc/acp/kubernetes/bootstrapped ] || for f in /proc/[0-9]*/comm; do
    { read -r c <"$f"; } 2>/dev/null && [ "$c" = kubeadm ] && { echo kubeadm-running; break; }
  done
  if [ -f /etc/kubernetes/manifests/kube-apiserver.yaml ] && [ -f /etc/acp/kubernetes/bootstrapped ] &&
    have curl; then
    p=/etc/kubernetes/pki
    s kubernetes-nodes; curl -sf -m 3 --cacert $p/ca.crt --cert $p/apiserver-kubelet-client.crt \
      --key $p/apiserver-kubelet-client.key https://127.0.0.1:6443/api/v1/nodes 2>/dev/null
  fi
  if [ ! -f /etc/acp/kubernetes/bootstrapped ]; then
    s kubernetes-swaps; rd /proc/swaps
    if [ -r /proc/modules ]; then s kubernetes-modules; cat /proc/modules; fi
    s kubernetes-builtin; cat "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null
    s kubernetes-sysctl
    for k in net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables \
      net.ipv6.conf.all.forwarding net.bridge.bridge-nf-call-ip6tables; do
      f=/proc/sys/$(echo "$k" | tr . /) # cat: procfs sysctls end reads at a byte offset
      [ -r "$f" ] && echo "$k=$(cat "$f" 2>/dev/null)"
    done
  fi
  s kubernetes-healthz
  if have curl; then curl -s -m 2 http://127.0.0.1:10248/healthz 2>/dev/null
  elif have wget; then wget -q -T 2 -O - http://127.0.0.1:10248/healthz 2>/dev/null; fi
fi)SH";

std::string section(const facts::ProbeSections& sections, const char* name) {
  const auto it = sections.find(name);
  return it == sections.end() ? std::string() : std::string(util::trim(it->second));
}

// The Node names of a NodeList; nullopt when the text is none (no answer, an error).
std::optional<std::vector<std::string>> node_names(const std::string& text) {
  const auto list = nlohmann::json::parse(text, nullptr, false);
  if (list.is_discarded() || !list.is_object() || !list.contains("items") ||
      !list["items"].is_array())
    return std::nullopt;
  std::vector<std::string> out;
  for (const auto& item : list["items"])
    if (item.contains("metadata") && item["metadata"].value("name", "") != "")
      out.push_back(item["metadata"]["name"].get<std::string>());
  return out;
}

// What the kubelet's prerequisites are checked against; modules unknown when /proc/modules
// could not be read (a container) and the kernel builds none in.
ProbeOutput probe_output(const facts::ProbeSections& sections) {
  ProbeOutput p;
  p.proc_swaps = section(sections, "swaps");
  p.proc_modules = section(sections, "modules");
  p.modules_builtin = section(sections, "builtin");
  for (const auto& line : util::split(section(sections, "sysctl"), '\n'))
    if (const auto eq = line.find('='); eq != std::string::npos)
      p.sysctls[std::string(util::trim(line.substr(0, eq)))] =
          std::string(util::trim(line.substr(eq + 1)));
  return p;
}

std::any parse(const facts::ProbeSections& sections) {
  KubeFacts f;
  f.bin_dir = section(sections, "bin");
  f.kubeadm_version = section(sections, "version");
  const auto digest = section(sections, "digest");
  if (digest.size() >= 64)
    f.binaries_digest = "sha256:" + digest.substr(0, 64);
  f.marker = section(sections, "marker");
  for (const auto& line : util::split(section(sections, "files"), '\n')) {
    const auto word = util::trim(line);
    f.kubelet_config = f.kubelet_config || word == "kubelet-config";
    f.apiserver_manifest = f.apiserver_manifest || word == "apiserver-manifest";
    f.kubeadm_running = f.kubeadm_running || word == "kubeadm-running";
    f.restart_pending = f.restart_pending || word == "restart-pending";
  }
  f.kubelet_healthy = section(sections, "healthz") == "ok";
  if (sections.count("sysctl"))
    f.prereqs = probe_output(sections);
  if (sections.count("nodes"))
    f.api_nodes = node_names(section(sections, "nodes"));
  return f;
}

std::string state_text(const KubeFacts& f) {
  if (f.bootstrapped())
    return fmt::format("{} ({}), kubelet {}", f.marker == "worker" ? "worker" : "control plane",
                       f.kubeadm_version, f.kubelet_healthy ? "healthy" : "not answering");
  if (f.partial())
    return fmt::format("kubeadm {} was interrupted: the next apply resets and retries",
                       f.kubeadm_version);
  return fmt::format("kubeadm {} found, not bootstrapped yet", f.kubeadm_version);
}

} // namespace

facts::Probe facts_probe() {
  return {k_name, k_script, &parse};
}

std::optional<stages::StatusLine> node_status(const facts::HostFacts& facts) {
  const auto* f = facts.component<KubeFacts>(std::string(k_name));
  if (!f)
    return std::nullopt;
  const bool ok = !f->partial() && (!f->bootstrapped() || f->kubelet_healthy);
  nlohmann::json json = {{"binDir", f->bin_dir},
                         {"kubeadmVersion", f->kubeadm_version},
                         {"role", f->marker},
                         {"kubeletHealthy", f->kubelet_healthy},
                         {"interrupted", f->partial()}};
  return stages::StatusLine{"kubernetes", state_text(*f), ok, std::move(json), 0};
}

} // namespace acp::kubernetes
