# shellcheck shell=bash
# Part of selftest.sh (the kube TEST DOUBLES' self-test): kubeadm configs shaped like acpctl's
# (every string double-quoted, v1beta4, external etcd).
#   init_config FILE TOKEN API_PORT ETCD_HOST:PORT
#   join_config FILE TOKEN ENDPOINT CA_HASH [control-plane]
init_config() {
  cat >"$1" <<EOF
apiVersion: "kubeadm.k8s.io/v1beta4"
kind: "InitConfiguration"
bootstrapTokens:
  - token: "$2"
    description: "acpctl: joins of the cluster's nodes"
    ttl: "24h0m0s"
nodeRegistration:
  name: "n1"
  criSocket: "unix:///run/containerd/containerd.sock"
  kubeletExtraArgs:
    - name: "node-ip"
      value: "127.0.0.1"
localAPIEndpoint:
  advertiseAddress: "127.0.0.1"
  bindPort: $3
---
apiVersion: "kubeadm.k8s.io/v1beta4"
kind: "ClusterConfiguration"
clusterName: "lab"
kubernetesVersion: "v1.31.6"
controlPlaneEndpoint: "127.0.0.1:$3"
certificatesDir: "/etc/kubernetes/pki"
networking:
  podSubnet: "10.3.0.0/16"
  serviceSubnet: "10.4.0.0/16"
etcd:
  external:
    endpoints:
      - "https://$4"
    caFile: "/etc/kubernetes/pki/etcd/ca.crt"
    certFile: "/etc/kubernetes/pki/apiserver-etcd-client.crt"
    keyFile: "/etc/kubernetes/pki/apiserver-etcd-client.key"
---
apiVersion: "kubelet.config.k8s.io/v1beta1"
kind: "KubeletConfiguration"
cgroupDriver: "cgroupfs"
EOF
}

join_config() {
  cat >"$1" <<EOF
apiVersion: "kubeadm.k8s.io/v1beta4"
kind: "JoinConfiguration"
nodeRegistration:
  name: "n2"
  criSocket: "unix:///run/containerd/containerd.sock"
  kubeletExtraArgs:
    - name: "node-ip"
      value: "127.0.0.1"
discovery:
  bootstrapToken:
    apiServerEndpoint: "$3"
    token: "$2"
    caCertHashes:
      - "$4"
EOF
  if [ "${5:-}" = control-plane ]; then
    printf 'controlPlane:\n  localAPIEndpoint:\n    advertiseAddress: "127.0.0.1"\n    bindPort: 6443\n' >>"$1"
  fi
}
