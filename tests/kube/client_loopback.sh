#!/usr/bin/env bash
# The Kubernetes API client (src/kube) through its test driver against the API server TEST
# DOUBLE (tests/lab/doubles/kube-apiserver-double.py, or $KUBE_APISERVER_DOUBLE) on 127.0.0.1
# only, a free port, a directory store, TLS from a throwaway CA (server SAN IP:127.0.0.1) and
# client certificates for an admin (O system:masters) and a plain user. Checks: readyz;
# manifests/core applied (CRDs and the Namespace first, then the rest, each ready) with
# managedFields naming acpctl; a second apply changes no content; a custom resource applied with
# its CRD and refused without it; a Secret's value and the client key in no log line or error;
# a 403 for the plain user; a node created by POST is listed with its pods, drained (DaemonSet
# and mirror pods stay, the node is cordoned), a drain blocked by a pod times out naming it, the
# node is deleted (twice: gone is fine); an untrusted CA, a closed port and a silent server are
# refused naming the server and its host. Exit 77 (skipped) without the double, python3 or
# openssl. Kills only the processes it started.
#   usage: client_loopback.sh KUBE_DRIVER
set -euo pipefail
driver=$(readlink -f "${1:?usage: client_loopback.sh KUBE_DRIVER}")
repo=$(cd "$(dirname "$0")/../.." && pwd)
double=${KUBE_APISERVER_DOUBLE:-$repo/tests/lab/doubles/kube-apiserver-double.py}
if [ ! -f "$double" ]; then
  echo "SKIP: no API server double at $double (set KUBE_APISERVER_DOUBLE)"
  exit 77
fi
for tool in python3 openssl; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed"
    exit 77
  fi
done
# shellcheck source=tests/lab/lib.sh
source "$repo/tests/lab/lib.sh"
lab_local_scratch

# The PKI: a CA, the server's certificate, an admin and a plain client; another CA.
pki=$work/pki
mkdir -p "$pki"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
for ca in ca other-ca; do
  openssl req -x509 "${ec[@]}" -days 2 -subj "/CN=acp test $ca" \
    -keyout "$pki/$ca.key" -out "$pki/$ca.crt" 2>/dev/null
done
# leaf NAME SUBJECT EXTENSIONS: NAME.crt/.key signed by the CA.
leaf() {
  openssl req "${ec[@]}" -subj "$2" -keyout "$pki/$1.key" -out "$pki/$1.csr" 2>/dev/null
  printf '%s\n' "$3" >"$pki/$1.ext"
  openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 2 -extfile "$pki/$1.ext" -out "$pki/$1.crt" 2>/dev/null
}
leaf server /CN=kube-apiserver $'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'
leaf admin "/O=system:masters/CN=acpctl-admin" 'extendedKeyUsage=clientAuth'
leaf viewer /CN=viewer 'extendedKeyUsage=clientAuth'

port=$(lab_free_port)
server=https://127.0.0.1:$port
# Every path the double writes (its log) goes below KUBE_DOUBLE_ROOT.
KUBE_DOUBLE_ROOT=$work python3 "$double" --bind 127.0.0.1 --port "$port" \
  --tls-cert-file /pki/server.crt --tls-private-key-file /pki/server.key \
  --client-ca-file /pki/ca.crt --store dir:/store >"$work/double.out" 2>&1 &
pids+=($!)
if ! (lab_wait_port "$port"); then
  cat "$work/double.out" >&2
  lab_fail "the API server double did not start"
fi

admin=(--server "$server" --ca "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key")
viewer=(--server "$server" --ca "$pki/ca.crt" --cert "$pki/viewer.crt" --key "$pki/viewer.key")
kd() { "$driver" "$1" "${admin[@]}" "${@:2}"; }
# fails OUT TEXT CMD...: CMD exits 1 and its output (kept in OUT) contains TEXT.
fails() {
  local out=$1 text=$2 rc=0
  shift 2
  "$@" >"$out" 2>&1 || rc=$?
  [ "$rc" = 1 ] || lab_fail "exit $rc (want 1) from $*: $(cat "$out")"
  has "$out" "$text"
}
# jcheck FILE PYTHON-EXPR: the expression holds for o, the JSON object in FILE.
jcheck() {
  python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
    "$1" "$2" || lab_fail "$1 does not satisfy $2: $(cat "$1")"
}

# 1. Health.
[ "$(kd readyz)" = ok ] || lab_fail "readyz is not ok"
ok "readyz answers ok"

# 2. The core manifests: CRDs and the Namespace applied and ready before the ClusterRole.
kd apply "$repo/manifests/core" >"$work/apply1.out"
python3 - "$work/apply1.out" <<'PY' || lab_fail "apply order: $(cat "$work/apply1.out")"
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
firsts = [e for e in events if not e["object"].startswith("ClusterRole ")]
role = [i for i, e in enumerate(events) if e["object"].startswith("ClusterRole ")]
assert len(events) == 14 and len(firsts) == 12, events
assert all(e["stage"] == "ready" for e in events[6:12]), events
assert [events[i]["stage"] for i in role] == ["applied", "ready"] and role[0] == 12, events
PY
ok "manifests/core applied: the Namespace and 5 CRDs first, each ready, then the ClusterRole"
paths=(/api/v1/namespaces/cpaas-system
  /apis/apiextensions.k8s.io/v1/customresourcedefinitions/artifacts.app.alauda.io
  /apis/apiextensions.k8s.io/v1/customresourcedefinitions/moduleinfos.cluster.alauda.io
  /apis/rbac.authorization.k8s.io/v1/clusterroles/cpaas:catalog-reader)
i=0
for path in "${paths[@]}"; do
  kd get "$path" >"$work/live$i.json"
  jcheck "$work/live$i.json" '"acpctl" in [f["manager"] for f in o["metadata"]["managedFields"]]'
  i=$((i + 1))
done
jcheck "$work/live0.json" 'o["metadata"]["labels"]["cpaas.io/managed-by"] == "acpctl"'
jcheck "$work/live3.json" 'o["metadata"]["labels"]["rbac.authorization.k8s.io/aggregate-to-view"] == "true"'
has "$work/var/log/kube-double/apiserver.log" '?fieldManager=acpctl&force=true'
ok "the objects exist with managedFields naming acpctl, sent with fieldManager=acpctl&force=true"

# 3. A second apply changes no content (the double counts resourceVersion up on every write).
kd apply "$repo/manifests/core" >"$work/apply2.out"
i=0
for path in "${paths[@]}"; do
  kd get "$path" >"$work/again$i.json"
  python3 - "$work/live$i.json" "$work/again$i.json" <<'PY' || lab_fail "$path changed on re-apply"
import json, sys
def content(path):
    o = json.load(open(path))
    for k in ("resourceVersion", "managedFields"):
        o["metadata"].pop(k, None)
    return o
assert content(sys.argv[1]) == content(sys.argv[2])
PY
  i=$((i + 1))
done
ok "applying again is idempotent: same content, same uid"

# 4. A custom resource: refused alone (unknown kind), applied with its CRD in the batch.
mkdir "$work/extra"
cp "$repo/manifests/core/10-crds.yaml" "$work/extra/"
cat >"$work/extra/30-artifact.yaml" <<'YAML'
apiVersion: app.alauda.io/v1alpha1
kind: Artifact
metadata:
  name: nfs
  namespace: cpaas-system
  labels:
    cpaas.io/lifecycle-type: Agnostic
spec:
  type: plugin
  port: "8080"
YAML
fails "$work/cr.out" '"Artifact" of group app.alauda.io is not known' \
  kd apply-file "$work/extra/30-artifact.yaml"
has "$work/cr.out" "CustomResourceDefinition"
kd apply "$work/extra" >/dev/null
kd get /apis/app.alauda.io/v1alpha1/namespaces/cpaas-system/artifacts/nfs >"$work/nfs.json"
jcheck "$work/nfs.json" 'o["spec"]["port"] == "8080" and o["kind"] == "Artifact"'
ok "a custom resource maps through its CRD (a quoted \"8080\" stays a string); alone it is refused"

# 5. Secrets: a Secret's value and the client key reach no log line and no error.
value="v-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
printf 'apiVersion: v1\nkind: Secret\nmetadata: {name: s3, namespace: cpaas-system}\nstringData:\n  SECRET_KEY: %s\n' \
  "$value" >"$work/secret.yaml"
kd apply-file "$work/secret.yaml" --debug --log "$work/driver.log" >/dev/null 2>"$work/secret.err"
has "$work/driver.log" "kube: PATCH /api/v1/namespaces/cpaas-system/secrets/s3?fieldManager=acpctl&force=true: 201"
fails "$work/viewer.out" "API server $server answered 403" \
  "$driver" apply-file "${viewer[@]}" "$work/secret.yaml" --debug --log "$work/driver.log"
has "$work/viewer.out" "127.0.0.1: "
key_line=$(sed -n 2p "$pki/admin.key")
for f in "$work/driver.log" "$work/secret.err" "$work/viewer.out"; do
  if grep -qF -- "$value" "$f" || grep -qF -- "$key_line" "$f"; then
    lab_fail "$f shows the Secret's value or the client key"
  fi
done
ok "a Secret's value and the client key are in no log line or error; a plain user gets a 403 naming the server"

# 6. Node removal: a node created by POST, its pods, drain, delete.
printf 'apiVersion: v1\nkind: Node\nmetadata: {name: n-test}\n' >"$work/node.yaml"
kd create "$work/node.yaml" >/dev/null
cat >"$work/pods.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: agent-x
  namespace: kube-system
  ownerReferences:
    - {apiVersion: apps/v1, kind: DaemonSet, name: agent, uid: u1, controller: true}
spec: {nodeName: n-test}
---
apiVersion: v1
kind: Pod
metadata:
  name: kube-proxy-n-test
  namespace: kube-system
  annotations: {kubernetes.io/config.mirror: abc}
spec: {nodeName: n-test}
---
apiVersion: v1
kind: Pod
metadata: {name: elsewhere, namespace: default}
spec: {nodeName: n-other}
YAML
kd create "$work/pods.yaml" >/dev/null
kd pods n-test >"$work/pods.out"
[ "$(wc -l <"$work/pods.out")" = 2 ] || lab_fail "pods on n-test: $(cat "$work/pods.out")"
has "$work/pods.out" '"daemonset":true'
has "$work/pods.out" '"mirror":true'
[ "$(kd drain n-test 20)" = ok ] || lab_fail "drain failed"
kd get /api/v1/nodes/n-test >"$work/node.json"
jcheck "$work/node.json" 'o["spec"]["unschedulable"] is True'
ok "drain cordons the node and leaves DaemonSet and mirror pods (nothing to evict)"
printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: web-1, namespace: default}\nspec: {nodeName: n-test}\n' \
  >"$work/web.yaml"
kd create "$work/web.yaml" >/dev/null
# The double accepts the eviction but never removes the pod: the drain must give up in time.
fails "$work/drain.out" "node n-test is not drained on API server $server after 3s: pods left: default/web-1" \
  kd drain n-test 3
has "$work/var/log/kube-double/apiserver.log" '"path": "/api/v1/namespaces/default/pods/web-1/eviction"'
ok "a pod that does not go is evicted, then the drain times out naming the node, the pod and the server"
[ "$(kd delete-node n-test)" = ok ] || lab_fail "delete-node failed"
[ "$(kd get /api/v1/nodes/n-test)" = absent ] || lab_fail "n-test is still there"
[ "$(kd delete-node n-test)" = ok ] || lab_fail "deleting a deleted node failed"
ok "the node is deleted; deleting it again is fine"

# 7. Refusals: an untrusted server, a closed port, a silent server.
fails "$work/tls.out" "TLS with API server $server failed" \
  "$driver" readyz --server "$server" --ca "$pki/other-ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key"
has "$work/tls.out" "127.0.0.1: "
closed=$(lab_free_port)
fails "$work/closed.out" "cannot reach API server https://127.0.0.1:$closed" \
  "$driver" readyz --server "https://127.0.0.1:$closed" --ca "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key"
silent=$(lab_free_port)
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
conns = []
while True: conns.append(s.accept()[0])' "$silent" &
pids+=($!)
lab_wait_port "$silent"
fails "$work/silent.out" "API server https://127.0.0.1:$silent made no progress for 2s" \
  "$driver" readyz --server "https://127.0.0.1:$silent" --ca "$pki/ca.crt" --cert "$pki/admin.crt" \
  --key "$pki/admin.key" --timeout 2
has "$work/silent.out" "127.0.0.1: "
ok "an untrusted CA, a closed port and a silent server (2 s) are refused naming the server and its host"
