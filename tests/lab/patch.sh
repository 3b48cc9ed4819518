#!/usr/bin/env bash
# Lab test of releases, targeted patches and `acpctl upgrade` on 3 real sshd + runit hosts
# with real etcd (3 members, TLS) and keepalived (the VIP). The base is the lab demo package
# `scripts/build-lab-package.sh OUTDIR demo 1.0.0` (etcd, keepalived, hello, steady); the
# patches are `... OUTDIR patch hello|etcd|broken|wrongbase` (packages/lab-patch/).
#   usage: patch.sh ACPCTL_BINARY
# Checks:
#  a. the base applies; every service's PID and start time is recorded;
#  b. `apply` refuses a patch (exit 2, pointing to `acpctl upgrade apply`); `upgrade plan` of the hello
#     patch: hello "replace + restart" 1.0.0 -> 1.0.1, steady "relabel only", etcd and
#     keepalived unchanged (text and JSON), --detailed-exitcode 2;
#  c. `upgrade apply` of it restarts hello only (new PIDs, serves 1.0.1); steady, etcd and
#     keepalived keep PID and start time; an etcd snapshot is named first; the plan is then
#     empty (exit 0); status shows <core>-p1 with the base as previous release on every node;
#  d. a patch for another base version (0.0.1) is refused naming both versions; nothing restarts;
#  e. a patch whose hello fails its health gate: exit 1 naming the node and the gate; that
#     node is rolled back (hello 1.0.1 again), the other nodes are not touched;
#  f. the etcd patch rolls etcd member by member while a writer puts keys through the VIP: no
#     failed write, no gap over 3 s; etcd has new PIDs on all 3 nodes; keepalived restarts only
#     on the node that held the VIP (it hands the VIP over first), nothing else restarts;
#     3 healthy members through the VIP;
#  g. `upgrade rollback` (p2 -> p1, an etcd rollout) is killed with SIGKILL right after the first
#     member restarted; running `upgrade rollback` again converges every node on p1 (the
#     release the interrupted rollback was heading for), and a quorum probe every 0.2 s over
#     the whole sequence never sees fewer than 2 healthy members;
#  h. `upgrade rollback` once more changes nothing (it continues the finished rollback, it never
#     rolls forward); `acpctl history` lists install, both upgrades and the rollback on every
#     node, each change with its etcd snapshot.
# Exit 77 (skipped) when not root.
set -euo pipefail
acpctl=$(readlink -f "${1:?usage: patch.sh ACPCTL_BINARY}")
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lab/vip_lib.sh
source "$(dirname "$0")/vip_lib.sh"
lab_require_root
command -v etcdctl >/dev/null || lab_fail "etcdctl is missing; run scripts/setup.sh"

work=$(mktemp -d)
export ACPCTL_HOME=$work/home
# shellcheck source=tests/lab/writer_lib.sh
source "$(dirname "$0")/writer_lib.sh"
background=""
lab_cleanup_hook() {
  writer_stop
  quorum_stop
  if [ -n "$background" ]; then kill -KILL "$background" 2>/dev/null || true; fi
  rm -rf "$work"
}

# The packages: the base, then one directory per patch (each holds core.amd64.v<version>.tgz).
build() {
  ACPCTL=$acpctl bash "$root/scripts/build-lab-package.sh" "$work/$1" "${@:2}" >"$work/build-$1.log" 2>&1 ||
    lab_fail "building $1 failed: $(cat "$work/build-$1.log")"
}
build base demo 1.0.0
for kind in hello etcd broken wrongbase; do build "$kind" patch "$kind"; done
key=$work/base/acp-lab.pub
pkg() { ls "$work/$1"/core.amd64.v*.tgz; }
show() { "$acpctl" -o json package show --all "$(pkg "$1")"; }
show base >"$work/base.json"
base_version=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["manifest"]["version"])' <"$work/base.json")
etcd_version=$(python3 -c 'import json,sys; print([c["version"] for c in json.load(sys.stdin)["manifest"]["components"] if c["name"] == "etcd"][0])' <"$work/base.json")
p1=$base_version-p1 p2=$base_version-p2

# The patches are what they claim, before any host is involved: steady in the hello patch has
# the base's bytes under a new version; the etcd patch has the same binary and one more file.
for kind in hello etcd broken wrongbase; do show "$kind" >"$work/$kind.json"; done
python3 - "$work" "$base_version" "$etcd_version" <<'PY' || lab_fail "the patch packages are not what packages/lab-patch/ says"
import json, sys
work, base, etcd = sys.argv[1:]
def manifest(kind):
    return json.load(open(f"{work}/{kind}.json"))["manifest"]
def comp(m, name):
    return {c["name"]: c for c in m["components"]}[name]
def sums(c):
    return {f["path"]: f["sha256"] for f in c["files"]}
b = manifest("base")
want = {"hello": (f"{base}-p1", base, ["hello", "steady"]), "etcd": (f"{base}-p2", base, ["etcd"]),
        "broken": (f"{base}-p3", base, ["hello"]), "wrongbase": (f"{base}-p4", "0.0.1", ["hello", "steady"])}
for kind, (version, base_version, names) in want.items():
    m = manifest(kind)
    assert m["type"] == "patch" and m["version"] == version and m["baseVersion"] == base_version, (kind, m)
    assert [c["name"] for c in m["components"]] == names, (kind, m["components"])
h = manifest("hello")
assert sums(comp(h, "steady")) == sums(comp(b, "steady")), "steady's bytes differ from the base's"
assert comp(h, "steady")["version"] == "1.0.1" and comp(b, "steady")["version"] == "1.0.0"
assert comp(h, "steady")["digest"] != comp(b, "steady")["digest"]
assert comp(h, "hello")["version"] == "1.0.1" and sums(comp(h, "hello")) != sums(comp(b, "hello"))
e = comp(manifest("etcd"), "etcd")
assert e["version"] == f"{etcd}-p2", e["version"]
be = sums(comp(b, "etcd"))
assert all(sums(e)[p] == s for p, s in be.items()) and len(sums(e)) == len(be) + 1, (e, be)
assert comp(manifest("broken"), "hello")["version"] == "1.0.2"
PY
ok "packages: base $base_version; patches $p1 (hello 1.0.1, steady relabelled with the base's bytes), $p2 (etcd $etcd_version-p2, same binary), -p3 (broken hello 1.0.2), -p4 (baseVersion 0.0.1)"

lab_up 3
lab_config >"$work/lab.yaml"
pki=$ACPCTL_HOME/clusters/lab/pki
vip_ctl() { # etcdctl through the VIP with acpctl's admin client certificate
  etcdctl --endpoints "https://$VIP:2379" --cacert "$pki/ca.crt" --cert "$pki/admin.crt" \
    --key "$pki/admin.key" --dial-timeout 2s --command-timeout 4s "$@"
}
# upgrade VERB KIND [ARGS...]: `acpctl upgrade VERB` (plan, apply) on the lab with patch KIND.
upgrade() {
  local verb=$1 kind=$2
  shift 2
  "$acpctl" upgrade "$verb" -f "$work/lab.yaml" --package "$(pkg "$kind")" --key "$key" "$@"
}
upgrade_json() { "$acpctl" -o json upgrade "$@"; }

# Every acp service's PID and start time on every node: SERVICES[nX.svc]="pid:starttime".
declare -A SERVICES
services() {
  local x s p rest
  SERVICES=()
  for x in 1 2 3; do
    # shellcheck disable=SC2016  # expands on the node
    while read -r s p rest; do
      SERVICES[n$x.$s]="$p:$(lab_stat_starttime "$rest")"
    done < <(lab_ssh "n$x" sh -c 'for s in etcd keepalived hello steady; do
      p=$(sv status /etc/service/acp-$s | sed -nE "s/^run: [^(]*\(pid ([0-9]+)\).*/\1/p")
      printf "%s %s %s\n" "$s" "$p" "$([ -z "$p" ] || cat /proc/$p/stat)"; done')
  done
  [ "${#SERVICES[@]}" = 12 ] || lab_fail "want 4 services on each of 3 nodes: $(declare -p SERVICES)"
  for s in "${!SERVICES[@]}"; do
    [ "${SERVICES[$s]%%:*}" != "" ] || lab_fail "$s is not running: $(declare -p SERVICES)"
  done
}
# save LABEL: keep SERVICES as SAVED[LABEL.nX.svc].
declare -A SAVED
save() {
  local k
  for k in "${!SERVICES[@]}"; do SAVED[$1.$k]=${SERVICES[$k]}; done
}
# unchanged LABEL SVC...: on every node, each SVC has the PID and start time saved as LABEL.
unchanged() {
  local label=$1 s x
  shift
  for s in "$@"; do
    for x in 1 2 3; do
      [ "${SAVED[$label.n$x.$s]}" = "${SERVICES[n$x.$s]}" ] ||
        lab_fail "n$x: $s restarted: ${SAVED[$label.n$x.$s]} -> ${SERVICES[n$x.$s]} (pid:starttime, since $label)"
    done
  done
}
# restarted LABEL SVC NODE...: SVC has a new PID on each NODE since LABEL.
restarted() {
  local label=$1 s=$2 n
  shift 2
  for n in "$@"; do
    [ "${SAVED[$label.$n.$s]%%:*}" != "${SERVICES[$n.$s]%%:*}" ] ||
      lab_fail "$n: $s was not restarted since $label (pid ${SERVICES[$n.$s]%%:*})"
  done
}
serving() {
  lab_ssh "$1" python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8088/hello', timeout=2).read().decode())" |
    sed -nE 's/.*Version: ([0-9.]+).*/\1/p'
}
assert_serving() {
  local x v
  for x in 1 2 3; do
    v=$(serving "n$x" || true)
    [ "$v" = "$1" ] || lab_fail "n$x: hello serves version '$v', want $1"
  done
}
# releases FILE: "node release previous" per node from `upgrade status -o json` in FILE.
releases() {
  python3 -c '
import json, sys
for n in json.load(open(sys.argv[1]))["nodes"]:
    prev = n.get("previous") or {}
    print(n["node"], n["release"]["version"], prev.get("version", "-"))' "$1"
}
# assert_release VERSION [PREVIOUS]: upgrade status -o json shows them on every node; a failure
# also shows the file $SHOW_ON_FAIL (the output of the command that should have got there).
assert_release() {
  upgrade_json status -f "$work/lab.yaml" >"$work/status.json" 2>"$work/status.err" ||
    lab_fail "upgrade status failed: $(cat "$work/status.json" "$work/status.err")"
  releases "$work/status.json" >"$work/releases"
  local got
  got=$(sort "$work/releases")
  [ $# -eq 2 ] || got=$(cut -d' ' -f1,2 <<<"$got")
  [ "$got" = "$(for x in 1 2 3; do echo "n$x $1${2:+ $2}"; done)" ] ||
    lab_fail "want release $1${2:+ (previous $2)} on n1-n3; upgrade status says (node release previous):
$(cat "$work/releases")${SHOW_ON_FAIL:+
--- $SHOW_ON_FAIL:
$(cat "$SHOW_ON_FAIL")}"
}
# A text plan line for COMPONENT holding every TEXT (the first line naming it that does).
plan_line() {
  local file=$1 component=$2 line t good
  shift 2
  while IFS= read -r line; do
    good=1
    for t in "$@"; do [[ $line == *"$t"* ]] || good=0; done
    if [ "$good" = 1 ]; then return 0; fi
  done < <(grep -E "(^|[^a-z])$component([^a-z]|$)" "$file")
  lab_fail "no plan line for $component with: $* in: $(cat "$file")"
}

# a. The base.
t0=$(now_ns)
"$acpctl" apply -f "$work/lab.yaml" --package "$(pkg base)" --key "$key" --yes >"$work/apply.out" 2>&1 ||
  lab_fail "apply of the base failed: $(cat "$work/apply.out")"
assert_serving 1.0.0
services
save BASE
ok "base $base_version applied in $((($(now_ns) - t0) / 1000000)) ms: etcd, keepalived, hello 1.0.0, steady on n1-n3"

# b. A patch is not for `apply`; the upgrade plan names each change.
rc=0
"$acpctl" apply -f "$work/lab.yaml" --package "$(pkg hello)" --key "$key" --yes >"$work/refused.out" 2>&1 || rc=$?
[ "$rc" = 2 ] || lab_fail "apply of a patch exited $rc, want 2 (wrong use): $(cat "$work/refused.out")"
has "$work/refused.out" "acpctl upgrade apply"
rc=0
upgrade plan hello --detailed-exitcode >"$work/plan.out" 2>&1 || rc=$?
[ "$rc" = 2 ] || lab_fail "upgrade plan of $p1 exited $rc, want 2: $(cat "$work/plan.out")"
plan_line "$work/plan.out" hello "replace + restart" "1.0.0 -> 1.0.1"
plan_line "$work/plan.out" steady "relabel only (same bytes, no restart)" "1.0.0 -> 1.0.1"
plan_line "$work/plan.out" etcd "unchanged"
plan_line "$work/plan.out" keepalived "unchanged"
upgrade_json plan -f "$work/lab.yaml" --package "$(pkg hello)" --key "$key" >"$work/plan.json" 2>"$work/plan.err" ||
  lab_fail "upgrade plan -o json failed: $(cat "$work/plan.json" "$work/plan.err")"
python3 - "$work/plan.json" "$base_version" "$p1" <<'PY' || lab_fail "the JSON plan is wrong: $(cat "$work/plan.json")"
import json, sys
doc, base, p1 = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
assert sorted(n["node"] for n in doc["nodes"]) == ["n1", "n2", "n3"], doc
for n in doc["nodes"]:
    assert n["release"] == {"from": base, "to": p1}, n
    c = {x["name"]: x for x in n["components"]}
    assert (c["hello"]["from"], c["hello"]["to"], c["hello"]["change"]) == ("1.0.0", "1.0.1", "replace+restart"), n
    assert (c["steady"]["from"], c["steady"]["to"], c["steady"]["change"]) == ("1.0.0", "1.0.1", "relabel"), n
    for name in ("etcd", "keepalived"):
        assert c[name]["change"] == "unchanged", n
PY
services
unchanged BASE etcd keepalived hello steady
ok "apply refuses the patch; upgrade plan: hello replace + restart 1.0.0 -> 1.0.1, steady relabel only, etcd/keepalived unchanged on n1-n3 (exit 2)"

# c. The hello patch: hello restarts, nothing else does.
t0=$(now_ns)
upgrade apply hello --yes >"$work/up.out" 2>"$work/up.err" || lab_fail "upgrade apply of $p1 failed: $(cat "$work/up.out" "$work/up.err")"
ms=$((($(now_ns) - t0) / 1000000))
has "$work/up.err" "etcd snapshot: "
services
save P1
restarted BASE hello n1 n2 n3
unchanged BASE steady etcd keepalived
assert_serving 1.0.1
rc=0
upgrade plan hello --detailed-exitcode >"$work/plan2.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || lab_fail "upgrade plan after applying $p1 exited $rc, want 0: $(cat "$work/plan2.out")"
SHOW_ON_FAIL=$work/up.err assert_release "$p1" "$base_version"
"$acpctl" -o json history -f "$work/lab.yaml" >"$work/history.json" 2>"$work/history.err" ||
  lab_fail "history failed: $(cat "$work/history.json" "$work/history.err")"
[ "$(releases "$work/history.json" | sort)" = "$(sort "$work/releases")" ] ||
  lab_fail "history and upgrade status disagree: $(cat "$work/history.json")"
ok "upgrade apply $p1 in $ms ms ($(grep -m1 'etcd snapshot: ' "$work/up.err")): hello restarted and serves 1.0.1 on n1-n3; steady, etcd, keepalived kept PID and start time; plan then empty; status: $p1, previous $base_version"

# d. A patch for another base version is refused; nothing changes.
rc=0
upgrade apply wrongbase --yes >"$work/wrong.out" 2>&1 || rc=$?
[ "$rc" = 1 ] || lab_fail "upgrade apply of a patch for 0.0.1 exited $rc, want 1: $(cat "$work/wrong.out")"
has "$work/wrong.out" "0.0.1"
has "$work/wrong.out" "$base_version"
services
unchanged P1 etcd keepalived hello steady
SHOW_ON_FAIL=$work/wrong.out assert_release "$p1" "$base_version"
ok "a patch for base 0.0.1 is refused ($(grep -m1 '0\.0\.1' "$work/wrong.out" | sed 's/^ *//')); no restarts"

# e. A patch whose hello fails its health gate: the first node is rolled back, the others untouched.
rc=0
upgrade apply broken --yes >"$work/broken.err" 2>&1 || rc=$?
[ "$rc" = 1 ] || lab_fail "upgrade apply of the broken patch exited $rc, want 1: $(cat "$work/broken.err")"
has "$work/broken.err" "hello"
has "$work/broken.err" "health"
has "$work/broken.err" "rolled back"
services
unchanged P1 etcd keepalived steady
first=""
for x in 1 2 3; do
  if [ "${SAVED[P1.n$x.hello]}" != "${SERVICES[n$x.hello]}" ]; then
    [ -z "$first" ] || lab_fail "hello restarted on $first and n$x; the gate should stop the rollout at the first node"
    first=n$x
  fi
done
[ -n "$first" ] || lab_fail "the broken patch restarted hello nowhere: $(cat "$work/broken.err")"
grep -qE "(^|[^a-z0-9])$first([^0-9]|$)" "$work/broken.err" || lab_fail "the failure does not name $first: $(cat "$work/broken.err")"
assert_serving 1.0.1
SHOW_ON_FAIL=$work/broken.err assert_release "$p1" "$base_version"
save AFTER_E
ok "broken patch: exit 1 on $first ($(grep -m1 -i 'health' "$work/broken.err" | sed 's/^ *//')); $first rolled back to hello 1.0.1, the other nodes untouched"

# f. The etcd patch under writes through the VIP.
upgrade_json plan -f "$work/lab.yaml" --package "$(pkg etcd)" --key "$key" >"$work/plan3.json" 2>&1 ||
  lab_fail "upgrade plan of $p2 failed: $(cat "$work/plan3.json")"
python3 - "$work/plan3.json" "$etcd_version" <<'PY' || lab_fail "the $p2 plan is wrong: $(cat "$work/plan3.json")"
import json, sys
doc, etcd = json.load(open(sys.argv[1])), sys.argv[2]
for n in doc["nodes"]:
    c = {x["name"]: x for x in n["components"]}
    assert (c["etcd"]["from"], c["etcd"]["to"], c["etcd"]["change"]) == (etcd, etcd + "-p2", "replace+restart"), n
    assert all(x["change"] == "unchanged" for x in n["components"] if x["name"] != "etcd"), n
PY
holder_before=$(vip_holders)
if [ -z "$holder_before" ] || [ "${holder_before#* }" != "$holder_before" ]; then
  lab_fail "want the VIP on one node before the etcd rollout, it is on: '$holder_before'"
fi
writer_start "$work/writes"
sleep 1
t0=$(now_ns)
set_now_ms
t0_ms=$NOW_MS
rc=0
# acpctl's progress (stderr) gets the ms since t0_ms, to be read next to the writer's timeline;
# under pipefail rc is acpctl's.
{ upgrade apply etcd --yes 2>&1 >"$work/etcd.out"; } | stamp "$t0_ms" >"$work/etcd.err" || rc=$?
ms=$((($(now_ns) - t0) / 1000000))
sleep 1
writer_stop
[ "$rc" = 0 ] || lab_fail "upgrade apply of $p2 exited $rc: $(cat "$work/etcd.out" "$work/etcd.err")"
writer_report "$work/writes"
report=$WRITER_SUMMARY
timeline() { # the writer's worst moments next to acpctl's steps, in ms since acpctl started
  writer_timeline "$work/writes" "$t0_ms"
  cat "$work/etcd.out" "$work/etcd.err"
}
[ "$WRITER_FAILED" = 0 ] || lab_fail "writes failed during the etcd rollout: $report; $(timeline)"
[ "$WRITER_GAP_MS" -lt 3000 ] || lab_fail "etcd took no write for too long during the rollout: $report; $(timeline)"
[ "$WRITER_WRITES" -gt 10 ] || lab_fail "the writer hardly ran: $report"
services
restarted AFTER_E etcd n1 n2 n3
unchanged AFTER_E hello steady
# keepalived restarts only where it handed the VIP over before that node's etcd restarted.
for x in 1 2 3; do
  was=${SAVED[AFTER_E.n$x.keepalived]} now=${SERVICES[n$x.keepalived]}
  [ "$was" = "$now" ] || [ "n$x" = "$holder_before" ] ||
    lab_fail "n$x: keepalived restarted, but it did not hold the VIP ($holder_before did): $was -> $now"
done
[ -n "$(vip_holders)" ] || lab_fail "no node holds the VIP after the etcd rollout"
health=$(vip_ctl endpoint health --cluster 2>&1) || lab_fail "etcd is not healthy through the VIP: $health"
[ "$(grep -c ' is healthy' <<<"$health")" = 3 ] || lab_fail "want 3 healthy members through the VIP: $health"
SHOW_ON_FAIL=$work/etcd.err assert_release "$p2" "$p1"
for x in 1 2 3; do
  link=$(lab_ssh "n$x" readlink /opt/acp/components/etcd/current)
  [ "${link##*/}" = "$etcd_version-p2" ] || lab_fail "n$x: etcd's current link is $link, want .../$etcd_version-p2"
done
save P2
ok "upgrade apply $p2 in $ms ms: etcd restarted on n1-n3, keepalived only where it handed the VIP over ($holder_before), nothing else; writer through the VIP: $report; 3 healthy members"

# g. A rollback (p2 -> p1: an etcd rollout) killed after the first member restarted, then run
# again. The etcd PIDs are read from /proc in the root namespace (no SSH) to catch the moment.
etcd_pid() { # X: "pid:starttime" of host nX's etcd process, as the root namespace sees it
  local pid comm stat
  for pid in $(ip netns pids "acplab-n$1"); do
    read -r comm 2>/dev/null <"/proc/$pid/comm" || continue
    [ "$comm" = etcd ] || continue
    read -r stat 2>/dev/null <"/proc/$pid/stat" || continue
    echo "$pid:$(lab_stat_starttime "$stat")"
    return 0
  done
}
declare -A ETCD_BEFORE
for x in 1 2 3; do
  ETCD_BEFORE[$x]=$(etcd_pid "$x")
  [ -n "${ETCD_BEFORE[$x]}" ] || lab_fail "no etcd process on n$x"
done
quorum_start "$work/quorum"
sleep 0.5
# Run directly (not through a function), so that $! is acpctl itself.
"$acpctl" upgrade rollback -f "$work/lab.yaml" --yes >"$work/rb1.out" 2>&1 &
background=$!
moved=""
deadline=$(($(now_ns) + 60000000000))
while [ -z "$moved" ]; do
  for x in 1 2 3; do
    now=$(etcd_pid "$x")
    if [ -n "$now" ] && [ "$now" != "${ETCD_BEFORE[$x]}" ]; then moved=n$x; fi
  done
  [ -n "$moved" ] && break
  kill -0 "$background" 2>/dev/null || lab_fail "the rollback ended before any etcd member restarted: $(cat "$work/rb1.out")"
  [ "$(now_ns)" -lt "$deadline" ] || lab_fail "no etcd member restarted within 60 s of upgrade rollback: $(cat "$work/rb1.out")"
  sleep 0.05
done
kill -KILL "$background"
rc=0
{ wait "$background"; } 2>/dev/null || rc=$?
background=""
[ "$rc" = 137 ] || lab_fail "the rollback was not killed by SIGKILL (exit $rc; it may have finished first): $(cat "$work/rb1.out")"
restarted_at_kill=0
for x in 1 2 3; do [ "$(etcd_pid "$x")" = "${ETCD_BEFORE[$x]}" ] || restarted_at_kill=$((restarted_at_kill + 1)); done
"$acpctl" upgrade rollback -f "$work/lab.yaml" --yes >"$work/rb2.out" 2>&1 || lab_fail "upgrade rollback after the kill failed: $(cat "$work/rb2.out")"
sleep 1
quorum_stop
quorum_report "$work/quorum"
report=$QUORUM_SUMMARY
[ "$QUORUM_CHECKS" -gt 5 ] || lab_fail "the quorum probe hardly ran: $report"
[ "$QUORUM_MIN" -ge 2 ] || lab_fail "etcd lost quorum during the interrupted rollback: $report; $(awk '$2 < 2' "$work/quorum" | head -5)"
SHOW_ON_FAIL=$work/rb2.out assert_release "$p1"
# Whatever "previous" means after a rollback, the interrupted node must agree with the others.
[ "$(cut -d' ' -f2- "$work/releases" | sort -u | wc -l)" = 1 ] ||
  lab_fail "the nodes disagree on their releases after the rerun: $(cat "$work/releases")"
for x in 1 2 3; do
  link=$(lab_ssh "n$x" readlink /opt/acp/components/etcd/current)
  [ "${link##*/}" = "$etcd_version" ] || lab_fail "n$x: etcd's current link is $link, want .../$etcd_version;
--- the killed rollback: $(cat "$work/rb1.out")
--- the rerun: $(cat "$work/rb2.out")"
done
services
unchanged P2 hello steady # keepalived restarts where it handed the VIP over
vip_now=$(vip_holders)
if [ -z "$vip_now" ] || [ "${vip_now#* }" != "$vip_now" ]; then
  lab_fail "want the VIP on one node after the rollback, it is on: '$vip_now'"
fi
health=$(vip_ctl endpoint health --cluster 2>&1) || lab_fail "etcd is not healthy after the rollback: $health"
[ "$(grep -c ' is healthy' <<<"$health")" = 3 ] || lab_fail "want 3 healthy members after the rollback: $health"
save AFTER_G
ok "upgrade rollback killed (SIGKILL) after etcd restarted on $moved ($restarted_at_kill member(s) restarted by then); the rerun converged n1-n3 on $p1 (etcd $etcd_version); quorum probe: $report"

# h. `upgrade rollback` once more continues the finished rollback: nothing to do (it never
# rolls forward); every node's history lists install, the two upgrades and the rollback, each
# change after the install with the etcd snapshot taken before it.
"$acpctl" upgrade rollback -f "$work/lab.yaml" --yes >"$work/rb3.out" 2>&1 ||
  lab_fail "a second upgrade rollback failed: $(cat "$work/rb3.out")"
has "$work/rb3.out" "No changes."
SHOW_ON_FAIL=$work/rb3.out assert_release "$p1"
services
unchanged AFTER_G etcd keepalived hello steady
"$acpctl" -o json history -f "$work/lab.yaml" >"$work/history.json" ||
  lab_fail "acpctl history failed: $(cat "$work/history.json")"
got=$(python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
for n in doc["nodes"]:
    events = " ".join(e["action"] + ":" + e["to"] + (":snap" if e["snapshot"] else "") for e in n["history"])
    print(n["node"], events)' "$work/history.json")
want_events="install:$base_version upgrade:$p1:snap upgrade:$p2:snap rollback:$p1:snap"
[ "$got" = "$(for x in 1 2 3; do echo "n$x $want_events"; done)" ] ||
  lab_fail "history per node, want '$want_events' on n1-n3, got:
$got"
ok "a second upgrade rollback changes nothing; history on n1-n3: $want_events"
