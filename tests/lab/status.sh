#!/usr/bin/env bash
# Lab test of `acpctl status` against real sshd/runit hosts.
#   usage: status.sh ACPCTL_BINARY
# A hand-made state.json and a runit service on n1 show up on n1 only (text and JSON); an
# apply lock written on n1 is shown with its holder; with n3's link cut, n3 is reported
# unreachable, the exit code is 1 and n1, n2 are still shown. Exit 77 (skipped) when not root.
set -euo pipefail
acpctl=$(readlink -f "${1:?usage: status.sh ACPCTL_BINARY}")
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/lib.sh"
lab_require_root

work=$(mktemp -d)
link_down=""
lab_cleanup_hook() {
  [ -z "$link_down" ] || ip link set "$link_down" up 2>/dev/null || true
  rm -rf "$work"
}


lab_up 3
lab_config >"$work/lab.yaml"

# 1. A fresh lab: every node reachable, nothing installed, no lock.
"$acpctl" status -f "$work/lab.yaml" >"$work/out" 2>"$work/err" ||
  lab_fail "status on a fresh lab failed: $(cat "$work/err")"
for x in 1 2 3; do has "$work/out" "n$x ($(lab_ip "$x")): reachable, state serial 0, runit"; done
ok "fresh lab: 3 nodes reachable, nothing installed"

# 2. A component recorded in state.json and its runit service, by hand, on n1.
digest=sha256:$(printf demo | sha256sum | cut -d' ' -f1)
cat >"$work/state.json" <<JSON
{"schema": 1, "serial": 5, "components": {"demo": {"version": "1.2.3", "digest": "$digest",
 "files": [], "service": "demo", "ports": [], "installedAt": "2026-11-27T15:00:00Z"}}}
JSON
lab_ssh n1 sh -c 'mkdir -p /var/lib/acp && cat > /var/lib/acp/state.json' <"$work/state.json"
lab_ssh n1 sh -c 'mkdir -p /etc/service/.acp-demo &&
  printf "#!/bin/sh\nexec sleep 100000\n" > /etc/service/.acp-demo/run &&
  chmod 755 /etc/service/.acp-demo/run && mv -T /etc/service/.acp-demo /etc/service/acp-demo'
for _ in $(seq 1 50); do
  state=$(lab_ssh n1 sh -c 'sv status /etc/service/acp-demo 2>/dev/null || true')
  [[ $state == run:* ]] && break
  sleep 0.2
done
[[ $state == run:* ]] || lab_fail "runit did not start acp-demo on n1: $state"
pid=$(sed -n 's/.*(pid \([0-9]*\)).*/\1/p' <<<"$state")

"$acpctl" status -f "$work/lab.yaml" >"$work/out" 2>"$work/err" ||
  lab_fail "status failed: $(cat "$work/err")"
has "$work/out" "n1 ($(lab_ip 1)): reachable, state serial 5, runit"
has "$work/out" "demo             1.2.3"
has "$work/out" "${digest:7:12}"
has "$work/out" "acp-demo running (pid $pid)"
"$acpctl" -o json status -f "$work/lab.yaml" >"$work/status.json" 2>"$work/err" ||
  lab_fail "status -o json failed: $(cat "$work/err")"
python3 - "$work/status.json" "$pid" "$digest" <<'PY' || lab_fail "the JSON status is wrong: $(cat "$work/status.json")"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["schema"] == 1 and doc["type"] == "status", doc
nodes = {n["name"]: n for n in doc["nodes"]}
assert sorted(nodes) == ["n1", "n2", "n3"], nodes
n1 = nodes["n1"]
assert n1["reachable"] and n1["serial"] == 5 and n1["lock"] is None, n1
[c] = n1["components"]
assert c["name"] == "demo" and c["version"] == "1.2.3" and c["digest"] == sys.argv[3], c
assert c["serviceState"] == "running" and c["pid"] == int(sys.argv[2]), c
for name in ("n2", "n3"):
    assert nodes[name]["reachable"] and nodes[name]["components"] == [], nodes[name]
    assert nodes[name]["serial"] == 0, nodes[name]
PY
ok "n1 shows demo 1.2.3 running as pid $pid (text and JSON); n2 and n3 show nothing"

# 3. The service stopped: shown as down.
lab_ssh n1 sv down /etc/service/acp-demo >/dev/null
"$acpctl" status -f "$work/lab.yaml" --nodes n1 >"$work/out" 2>"$work/err" ||
  lab_fail "status --nodes n1 failed: $(cat "$work/err")"
has "$work/out" "acp-demo down"
grep -q "^n2 " "$work/out" && lab_fail "--nodes n1 also showed n2"
ok "a stopped service shows as down; --nodes limits the output"

# 4. An apply lock held by a live process of this machine (this shell) is shown.
read -r stat </proc/$$/stat
start=$(lab_stat_starttime "$stat")
printf '{"controller":"%s","pid":%d,"pidStart":"%s","startedAt":"%s","command":"acpctl apply"}' \
  "$(hostname)" "$$" "$start" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$work/lock"
lab_ssh n2 sh -c 'mkdir -p /var/lib/acp && cat > /var/lib/acp/apply.lock' <"$work/lock"
"$acpctl" status -f "$work/lab.yaml" >"$work/out" 2>"$work/err" ||
  lab_fail "status with a lock failed: $(cat "$work/err")"
has "$work/out" "apply lock held by acpctl apply (pid $$ on $(hostname), since"
"$acpctl" -o json status -f "$work/lab.yaml" >"$work/status.json"
python3 - "$work/status.json" "$$" <<'PY' || lab_fail "the JSON lock is wrong: $(cat "$work/status.json")"
import json, sys
nodes = {n["name"]: n for n in json.load(open(sys.argv[1]))["nodes"]}
assert nodes["n2"]["lock"]["pid"] == int(sys.argv[2]), nodes["n2"]
assert nodes["n1"]["lock"] is None and nodes["n3"]["lock"] is None, nodes
PY
ok "an apply lock on n2 is shown with its holder"

# 5. n3's link cut: n3 unreachable, exit 1, n1 and n2 still shown.
link_down=acpv3
ip link set "$link_down" down
rc=0
"$acpctl" status -f "$work/lab.yaml" >"$work/out" 2>"$work/err" || rc=$?
"$acpctl" -o json status -f "$work/lab.yaml" >"$work/status.json" 2>/dev/null || true
ip link set "$link_down" up
link_down=""
[ "$rc" -eq 1 ] || lab_fail "status exit code $rc with n3 down, expected 1"
has "$work/out" "n3 ($(lab_ip 3)): unreachable: "
has "$work/out" "cannot connect to $(lab_ip 3):22"
has "$work/out" "n1 ($(lab_ip 1)): reachable, state serial 5"
has "$work/out" "n2 ($(lab_ip 2)): reachable"
python3 - "$work/status.json" <<'PY' || lab_fail "the JSON with n3 down is wrong: $(cat "$work/status.json")"
import json, sys
nodes = {n["name"]: n for n in json.load(open(sys.argv[1]))["nodes"]}
assert not nodes["n3"]["reachable"] and "cannot connect" in nodes["n3"]["error"]["message"], nodes
assert nodes["n1"]["reachable"] and nodes["n2"]["reachable"], nodes
PY
ok "n3 down: reported unreachable with exit 1 while n1 and n2 are shown"
