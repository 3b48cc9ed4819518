// What `acpctl init` writes: a commented config that validates as it is.

#include "acpctl/config/load.hpp"

namespace acp::config {

std::string example_config() {
  return R"(# acpctl cluster config. Check it with: acpctl validate -f cluster.yaml
apiVersion: acpctl.alauda.io/v1alpha1
kind: Cluster
metadata:
  name: global                      # the management cluster is called "global" in ACP
spec:
  type: global                      # global | workload
  kubernetesVersion: v1.31.6
  network:
    ipFamily: ipv4                  # ipv4 | ipv6 | dual (then two CIDRs, comma-separated)
    nodeCIDR: 192.168.10.0/24       # the nodes' subnet; the VIP must be inside it
    podCIDR: 10.3.0.0/16
    serviceCIDR: 10.4.0.0/16
  controlPlaneEndpoint:
    selfBuiltVIP:                   # keepalived moves this address between control-plane nodes
      vip: 192.168.10.100           # a free address in nodeCIDR
      vrid: 51                      # VRRP router id, 1-255, unique on the subnet
      interface: eth0               # optional: the interface holding the node address
    # or, with a load balancer of your own in front of ports 443, 6443 and 11443:
    # externalLoadBalancer:
    #   address: 192.168.10.200
    #   port: 6443
  ssh:
    user: root
    port: 22
    keyPath: ~/.ssh/id_ed25519      # empty: ssh-agent, then the usual key files
    knownHosts: ~/.ssh/known_hosts
    hostKeyPolicy: strict           # strict | accept-new | off
    # bastion:
    #   address: 203.0.113.10
    #   user: jump
  nodes:                            # 1, 3 or 5 etcd members: 3 tolerate 1 failure, 5 tolerate 2
    - name: cp-1
      address: 192.168.10.11
      roles: [control-plane, etcd]
    - name: cp-2
      address: 192.168.10.12
      roles: [control-plane, etcd]
    - name: cp-3
      address: 192.168.10.13
      roles: [control-plane, etcd]
      # A non-root login uses sudo; its password, if any, never goes in this file:
      # user: ops
      # sudo:
      #   password: {fromEnv: ACP_SUDO_PASSWORD}
  etcd:
    dataDir: /var/lib/etcd
  registry:
    address: 192.168.10.100:11443   # the platform registry
    username: admin
    password: {fromEnv: ACP_REGISTRY_PASSWORD}   # secrets: {fromEnv: VAR} or {fromFile: PATH}
    # port: 11443                     # each replica (control-plane nodes) takes pushes on it
    # pullPort: 11444                 # and serves pulls to the nodes' certificates, read-only
    # storageDir: /var/lib/acp/registry
  etcdBackup:
    schedule: "0 2 * * *"
    localStorage:
      path: /cpaas/backup/etcd
      ttl: 7d
    # remoteStorage:
    #   s3:
    #     endpoint: https://s3.example.com
    #     region: us-east-1
    #     bucket: etcd-backup
    #     dir: global
    #     pathStyle: true               # default: virtual-hosted on *.amazonaws.com, else path
    #     accessKey: {fromEnv: ACCESS_KEY}
    #     secretKey: {fromEnv: SECRET_KEY}
  # pki:                            # your own CA instead of the one acpctl makes (both or neither)
  #   caCertFile: ca.crt            # relative paths are taken from this file's directory
  #   caKeyFile: ca.key             # read when signing; never copied, never sent to a node
)";
}

} // namespace acp::config
