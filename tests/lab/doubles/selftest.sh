#!/usr/bin/env bash
# Self-test of the kube TEST DOUBLES (tests/lab/doubles: kubeadm, kubelet, kube-apiserver), on
# this machine, on loopback only: KUBE_DOUBLE_ROOT is a fresh temp dir, so nothing is written
# outside it, and every server binds 127.0.0.1 on a free port. Needs python3 and openssl; the
# end-to-end part (init, a worker join, reset) also needs etcd and etcdctl and is skipped
# without them. ctest: cli.kube_doubles. Kills only the processes it started.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for tool in python3 openssl; do command -v "$tool" >/dev/null || { echo "SKIP: no $tool"; exit 77; }; done

root=$(mktemp -d)
export KUBE_DOUBLE_ROOT=$root
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT
failed=0
ok() { echo "ok: $*"; }
bad() {
  echo "FAIL: $*"
  failed=$((failed + 1))
}
# expect NAME WANT_CODE TEXT CMD...: CMD exits WANT_CODE and its stdout+stderr contain TEXT.
expect() {
  local name=$1 want=$2 text=$3 got=0
  shift 3
  "$@" >"$root/out" 2>&1 || got=$?
  if [ "$got" = "$want" ] && grep -qF -- "$text" "$root/out"; then ok "$name"; else
    bad "$name: exit $got (want $want), output:"
    sed 's/^/    /' "$root/out"
  fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  bad "nothing listens on 127.0.0.1:$1"
  return 1
}
api_port=$(free_port)
KUBE_DOUBLE_PORT=$api_port bash "$here/make_pki.sh" "$root" n1 127.0.0.1
mkdir -p "$root/etc/kube-double"
free_port >"$root/etc/kube-double/healthz-port"
free_port >"$root/etc/kube-double/kubelet-port"
echo 20 >"$root/etc/kube-double/wait-seconds"
pki=$root/etc/kubernetes/pki
curl_k() { curl -sS --cacert "$pki/ca.crt" "$@"; }
admin=(--cert "$root/ca-private/admin-client.crt" --key "$root/ca-private/admin-client.key")
url=https://127.0.0.1:$api_port

# 1. The API server double on a directory store.
python3 "$here/kube-apiserver-double.py" --bind 127.0.0.1 --port "$api_port" \
  --tls-cert-file /etc/kubernetes/pki/apiserver.crt --tls-private-key-file /etc/kubernetes/pki/apiserver.key \
  --client-ca-file /etc/kubernetes/pki/ca.crt --store dir:/var/lib/kube-double-store >"$root/api.out" 2>&1 &
pids+=($!)
wait_port "$api_port"
expect "readyz answers ok" 0 "ok" curl_k -f "$url/readyz"
ns_yaml=$'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "acp-system"\n'
expect "server-side apply of a Namespace" 0 '"manager": "acpctl"' curl_k -f "${admin[@]}" -X PATCH \
  -H 'Content-Type: application/apply-patch+yaml' --data-binary "$ns_yaml" "$url/api/v1/namespaces/acp-system?fieldManager=acpctl"
expect "GET shows the Namespace Active" 0 '"phase": "Active"' curl_k -f "${admin[@]}" "$url/api/v1/namespaces/acp-system"
has_managed() { curl_k -f "${admin[@]}" "$url/api/v1/namespaces/acp-system" | grep -F '"managedFields": [{"manager": "acpctl", "operation": "Apply"'; }
expect "GET shows managedFields" 0 '"operation": "Apply"' has_managed
crd='{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"foos.acp.io"},"spec":{"group":"acp.io","names":{"kind":"Foo","plural":"foos"},"scope":"Namespaced","versions":[{"name":"v1","served":true,"storage":true}]}}'
expect "a CRD is created" 0 '"name": "foos.acp.io"' curl_k -f "${admin[@]}" -H 'Content-Type: application/json' \
  -d "$crd" "$url/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
expect "the CRD is Established" 0 '{"type": "Established", "status": "True"' curl_k -f "${admin[@]}" \
  "$url/apis/apiextensions.k8s.io/v1/customresourcedefinitions/foos.acp.io"
expect "a write without a client certificate is 403" 0 '"code": 403' curl_k -X PATCH \
  -H 'Content-Type: application/apply-patch+yaml' --data-binary "$ns_yaml" "$url/api/v1/namespaces/acp-system?fieldManager=x"
expect "a missing object is a NotFound Status" 0 '"reason": "NotFound"' curl_k "${admin[@]}" "$url/api/v1/nodes/none"
store=$root/var/lib/kube-double-store/registry/secrets/kube-system
mkdir -p "$store"
printf '{"token-id":"abcdef","token-secret-sha256":"%s","expiration":"2999-01-01T00:00:00Z"}' \
  "$(printf 0123456789abcdef | sha256sum | cut -d' ' -f1)" >"$store/bootstrap-token-abcdef"
secret_url=$url/api/v1/namespaces/kube-system/secrets/bootstrap-token-abcdef
expect "the token's Secret with a wrong bearer token is 401" 0 '"code": 401' curl_k \
  -H 'Authorization: Bearer abcdef.0000000000000000' "$secret_url"
expect "the token's Secret with its own bearer token is 200" 0 '"token-id": "abcdef"' curl_k -f \
  -H 'Authorization: Bearer abcdef.0123456789abcdef' "$secret_url"
if grep -qF 0123456789abcdef "$root/var/log/kube-double/apiserver.log"; then bad "the API log holds a token"; else ok "the API log holds no token"; fi

# 2. kubeadm: checks before anything changes.
# shellcheck source=tests/lab/doubles/selftest_configs.sh
source "$here/selftest_configs.sh"
init_config "$root/init.yaml" '{{ACP_SECRET:bootstrap-token}}' "$api_port" 127.0.0.1:1
expect "init with a placeholder left fails" 1 "placeholder" "$here/kubeadm" init --config /init.yaml
init_config "$root/init.yaml" 'ABCDEF.0123456789abcdef' "$api_port" 127.0.0.1:1
expect "init with a malformed token fails like kubeadm" 1 "was not of the form" "$here/kubeadm" init --config /init.yaml
join_config "$root/join.yaml" abcdef.0123456789abcdef "127.0.0.1:$api_port" sha256:00
expect "join preflight: kubelet.conf exists" 1 \
  "[ERROR FileAvailable--etc-kubernetes-kubelet.conf]: /etc/kubernetes/kubelet.conf already exists" \
  "$here/kubeadm" join --config /join.yaml
expect "join preflight: ignored checks become warnings" 1 "[WARNING FileAvailable--etc-kubernetes-kubelet.conf]" \
  "$here/kubeadm" join --config /join.yaml --ignore-preflight-errors=filEavailable--etc-kubernetes-kubelet.conf,all
mkdir -p "$root/var/lib/kube-double-store/registry/configmaps/kube-public"
PYTHONPATH=$here python3 -c 'import json, sys, kd_render
ca = open(sys.argv[1]).read()
print(json.dumps({"kind": "ConfigMap", "data": {"kubeconfig": kd_render.kubeconfig("https://" + sys.argv[2], ca)}}))' \
  "$pki/ca.crt" "127.0.0.1:$api_port" >"$root/var/lib/kube-double-store/registry/configmaps/kube-public/cluster-info"
expect "join: an unpinned CA is refused" 1 'none of the public keys "sha256:' \
  "$here/kubeadm" join --config /join.yaml --ignore-preflight-errors=all
if grep -q '"argv": \["kubeadm", "join"' "$root/var/log/kube-double/kubeadm.log"; then
  ok "kubeadm.log records argv"
else bad "kubeadm.log lacks the join's argv"; fi
expect "version" 0 "v1.31.6" "$here/kubeadm" version -o short

[ "$failed" -eq 0 ] || { echo "$failed check(s) failed"; exit 1; }
if command -v etcd >/dev/null && command -v etcdctl >/dev/null; then
  # shellcheck source=tests/lab/doubles/selftest_e2e.sh
  source "$here/selftest_e2e.sh"
else
  echo "skipped: init/join/reset end to end (no etcd or etcdctl)"
fi
[ "$failed" -eq 0 ] || { echo "$failed check(s) failed"; exit 1; }
echo "kube doubles: all checks passed"
