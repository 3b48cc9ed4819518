// The health-check script keepalived runs every second (vrrp_script acp_health).

#include "acpctl/components/keepalived/render.hpp"
#include "acpctl/util/ipaddr.hpp"
#include "acpctl/util/shell.hpp"

#include <fmt/format.h>

namespace acp::keepalived {

namespace {

constexpr int k_apiserver_port = 6443;

// The local API server is ready once kubeadm made one here. A control plane without one
// steps aside while another control plane's answers (after kubeadm init, before this node
// joined), so the VIP sits where an API server is; before any exists, the check passes.
std::string apiserver_check(const config::Cluster& cluster, const config::Node& node) {
  std::string peers;
  for (const auto* n : cluster.nodes_with(config::Role::control_plane))
    if (n->name != node.name)
      peers += " " + util::shell_quote(util::host_port(n->address, k_apiserver_port));
  return fmt::format(
      "# The local API server is ready (verified against the cluster CA); without one, no\n"
      "# other control plane's answers.\n"
      "check_apiserver() {{\n"
      "  command -v curl >/dev/null || return 0\n"
      "  if [ -f /etc/kubernetes/manifests/kube-apiserver.yaml ]; then\n"
      "    r=$(curl -s -m 1 --cacert /etc/kubernetes/pki/ca.crt https://127.0.0.1:{port}/readyz)\n"
      "    [ \"$r\" = ok ] || {{ echo \"readyz: $r\"; return 1; }}\n"
      "    return 0\n"
      "  fi\n"
      "  up=$(for p in{peers}; do (r=$(curl -s --connect-timeout 0.5 -m 1 \\\n"
      "    --cacert /etc/acp/pki/ca.crt https://$p/readyz); [ \"$r\" != ok ] || echo \"$p\") &\n"
      "  done; wait)\n"
      "  [ -z \"$up\" ] || {{ echo \"no API server here, but on\" $up; return 1; }}\n"
      "}}\n\n",
      fmt::arg("port", k_apiserver_port), fmt::arg("peers", peers));
}

} // namespace

std::string render_check_script(const config::Cluster& cluster, const config::Node& node) {
  std::string checks;
  std::string functions;
  if (node.has_role(config::Role::etcd)) {
    checks += " etcd";
    // endpoint health does a quorum read: it fails when the local member is down or has
    // lost quorum. 1 s dial and command timeouts keep one run inside keepalived's 2 s.
    functions +=
        fmt::format("# The local etcd member answers a quorum read.\n"
                    "check_etcd() {{\n"
                    "  {etcdctl} --endpoints https://127.0.0.1:{port} \\\n"
                    "    --cacert /etc/acp/pki/ca.crt \\\n"
                    "    --cert /etc/acp/pki/etcd/healthcheck-client.crt \\\n"
                    "    --key /etc/acp/pki/etcd/healthcheck-client.key \\\n"
                    "    --dial-timeout 1s --command-timeout 1s endpoint health\n"
                    "}}\n\n",
                    fmt::arg("etcdctl", k_etcdctl), fmt::arg("port", cluster.etcd.client_port));
  }
  if (cluster.registry && node.has_role(config::Role::control_plane)) {
    checks += " registry";
    // Each listener only once its stage set it up here: before that (or with a package
    // without the registry) its part of the check passes.
    functions +=
        fmt::format("# The local platform registry replica accepts connections on its push\n"
                    "# port and on its pull port.\n"
                    "check_registry() {{\n"
                    "  if [ -f {config} ]; then\n"
                    "    timeout 1 bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port}' || return 1\n"
                    "  fi\n"
                    "  [ -f {pull_config} ] || return 0\n"
                    "  timeout 1 bash -c 'exec 3<>/dev/tcp/127.0.0.1/{pull_port}'\n"
                    "}}\n\n",
                    fmt::arg("config", k_registry_config), fmt::arg("port", cluster.registry->port),
                    fmt::arg("pull_config", k_registry_pull_config),
                    fmt::arg("pull_port", cluster.registry->pull_port));
  }
  if (!cluster.kubernetes_version.empty() && node.has_role(config::Role::control_plane)) {
    checks += " apiserver";
    functions += apiserver_check(cluster, node);
  }
  return fmt::format(
      "#!/bin/sh\n"
      "# Written by acpctl for node {node}: keepalived's health check for the VIP. Exits 0 when\n"
      "# every check passes, else 1 and keepalived puts the node in FAULT (the VIP moves).\n"
      "# The API server's check joins the list once Kubernetes runs here.\n"
      "export ETCDCTL_API=3\n"
      "unset ETCDCTL_ENDPOINTS\n"
      "\n"
      "{functions}"
      "# The checks run side by side: each is bounded (about 1 s), so one run stays inside\n"
      "# keepalived's 2 s timeout even while etcd elects a leader and a crashed peer's API\n"
      "# port swallows packets.\n"
      "checks=\"{checks}\"\n"
      "pids=\n"
      "for check in $checks; do\n"
      "  (if ! out=$(check_$check 2>&1); then\n"
      "    echo \"acp health check $check failed: $out\" >&2\n"
      "    exit 1\n"
      "  fi) &\n"
      "  pids=\"$pids $!\"\n"
      "done\n"
      "rc=0\n"
      "for pid in $pids; do wait \"$pid\" || rc=1; done\n"
      "exit $rc\n",
      fmt::arg("node", node.name), fmt::arg("functions", functions),
      fmt::arg("checks", checks.empty() ? "" : checks.substr(1)));
}

} // namespace acp::keepalived
