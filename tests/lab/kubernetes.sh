#!/usr/bin/env bash
# Lab test of the Kubernetes bootstrap (issue 14) on 7 real hosts (3 control-plane + etcd, 4
# workers): the lab's core package (real etcd, keepalived, containerd, docker-registry) with
# TEST DOUBLES of kubeadm and the kubelet (tests/lab/doubles; the kubelet double runs an API
# server double from kubeadm's static-pod manifest, backed by the real etcd) installed by this
# test on the nodes as an OS image would carry them. Real kubeadm/kubelet cannot be obtained
# here: this proves acpctl's orchestration, not Kubernetes.
#   usage: kubernetes.sh ACPCTL_BINARY
# Checks: the plan (init n1, control-plane joins n2 n3, workers n4-n7 in the batched stage)
# holds no token; an apply killed with SIGKILL while n2's kubeadm join runs; the next plan
# makes a join token on n1 (no second init) and resets n2 first; the resumed apply ends with
# every node bootstrapped: one init, joins in order (control planes one at a time, each after
# the one before answered), workers after the control planes in batches of 3 (n4-n6, then n7);
# every kubeadm ran with a
# substituted config that is gone afterwards; readyz through the VIP; every Node registered;
# no token in the plan file, logs, JSON events or the node's /etc; status; a re-apply changes
# nothing; reset --nodes n5 drains and deletes its Node before kubeadm reset; n7 taken out of
# the config is drained and deleted through the API by the next apply. Exit 77 (skipped) when
# not root.
set -euo pipefail
acpctl=$(readlink -f "${1:?usage: kubernetes.sh ACPCTL_BINARY}")
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/lib.sh"
VIP=10.88.0.100 # scripts/lab.sh config's selfBuiltVIP
lab_require_root
command -v python3 >/dev/null || lab_fail "python3 is missing; run scripts/setup.sh"

work=$(mktemp -d)
lab_cleanup_hook() { rm -rf "$work"; }
export ACPCTL_HOME=$work/home
lab_core_package "$acpctl" "$work/pkg"
pkg=$LAB_PKG key=$LAB_PKG_KEY

lab_up 7
lab_install_kube_doubles n1 n2 n3 n4 n5 n6 n7
{
  # n4-n7 as workers (the lab makes 5 control planes of 7 hosts)
  lab_config | awk '/- name: n[4-7]$/ {w = 1} /- name: n[123]$/ {w = 0}
    w && /roles:/ {sub(/\[.*\]/, "[worker]")} {print}'
  lab_registry_yaml "$VIP"
} >"$work/lab.yaml"
ca=$ACPCTL_HOME/clusters/lab/pki/ca.crt
token_re='[a-z0-9]{6}\.[a-z0-9]{16}'
no_token() { # FILE...: nothing shaped like a bootstrap token
  if grep -qE "$token_re" "$@"; then lab_fail "a bootstrap token appears in: $(grep -lE "$token_re" "$@")"; fi
}
kubeadm_log() { lab_ssh "$1" cat /var/log/kube-double/kubeadm.log 2>/dev/null || true; }
# "init", "join", "reset", "token" per kubeadm run on HOST, one a line, in order
kubeadm_runs() { kubeadm_log "$1" | python3 -c 'import json, sys
for l in sys.stdin:
    e = json.loads(l)
    if "event" not in e and len(e["argv"]) > 1 and e["argv"][1] != "version": print(e["argv"][1])'; }

# 0. The kubelet's prerequisites are checked before anything changes: a lab host forwards no
# IPv4 (its network namespace's default), so the plan is refused, naming the node and the fix.
if "$acpctl" plan -f "$work/lab.yaml" --package "$pkg" --key "$key" >"$work/plan0.txt" 2>&1; then
  lab_fail "the plan passed with net.ipv4.ip_forward=0 on the nodes: $(cat "$work/plan0.txt")"
fi
has "$work/plan0.txt" "sysctl net.ipv4.ip_forward is"
has "$work/plan0.txt" "sysctl -w net.ipv4.ip_forward=1"
for x in 1 2 3 4 5 6 7; do lab_ssh "n$x" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'; done
ok "plan refused while the nodes do not forward IPv4, naming the node and the fix"

# 1. The plan: who inits, who joins, in which stage; no secret in it.
"$acpctl" plan -f "$work/lab.yaml" --package "$pkg" --key "$key" --out "$work/plan.json" >"$work/plan.txt" 2>&1 ||
  lab_fail "plan failed: $(cat "$work/plan.txt")"
python3 - "$work/plan.json" >"$work/kube-steps" <<'EOF'
import json, sys
for s in json.load(open(sys.argv[1]))["steps"]:
    if s["stage"] in ("kubernetes-bootstrap", "kubernetes-workers"):
        print(s["stage"], s["host"], s["params"]["role"], s["params"]["reset"])
EOF
printf '%s\n' "kubernetes-bootstrap n1 init False" "kubernetes-bootstrap n2 control-plane False" \
  "kubernetes-bootstrap n3 control-plane False" "kubernetes-workers n4 worker False" \
  "kubernetes-workers n5 worker False" "kubernetes-workers n6 worker False" \
  "kubernetes-workers n7 worker False" >"$work/want-steps"
diff "$work/want-steps" "$work/kube-steps" || lab_fail "the plan's kubeadm steps are not init n1, joins n2 n3, workers n4-n7"
no_token "$work/plan.json" "$work/plan.txt"
ok "plan: init on n1, control-plane joins n2 then n3, workers n4-n7 in the batched stage; no token"

# 2. kill -9 while n2's kubeadm join runs (the double pauses after writing its manifests).
lab_ssh n2 sh -c 'mkdir -p /etc/kube-double && echo 60 >/etc/kube-double/pause-after-manifests'
"$acpctl" -o json --log-file "$work/apply1.log" apply -f "$work/lab.yaml" \
  --package "$pkg" --key "$key" --yes >"$work/apply1.json" 2>"$work/apply1.err" &
apid=$!
for _ in $(seq 1 600); do
  kubeadm_log n2 | grep -q '"paused"' && break
  kill -0 "$apid" 2>/dev/null || lab_fail "apply ended before n2's join: $(grep step_failed "$work/apply1.json" | tail -3) $(tail -5 "$work/apply1.err")"
  sleep 0.5
done
kubeadm_log n2 | grep -q '"paused"' || lab_fail "n2's kubeadm join never started"
kill -9 "$apid"
wait "$apid" 2>/dev/null || true
lab_ssh n2 rm -f /etc/kube-double/pause-after-manifests
[ "$(kubeadm_runs n1)" = init ] || lab_fail "n1 ran kubeadm: $(kubeadm_runs n1 | tr '\n' ' ')"
ok "apply killed with SIGKILL during n2's kubeadm join (n1 initialised)"

# 3. The next plan: a token made on n1, n2 reset then joined, the rest as before; no init.
"$acpctl" plan -f "$work/lab.yaml" --package "$pkg" --key "$key" --out "$work/plan2.json" >"$work/plan2.txt" 2>&1 ||
  lab_fail "plan after the kill failed: $(cat "$work/plan2.txt")"
python3 - "$work/plan2.json" >"$work/kube-steps2" <<'EOF'
import json, sys
for s in json.load(open(sys.argv[1]))["steps"]:
    if s["stage"] in ("kubernetes-bootstrap", "kubernetes-workers"):
        print(s["stage"], s["host"], s["params"]["role"], s["params"]["reset"], s.get("target", "node"))
EOF
printf '%s\n' "kubernetes-bootstrap n1 token False cluster" \
  "kubernetes-bootstrap n2 control-plane True node" "kubernetes-bootstrap n3 control-plane False node" \
  "kubernetes-workers n4 worker False node" "kubernetes-workers n5 worker False node" \
  "kubernetes-workers n6 worker False node" "kubernetes-workers n7 worker False node" >"$work/want-steps2"
diff "$work/want-steps2" "$work/kube-steps2" || lab_fail "the plan after the kill is not token n1, reset+join n2, n3, n4-n7"
ok "plan after the kill: join token on n1, n2 reset first, no second init"

# 4. The resumed apply.
"$acpctl" -o json --log-file "$work/apply2.log" apply -f "$work/lab.yaml" \
  --package "$pkg" --key "$key" --yes >"$work/apply2.json" 2>"$work/apply2.err" ||
  lab_fail "the resumed apply failed: $(tail -20 "$work/apply2.err" "$work/apply2.json")"
[ "$(kubeadm_runs n1 | tr '\n' ' ')" = "init token " ] || lab_fail "n1 ran: $(kubeadm_runs n1 | tr '\n' ' ')"
[ "$(kubeadm_runs n2 | tr '\n' ' ')" = "join reset join " ] || lab_fail "n2 ran: $(kubeadm_runs n2 | tr '\n' ' ')"
for x in 3 4 5 6 7; do
  [ "$(kubeadm_runs "n$x")" = join ] || lab_fail "n$x ran: $(kubeadm_runs "n$x" | tr '\n' ' ')"
done
for x in 1 2 3 4 5 6 7; do
  role=$(lab_ssh "n$x" cat /etc/acp/kubernetes/bootstrapped)
  want=worker
  [ "$x" -le 3 ] && want=control-plane
  [ "$x" -eq 1 ] && want=init
  [ "$role" = "$want" ] || lab_fail "n$x's marker says '$role', want $want"
  lab_ssh "n$x" test ! -e /run/acp/kubernetes/kubeadm.yaml || lab_fail "n$x kept the secret kubeadm config"
  lab_ssh "n$x" grep -q 'ACP_SECRET:bootstrap-token' /etc/acp/kubernetes/kubeadm.yaml ||
    lab_fail "n$x's kept kubeadm.yaml lacks the placeholder"
done
ok "resumed: n1 init+token, n2 join (interrupted), reset, join; n3-n7 one join each; markers; no secret config left"

# Order (the JSON events, in the order they happened): each control-plane step started after
# the one before it finished (its gate passed); the workers' steps after every control plane's,
# n4-n6 under way at once (the first batch of 3), n7 only after all three finished.
python3 - "$work/apply2.json" <<'PY' || lab_fail "the bootstrap steps ran out of order"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
seq = [(e["type"], e["host"]) for e in ev if e.get("stage") in ("kubernetes-bootstrap", "kubernetes-workers")
       and e["type"] in ("step_started", "step_finished")]
cp = [x for x in seq if x[1] in ("n1", "n2", "n3")]
want = [("step_started", "n1"), ("step_finished", "n1"), ("step_started", "n2"),
        ("step_finished", "n2"), ("step_started", "n3"), ("step_finished", "n3")]
assert cp == want, cp
workers = [x for x in seq if x[1] in ("n4", "n5", "n6", "n7")]
assert seq.index(workers[0]) > seq.index(("step_finished", "n3")), seq
assert sorted(workers[:3]) == [("step_started", h) for h in ("n4", "n5", "n6")], workers
assert sorted(workers[3:6]) == [("step_finished", h) for h in ("n4", "n5", "n6")], workers
assert workers[6:] == [("step_started", "n7"), ("step_finished", "n7")], workers
PY
ok "order: n1 token, n2, n3 one at a time behind the gate; then n4-n6 together (a batch of 3), n7 after them"

# 5. The API through the VIP; every node registered by its kubelet.
curl -sS -m 5 --cacert "$ca" "https://$VIP:6443/readyz" >"$work/readyz" || lab_fail "readyz through the VIP failed"
has "$work/readyz" ok
"$acpctl" kubeconfig -f "$work/lab.yaml" --path "$work/admin.kubeconfig" >/dev/null
# the admin kubeconfig's CA and client pair as files, for curl
python3 - "$work/admin.kubeconfig" "$work" <<'PY'
import base64, sys, yaml
kc = yaml.safe_load(open(sys.argv[1]))
u = kc["users"][0]["user"]
for name, data in (("kc-ca", kc["clusters"][0]["cluster"]["certificate-authority-data"]),
                   ("kc-crt", u["client-certificate-data"]), ("kc-key", u["client-key-data"])):
    open(f"{sys.argv[2]}/{name}", "wb").write(base64.b64decode(data))
PY
api_get() { curl -sS -m 10 --cacert "$work/kc-ca" --cert "$work/kc-crt" --key "$work/kc-key" "https://$VIP:6443$1"; }
node_names() {
  api_get /api/v1/nodes | python3 -c 'import json, sys
print(" ".join(sorted(n["metadata"]["name"] for n in json.load(sys.stdin)["items"])))'
}
node_names >"$work/nodes"
# the core manifests, applied by acpctl (server-side apply)
for path in /api/v1/namespaces/cpaas-system \
  /apis/apiextensions.k8s.io/v1/customresourcedefinitions/moduleplugins.cluster.alauda.io; do
  api_get "$path" | python3 -c 'import json, sys
o = json.load(sys.stdin)
assert "acpctl" in {m.get("manager") for m in o["metadata"].get("managedFields", [])}, o' ||
    lab_fail "$path is not in the API with acpctl as its field manager"
done
[ "$(cat "$work/nodes")" = "n1 n2 n3 n4 n5 n6 n7" ] || lab_fail "the API lists the nodes: $(cat "$work/nodes")"
ok "readyz through the VIP $VIP:6443 with the cluster CA; the API lists n1-n7 and acpctl's core manifests (admin kubeconfig)"

# 5b. etcd's authorization: the API server (its etcd client certificate) stores the Nodes,
# but a worker's own client certificate of the cluster CA (its registry pull client's) gets
# nothing from etcd.
lab_ssh n4 cat /etc/acp/containerd/registry-client.crt >"$work/n4-client.crt"
lab_ssh n4 cat /etc/acp/containerd/registry-client.key >"$work/n4-client.key"
if etcdctl --endpoints=https://10.88.0.11:2379 --cacert "$ca" --cert "$work/n4-client.crt" \
  --key "$work/n4-client.key" --dial-timeout=2s --command-timeout=3s get /registry --prefix \
  --keys-only >"$work/n4-etcd" 2>&1; then
  lab_fail "etcd gave a worker's client certificate the keys: $(head -3 "$work/n4-etcd")"
fi
has "$work/n4-etcd" "permission denied"
ok "etcd refuses a worker's client certificate (n4's registry pull client); the API server's works"

# 6. No token anywhere acpctl wrote, nor in the nodes' acpctl and kubeadm directories.
no_token "$work"/plan*.json "$work"/plan*.txt "$work"/apply1.* "$work"/apply2.*
# kubeadm init printed its join command with the token: the debug log has the line, masked
grep -qE -- '--token \*\*\* ' "$work/apply1.log" ||
  lab_fail "the debug log lacks kubeadm init's join command with the token masked as ***"
for x in 1 2 3 4 5 6 7; do
  lab_ssh "n$x" sh -c "grep -rlE '$token_re' /etc/acp /etc/kubernetes /var/lib/acp 2>/dev/null || true" >"$work/leak"
  [ ! -s "$work/leak" ] || lab_fail "n$x holds a token in: $(cat "$work/leak")"
done
ok "no token in the plans, the debug logs, the JSON events, or /etc/acp, /etc/kubernetes, /var/lib/acp on any node"

# 7. status, and a re-apply changes nothing.
"$acpctl" status -f "$work/lab.yaml" >"$work/status" 2>&1 || lab_fail "status failed: $(cat "$work/status")"
[ "$(grep -c 'control plane (v1.31.6), kubelet healthy' "$work/status")" -eq 3 ] ||
  lab_fail "status does not show 3 healthy control planes: $(cat "$work/status")"
[ "$(grep -c 'worker (v1.31.6), kubelet healthy' "$work/status")" -eq 4 ] ||
  lab_fail "status does not show 4 healthy workers: $(cat "$work/status")"
"$acpctl" plan -f "$work/lab.yaml" --package "$pkg" --key "$key" >"$work/plan3.txt" 2>&1 ||
  lab_fail "the last plan failed: $(cat "$work/plan3.txt")"
has "$work/plan3.txt" "No changes"
ok "status: 3 control planes and 4 workers, kubelets healthy; a re-plan has no changes"

# 7b. Renewed certificates: the kubernetes stage rewrites them, then each control plane's
# static pods restart on them, one control plane at a time behind the API gate; an
# interrupted restart (its marker left) is finished by the next apply.
"$acpctl" certs renew -f "$work/lab.yaml" --all --yes >"$work/renew.out" 2>&1 ||
  lab_fail "certs renew failed: $(cat "$work/renew.out")"
"$acpctl" plan -f "$work/lab.yaml" --package "$pkg" --key "$key" --out "$work/plan-renew.json" >"$work/plan-renew.txt" 2>&1 ||
  lab_fail "the plan after certs renew failed: $(cat "$work/plan-renew.txt")"
restarts() { # the plan's static-pod restarts: "HOST ..." in order
  python3 -c 'import json, sys
print(" ".join(s["host"] for s in json.load(open(sys.argv[1]))["steps"]
               if s["stage"] == "kubernetes-bootstrap" and s.get("params", {}).get("role") == "restart"))' "$1"
}
[ "$(restarts "$work/plan-renew.json")" = "n1 n2 n3" ] ||
  lab_fail "the plan after certs renew does not restart n1 n2 n3's static pods: $(cat "$work/plan-renew.txt")"
"$acpctl" -o json apply -f "$work/lab.yaml" --package "$pkg" --key "$key" --yes >"$work/renew.json" 2>"$work/renew.err" ||
  lab_fail "the apply after certs renew failed: $(tail -20 "$work/renew.err" "$work/renew.json")"
python3 - "$work/renew.json" <<'PY' || lab_fail "the static pods did not restart one control plane at a time"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
seq = [(e["type"], e["host"]) for e in ev if e.get("stage") == "kubernetes-bootstrap"
       and e["type"] in ("step_started", "step_finished")]
assert seq == [(t, h) for h in ("n1", "n2", "n3") for t in ("step_started", "step_finished")], seq
PY
for x in 1 2 3; do
  lab_ssh "n$x" test ! -e /etc/acp/kubernetes/restart-pending -a ! -e /etc/kubernetes/.acp-restart ||
    lab_fail "n$x kept the restart marker or the holding directory"
  served=$(openssl s_client -connect "10.88.0.1$x:6443" -servername "n$x" </dev/null 2>/dev/null |
    openssl x509 -noout -serial)
  [ "$served" = "$(lab_ssh "n$x" openssl x509 -noout -serial -in /etc/kubernetes/pki/apiserver.crt)" ] ||
    lab_fail "n$x's API server does not serve its renewed certificate ($served)"
done
lab_ssh n2 sh -c 'echo interrupted >/etc/acp/kubernetes/restart-pending'
"$acpctl" plan -f "$work/lab.yaml" --package "$pkg" --key "$key" --out "$work/plan-pending.json" >"$work/plan-pending.txt" 2>&1 ||
  lab_fail "the plan with n2's marker failed: $(cat "$work/plan-pending.txt")"
[ "$(restarts "$work/plan-pending.json")" = n2 ] || lab_fail "n2's marker did not plan its restart: $(cat "$work/plan-pending.txt")"
"$acpctl" apply -f "$work/lab.yaml" --package "$pkg" --key "$key" --yes >"$work/pending.out" 2>&1 ||
  lab_fail "the apply with n2's marker failed: $(tail -20 "$work/pending.out")"
lab_ssh n2 test ! -e /etc/acp/kubernetes/restart-pending || lab_fail "n2's marker is still there"
"$acpctl" plan -f "$work/lab.yaml" --package "$pkg" --key "$key" >"$work/plan-after.txt" 2>&1 ||
  lab_fail "the plan after the restarts failed: $(cat "$work/plan-after.txt")"
has "$work/plan-after.txt" "No changes"
ok "certs renew: the static pods restarted on n1, n2, n3 one at a time (each API server serves its renewed certificate); a left marker restarts n2 again; then no changes"

# 8. Reset one worker: it is drained and deleted through the API before kubeadm reset on it.
"$acpctl" reset -f "$work/lab.yaml" --nodes n5 --yes >"$work/reset.out" 2>&1 ||
  lab_fail "reset --nodes n5 failed: $(cat "$work/reset.out")"
node_names >"$work/nodes"
[ "$(cat "$work/nodes")" = "n1 n2 n3 n4 n6 n7" ] || lab_fail "after resetting n5 the API lists: $(cat "$work/nodes"); reset said: $(cat "$work/reset.out")"
[ "$(kubeadm_runs n5 | tr '\n' ' ')" = "join reset " ] || lab_fail "n5 ran: $(kubeadm_runs n5 | tr '\n' ' ')"
for f in /etc/acp/kubernetes /etc/kubernetes/kubelet.conf /var/lib/kubelet/config.yaml /etc/service/acp-kubelet; do
  lab_ssh n5 test ! -e "$f" || lab_fail "reset left $f on n5"
done
ok "reset --nodes n5: its Node drained and deleted through the API, kubeadm reset -f, acp-kubelet and the files gone"

# 9. n7 taken out of the config (n5, reset above, still in it): the plan drains and deletes
# n7's Node through the API (nothing runs on n7, which acpctl no longer manages) and joins n5
# again with a new token; the apply does both; the next plan is empty.
awk '/- name: n7$/ {skip = 1; next} skip && /^    - name:/ {skip = 0} skip && /^      / {next} {skip = 0; print}' \
  "$work/lab.yaml" >"$work/lab6.yaml"
! grep -q 'n7' "$work/lab6.yaml" || lab_fail "the config without n7 still names it"
"$acpctl" plan -f "$work/lab6.yaml" --package "$pkg" --key "$key" --out "$work/plan4.json" >"$work/plan4.txt" 2>&1 ||
  lab_fail "the plan without n7 failed: $(cat "$work/plan4.txt")"
python3 - "$work/plan4.json" >"$work/kube-steps4" <<'PY'
import json, sys
for s in json.load(open(sys.argv[1]))["steps"]:
    if s["stage"] in ("kubernetes-remove", "kubernetes-bootstrap", "kubernetes-workers"):
        p = s.get("params", {})
        print(s["stage"], s["host"], p.get("node", p.get("role")))
PY
printf '%s\n' "kubernetes-remove n1 n7" "kubernetes-bootstrap n1 token" "kubernetes-workers n5 worker" >"$work/want-steps4"
diff "$work/want-steps4" "$work/kube-steps4" ||
  lab_fail "the plan without n7 is not: remove Node n7 through n1, a token on n1, n5 joins: $(cat "$work/plan4.txt")"
"$acpctl" apply -f "$work/lab6.yaml" --package "$pkg" --key "$key" --yes >"$work/apply4.out" 2>&1 ||
  lab_fail "the apply without n7 failed: $(tail -20 "$work/apply4.out")"
node_names >"$work/nodes"
[ "$(cat "$work/nodes")" = "n1 n2 n3 n4 n5 n6" ] || lab_fail "after taking n7 out the API lists: $(cat "$work/nodes")"
[ "$(kubeadm_runs n5 | tr '\n' ' ')" = "join reset join " ] || lab_fail "n5 ran: $(kubeadm_runs n5 | tr '\n' ' ')"
[ "$(kubeadm_runs n7)" = join ] || lab_fail "n7 ran: $(kubeadm_runs n7 | tr '\n' ' ') (nothing runs on a node out of the config)"
"$acpctl" plan -f "$work/lab6.yaml" --package "$pkg" --key "$key" >"$work/plan5.txt" 2>&1 ||
  lab_fail "the plan after removing n7 failed: $(cat "$work/plan5.txt")"
has "$work/plan5.txt" "No changes"
ok "n7 out of the config: its Node drained and deleted through the API (n7 untouched); n5 joined again after its reset; then no changes"
