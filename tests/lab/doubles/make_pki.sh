#!/usr/bin/env bash
# TEST helper for the kube doubles (not part of acpctl): a throwaway Kubernetes PKI in
# kubeadm's external-CA layout, made with openssl, for selftest.sh and hand checks in a lab.
#   usage: make_pki.sh DIR [NODE_NAME] [SAN_IP...]
#          make_pki.sh DIR --kubelet NODE_NAME OUT   (another node's kubelet.conf, same CA)
# Writes DIR/etc/kubernetes/pki/{ca.crt,ca.key,apiserver.*,apiserver-kubelet-client.*,
# apiserver-etcd-client.*,front-proxy-ca.crt,front-proxy-client.*,sa.key,sa.pub,etcd/ca.crt,
# admin-client.*} and DIR/etc/kubernetes/{admin,controller-manager,scheduler,kubelet}.conf
# (kubelet.conf only with NODE_NAME). ca.key stays in DIR/ca-private/ so that pki/ is in
# external-CA mode (no ca.key). The apiserver certificate's SANs are the SAN_IPs (default
# 127.0.0.1). Keys are EC P-256 to keep it fast.
set -euo pipefail
dir=${1:?usage: make_pki.sh DIR [NODE_NAME] [SAN_IP...]}
node=${2:-}
shift $(($# >= 2 ? 2 : 1))
sans=("${@:-127.0.0.1}")
pki=$dir/etc/kubernetes/pki
mkdir -p "$pki/etcd" "$dir/ca-private"
chmod 0700 "$dir/ca-private"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ca() { # NAME CN
  key "$dir/ca-private/$1.key"
  openssl req -x509 -new -key "$dir/ca-private/$1.key" -subj "/CN=$2" -days 2 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -out "$pki/$1.crt" 2>/dev/null
}
leaf() { # CA OUT SUBJECT EXT
  key "$2.key"
  openssl req -new -key "$2.key" -subj "$3" -out "$2.csr" 2>/dev/null
  openssl x509 -req -in "$2.csr" -CA "$pki/$1.crt" -CAkey "$dir/ca-private/$1.key" \
    -CAcreateserial -days 2 -extfile <(printf '%s\n' "$4") -out "$2.crt" 2>/dev/null
  rm -f "$2.csr"
}
kubeconfig() { # NAME SUBJECT
  local tmp=$dir/ca-private/$1
  leaf ca "$tmp" "$2" "extendedKeyUsage=clientAuth"
  cat >"$dir/etc/kubernetes/$1.conf" <<EOF
apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
    server: https://$server
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: $1
  name: $1@kubernetes
current-context: $1@kubernetes
users:
- name: $1
  user:
    client-certificate-data: $(base64 -w0 "$tmp.crt")
    client-key-data: $(base64 -w0 "$tmp.key")
EOF
  chmod 0600 "$dir/etc/kubernetes/$1.conf"
}

# The kubeconfigs' server: $KUBE_DOUBLE_SERVER, else the first SAN_IP and $KUBE_DOUBLE_PORT.
server=${KUBE_DOUBLE_SERVER:-${sans[0]}:${KUBE_DOUBLE_PORT:-6443}}
if [ "$node" = --kubelet ]; then
  server=${KUBE_DOUBLE_SERVER:-127.0.0.1:${KUBE_DOUBLE_PORT:-6443}}
  name=${sans[0]:?--kubelet NODE_NAME OUT}
  kubeconfig "kubelet-$name" "/O=system:nodes/CN=system:node:$name"
  mv "$dir/etc/kubernetes/kubelet-$name.conf" "${sans[1]:?--kubelet NODE_NAME OUT}"
  exit 0
fi
ca ca kubernetes
ca front-proxy-ca front-proxy-ca
cp "$pki/ca.crt" "$pki/etcd/ca.crt"
alt=$(printf 'IP:%s,' "${sans[@]}")
leaf ca "$pki/apiserver" "/CN=kube-apiserver" \
  "subjectAltName=${alt}DNS:kubernetes,DNS:localhost
extendedKeyUsage=serverAuth"
leaf ca "$pki/apiserver-kubelet-client" "/O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client" \
  "extendedKeyUsage=clientAuth"
leaf ca "$pki/apiserver-etcd-client" "/CN=kube-apiserver-etcd-client" "extendedKeyUsage=clientAuth"
leaf front-proxy-ca "$pki/front-proxy-client" "/CN=front-proxy-client" "extendedKeyUsage=clientAuth"
key "$pki/sa.key"
openssl pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub"
leaf ca "$dir/ca-private/admin-client" "/O=system:masters/CN=kubernetes-admin" "extendedKeyUsage=clientAuth"
kubeconfig admin "/O=kubeadm:cluster-admins/CN=kubernetes-admin"
kubeconfig controller-manager "/CN=system:kube-controller-manager"
kubeconfig scheduler "/CN=system:kube-scheduler"
[ -z "$node" ] || kubeconfig kubelet "/O=system:nodes/CN=system:node:$node"
rm -f "$pki"/*.srl "$dir"/ca-private/*.srl
