#!/usr/bin/env bash
# Benchmark: etcd snapshots on a 3-host lab holding about 100 MiB (100,000 keys of ~1 KiB).
#   usage: scripts/bench/snapshot.sh [ACPCTL_BINARY]    (root; BENCH_KEYS=100000, BENCH_ROUNDS=3)
# In one run, on the same member and the same data:
#   (a) save: `acpctl etcd snapshot save --no-s3` next to a bare `etcdctl snapshot save` over
#       ssh on the member acpctl chose (the baseline); medians and their ratio (target ≤ 1.1×);
#   (b) upload: `acpctl etcd snapshot save` with S3 (s3rver on 127.0.0.1), minus (a): the
#       node -> workstation -> S3 leg, and its throughput;
#   (c) restore drill on 3 nodes: from a node's copy, and from S3 after every local snapshot
#       was removed (target < 30 s each); the keys and the revision are checked after each.
# Starts its own lab and s3rver, and always tears them down. Talks only to the lab and loopback.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
acpctl=$(readlink -f "${1:-$root/build/ci/acpctl}")
keys=${BENCH_KEYS:-100000}
rounds=${BENCH_ROUNDS:-3}
# shellcheck source=tests/lab/lib.sh
source "$root/tests/lab/lib.sh"
lab_require_root
[ -x "$acpctl" ] || lab_fail "no acpctl binary at $acpctl; build first"
command -v etcdctl >/dev/null || lab_fail "etcdctl is missing; run scripts/setup.sh"
work=$(mktemp -d)
LAB_S3_PID=
lab_cleanup_hook() {
  if [ -n "$LAB_S3_PID" ]; then kill "$LAB_S3_PID" 2>/dev/null || true; fi
  rm -rf "$work"
}
export ACPCTL_HOME=$work/home
lab_s3_up "$work/s3" etcd-backup
export ACP_S3_KEY=S3RVER ACP_S3_SECRET=S3RVER
ACPCTL=$acpctl bash "$root/scripts/build-lab-package.sh" "$work/pkg" >/dev/null
pkg=$(ls "$work"/pkg/core.amd64.v*.tgz)
dir=/var/backups/acp-etcd

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
secs() { awk -v ms="$1" 'BEGIN { printf "%.2f s", ms / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

lab_up 3
{
  lab_config
  printf '  etcdBackup:\n    localStorage:\n      path: %s\n      ttl: 1d\n' "$dir"
  printf '    remoteStorage:\n      s3:\n        endpoint: %s\n        bucket: etcd-backup\n' "$LAB_S3_URL"
  printf '        accessKey: {fromEnv: ACP_S3_KEY}\n        secretKey: {fromEnv: ACP_S3_SECRET}\n'
} >"$work/lab.yaml"
"$acpctl" apply -f "$work/lab.yaml" --package "$pkg" --key "$work/pkg/acp-lab.pub" --yes >"$work/apply.out" 2>&1 ||
  lab_fail "apply failed: $(cat "$work/apply.out")"

pki=$ACPCTL_HOME/clusters/lab/pki
ctl() {
  etcdctl --cacert="$pki/ca.crt" --cert="$pki/etcd/healthcheck-client.crt" \
    --key="$pki/etcd/healthcheck-client.key" --dial-timeout=2s --command-timeout=30s \
    --endpoints=https://10.88.0.11:2379,https://10.88.0.12:2379,https://10.88.0.13:2379 "$@"
}
count() { ctl get --prefix "$1" -w json --limit 1 | python3 -c 'import json,sys; print(json.load(sys.stdin).get("count", 0))'; }
revision() { ctl endpoint status -w json | python3 -c 'import json,sys; print(max(e["Status"]["header"]["revision"] for e in json.load(sys.stdin)))'; }

# The data: transactions of 128 puts (etcd's limit per txn) of ~1 KiB values.
python3 - "$keys" "$work/txns" <<'PY'
import os, sys
n, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out)
value = "v" * 1000
for b in range(0, n, 128):
    with open(f"{out}/{b // 128:06d}", "w") as f:
        f.write("\n")
        for i in range(b, min(b + 128, n)):
            f.write(f"put bench/{i:07d} {value}{i}\n")
        f.write("\n\n")
PY
t0=$(date +%s%N)
for f in "$work"/txns/*; do ctl txn <"$f" >/dev/null; done
[ "$(count bench/)" = "$keys" ] || lab_fail "the $keys keys are not there"
rev=$(revision)
echo "loaded $keys keys in $(secs "$(ms_since "$t0")"), revision $rev"

# (a) and (b), alternating on the same member.
bare_cmd=(/opt/acp/components/etcd/current/bin/etcdctl --endpoints=https://127.0.0.1:2379
  --cacert=/etc/acp/pki/ca.crt --cert=/etc/acp/pki/etcd/healthcheck-client.crt
  --key=/etc/acp/pki/etcd/healthcheck-client.key)
save_ms=() bare_ms=() upload_ms=()
for r in $(seq 1 "$rounds"); do
  t0=$(date +%s%N)
  "$acpctl" etcd snapshot save -f "$work/lab.yaml" --no-s3 >"$work/save.out" 2>&1 ||
    lab_fail "save failed: $(cat "$work/save.out")"
  save_ms+=("$(ms_since "$t0")")
  src=$(head -1 "$work/save.out" | cut -d: -f1)
  t0=$(date +%s%N)
  lab_ssh "$src" "${bare_cmd[@]}" snapshot save /var/tmp/bare.db >/dev/null 2>&1 || lab_fail "bare etcdctl failed on $src"
  bare_ms+=("$(ms_since "$t0")")
  lab_ssh "$src" rm -f /var/tmp/bare.db
  t0=$(date +%s%N)
  "$acpctl" etcd snapshot save -f "$work/lab.yaml" >"$work/full.out" 2>&1 || lab_fail "save to S3 failed: $(cat "$work/full.out")"
  upload_ms+=("$(($(ms_since "$t0") - ${save_ms[-1]}))")
  name=$(sed -nE 's#^s3: uploaded (.*/)?(snapshot-etcd-[^ ]+\.db)$#\2#p' "$work/full.out")
  full_src=$(head -1 "$work/full.out" | cut -d: -f1)
  bytes=$(lab_ssh "$full_src" stat -c %s "$dir/$name")
  # Keep only the newest snapshot on the nodes (disk).
  for n in n1 n2 n3; do
    # shellcheck disable=SC2016  # $1 and $2 expand on the node
    lab_ssh "$n" sh -c 'for f in "$1"/snapshot-etcd-*; do case $f in *"$2"*) ;; *) rm -f "$f" ;; esac; done' sh "$dir" "$name"
  done
  echo "round $r: acpctl save $(secs "${save_ms[-1]}") on $src, bare etcdctl $(secs "${bare_ms[-1]}"), S3 leg $(secs "${upload_ms[-1]}")"
done

# (c) restore drills.
drill() {
  local t0 ms
  t0=$(date +%s%N)
  "$acpctl" etcd snapshot restore "$name" -f "$work/lab.yaml" --yes >"$work/restore.out" 2>&1 ||
    lab_fail "restore failed: $(cat "$work/restore.out")"
  ms=$(ms_since "$t0")
  grep '^\[' "$work/restore.out" | sed 's/^/    /' >&2
  [ "$(count bench/)" = "$keys" ] || lab_fail "after the restore $(count bench/) of $keys keys are there"
  [ "$(revision)" = "$rev" ] || lab_fail "revision after the restore: $(revision), want $rev"
  echo "$ms"
}
node_ms=$(drill)
for n in n1 n2 n3; do lab_ssh "$n" rm -rf "$dir"; done
s3_ms=$(drill)
grep -q "s3://" "$work/restore.out" || lab_fail "the second drill did not restore from S3: $(head -3 "$work/restore.out")"

save=$(median "${save_ms[@]}")
bare=$(median "${bare_ms[@]}")
upload=$(median "${upload_ms[@]}")
mib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
echo
echo "== etcd snapshot benchmark: $keys keys, snapshot $mib MiB, 3 members, $rounds rounds =="
echo "(a) save:    acpctl $(secs "$save")  bare etcdctl over ssh $(secs "$bare")  ratio $(ratio "$save" "$bare")  (target <= 1.10)"
echo "(b) S3 leg:  $(secs "$upload") node -> workstation -> S3  ($(awk -v b="$bytes" -v ms="$upload" 'BEGIN { printf "%.0f", b / 1048576 / (ms / 1000) }') MiB/s)"
echo "(c) restore: from a node's copy $(secs "$node_ms"), from S3 $(secs "$s3_ms")  (target < 30 s each; keys and revision $rev checked)"
