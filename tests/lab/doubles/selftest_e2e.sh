# shellcheck shell=bash
# Part of selftest.sh (the kube TEST DOUBLES' self-test), sourced after its checks: init, a
# worker join and reset end to end on loopback, with a real etcd (TLS, 127.0.0.1, free ports)
# as the external etcd. Uses selftest.sh's root, pids, expect, free_port, wait_port, pki, admin.
# shellcheck disable=SC2154,SC2015  # variables set by selftest.sh; `ok` never fails
kill "${pids[0]}" # the directory-store API server
wait "${pids[0]}" 2>/dev/null || true
etcd_port=$(free_port)
etcd --name selftest --data-dir "$root/var/lib/etcd" --logger=zap --log-level=error \
  --listen-client-urls "https://127.0.0.1:$etcd_port" --advertise-client-urls "https://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$(free_port)" --initial-advertise-peer-urls http://127.0.0.1:1 \
  --initial-cluster selftest=http://127.0.0.1:1 \
  --cert-file "$pki/apiserver.crt" --key-file "$pki/apiserver.key" \
  --client-cert-auth --trusted-ca-file "$pki/ca.crt" >"$root/etcd.out" 2>&1 &
pids+=($!)
wait_port "$etcd_port"
etcdget() {
  ETCDCTL_API=3 etcdctl --endpoints "https://127.0.0.1:$etcd_port" --cacert "$pki/ca.crt" \
    --cert "$pki/apiserver-etcd-client.crt" --key "$pki/apiserver-etcd-client.key" get --print-value-only "$1"
}

# The kubelet the way acpctl's service runs it: once config.yaml is there.
start_kubelet() { # ROOT NAME
  (
    export KUBE_DOUBLE_ROOT=$1
    until [ -f "$1/var/lib/kubelet/config.yaml" ]; do sleep 0.2; done
    exec "$here/kubelet" --config=/var/lib/kubelet/config.yaml --kubeconfig=/etc/kubernetes/kubelet.conf \
      --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --hostname-override="$2"
  ) >"$1/kubelet.out" 2>&1 &
  pids+=($!)
}
token=abcdef.0123456789abcdef
init_config "$root/init.yaml" "$token" "$api_port" "127.0.0.1:$etcd_port"
start_kubelet "$root" n1
expect "init succeeds" 0 "Your Kubernetes control-plane has initialized successfully!" "$here/kubeadm" init --config /init.yaml --v=5
hash=$(grep -o 'sha256:[0-9a-f]*' "$root/out" | head -1)
want=sha256:$(openssl x509 -pubkey -noout -in "$pki/ca.crt" | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1)
[ "$hash" = "$want" ] && ok "init prints the CA pin" || bad "init printed $hash, openssl says $want"
grep -qF -- "--etcd-servers=https://127.0.0.1:$etcd_port" "$root/etc/kubernetes/manifests/kube-apiserver.yaml" &&
  ok "the manifest names the external etcd" || bad "kube-apiserver.yaml lacks --etcd-servers"
expect "kubeadm-flags.env" 0 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock' cat "$root/var/lib/kubelet/kubeadm-flags.env"
expect "etcd holds the token's hash, not the token" 0 "$(printf 0123456789abcdef | sha256sum | cut -d' ' -f1)" \
  etcdget /registry/secrets/kube-system/bootstrap-token-abcdef
if etcdget /registry/secrets/kube-system/bootstrap-token-abcdef | grep -q 0123456789abcdef\"; then bad "etcd holds the secret"; fi
expect "etcd holds cluster-info" 0 "controlPlaneEndpoint" etcdget /registry/configmaps/kube-public/cluster-info
expect "the API server (run by the kubelet) is ready" 0 ok curl_k -f "$url/readyz"
sleep 2
expect "the kubelet registered its Node" 0 '"name": "n1"' curl_k -f "${admin[@]}" "$url/api/v1/nodes/n1"
expect "a second init: the manifest is there" 1 "[ERROR FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml]" \
  "$here/kubeadm" init --config /init.yaml
grep -qF "$token" "$root/var/log/kube-double/kubeadm.log" && bad "kubeadm.log holds the token" || ok "kubeadm.log masks the token"

# A worker in its own root, joined with acpctl's kubelet.conf placed during the join.
w=$root/worker
mkdir -p "$w/etc/kube-double"
cp "$root/etc/kube-double/wait-seconds" "$w/etc/kube-double/"
free_port >"$w/etc/kube-double/healthz-port"
free_port >"$w/etc/kube-double/kubelet-port"
KUBE_DOUBLE_PORT=$api_port bash "$here/make_pki.sh" "$root" --kubelet n2 "$root/kubelet-n2.conf"
join_config "$w/join.yaml" abcdef.ffffffffffffffff "127.0.0.1:$api_port" "$hash"
expect "join with an unknown token secret is refused" 1 'token id "abcdef" is invalid' \
  env KUBE_DOUBLE_ROOT="$w" "$here/kubeadm" join --config /join.yaml
join_config "$w/join.yaml" "$token" "127.0.0.1:$api_port" "$hash"
start_kubelet "$w" n2
( until [ -f "$w/var/lib/kubelet/config.yaml" ]; do sleep 0.2; done
  cp "$root/kubelet-n2.conf" "$w/etc/kubernetes/kubelet.conf" ) &
expect "a worker joins" 0 "This node has joined the cluster:" env KUBE_DOUBLE_ROOT="$w" "$here/kubeadm" join --config /join.yaml
cmp -s "$w/etc/kubernetes/pki/ca.crt" "$pki/ca.crt" && ok "the join wrote the cluster CA" || bad "the worker's ca.crt"
sleep 2
expect "the worker registered its Node" 0 '"name": "n2"' curl_k -f "${admin[@]}" "$url/api/v1/nodes/n2"
expect "re-joining over a Ready Node is refused" 1 'a Node with name "n2" and status "Ready" already exists' \
  env KUBE_DOUBLE_ROOT="$w" "$here/kubeadm" join --config /join.yaml --ignore-preflight-errors=all

expect "reset -f" 0 "[reset] Deleting contents of directories" "$here/kubeadm" reset -f
left=$(find "$pki" "$root/etc/kubernetes/manifests" -mindepth 1 | wc -l)
[ "$left" -eq 0 ] && [ ! -e "$root/etc/kubernetes/admin.conf" ] && ok "reset removed pki, manifests, kubeconfigs" ||
  bad "reset left $left files in pki/manifests"
sleep 2
if curl -sk --max-time 2 "$url/readyz" >/dev/null 2>&1; then bad "the API server still runs after reset"; else
  ok "the kubelet stopped the API server when its manifest went"; fi
