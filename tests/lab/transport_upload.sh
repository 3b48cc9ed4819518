#!/usr/bin/env bash
# Lab test of uploads over the SSH transport (`acpctl upload`), against real sshd hosts.
#   usage: transport_upload.sh ACPCTL_BINARY
# 64 MiB to 3 hosts with checksums compared on each host; a second upload is skipped; mode and
# owner applied through sudo by the non-root `acp` user (n3); an upload killed mid-way leaves
# the target as it was and no temporary file. Exit 77 (skipped) when not root.
set -euo pipefail
acpctl=$(readlink -f "${1:?usage: transport_upload.sh ACPCTL_BINARY}")
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/lib.sh"
lab_require_root

work=$(mktemp -d)
upload_pid=""
lab_cleanup_hook() {
  [ -z "$upload_pid" ] || kill -9 "$upload_pid" 2>/dev/null || true
  rm -rf "$work"
}


lab_up 3
lab_config >"$work/lab.yaml"
dir=/opt/acp-test
"$acpctl" exec -f "$work/lab.yaml" --sudo -- mkdir -p "$dir" >/dev/null 2>&1 || lab_fail "mkdir $dir failed"

# 1. 64 MiB to 3 hosts; each host's sha256 equals the local one.
head -c 64M /dev/urandom >"$work/blob"
want=$(sha256sum "$work/blob" | cut -d' ' -f1)
"$acpctl" upload -f "$work/lab.yaml" --sudo --mode 0600 --owner root:root "$work/blob" "$dir/blob" \
  >"$work/out" 2>"$work/err" || lab_fail "upload failed: $(cat "$work/err")"
for x in 1 2 3; do
  has "$work/out" "[n$x] uploaded $dir/blob (64.0 MiB, sha256 ${want:0:12})"
  got=$(lab_ssh "n$x" sha256sum "$dir/blob" | cut -d' ' -f1)
  [ "$got" = "$want" ] || lab_fail "n$x has sha256 $got, want $want"
  meta=$(lab_ssh "n$x" stat -c '%a %U:%G %s' "$dir/blob")
  [ "$meta" = "600 root:root 67108864" ] || lab_fail "n$x: $dir/blob is '$meta', want '600 root:root 67108864'"
  left=$(lab_ssh "n$x" ls -A "$dir")
  [ "$left" = blob ] || lab_fail "n$x: $dir holds '$left', want only blob (no temporary files)"
done
ok "64 MiB uploaded to 3 hosts (n3 as acp through password sudo): sha256 equal, mode 600 root:root, no temp files"

# 2. The same file again: nothing is sent.
"$acpctl" upload -f "$work/lab.yaml" --sudo --mode 0600 --owner root:root "$work/blob" "$dir/blob" \
  >"$work/out" 2>"$work/err" || lab_fail "second upload failed: $(cat "$work/err")"
for x in 1 2 3; do has "$work/out" "[n$x] unchanged $dir/blob"; done
ok "an upload of the same content is skipped on every host"

# 3. Without --sudo the non-root user cannot write there: n3 fails alone and says why.
head -c 1000 /dev/urandom >"$work/small"
"$acpctl" upload -f "$work/lab.yaml" "$work/small" "$dir/small" >"$work/out" 2>"$work/err" &&
  lab_fail "acp wrote to root's $dir without sudo"
has "$work/out" "[n1] uploaded $dir/small"
has "$work/err" "n3: uploading $dir/small: cannot write $dir/.small.acpctl-tmp-"
ok "a failed upload names the host and the path; the other hosts succeed"

# 4. An upload killed mid-way: the target keeps its old content, the temporary file goes away.
lab_ssh n1 sh -c "echo old >$dir/big"
truncate -s 2G "$work/big"
"$acpctl" upload -f "$work/lab.yaml" --nodes n1 "$work/big" "$dir/big" >"$work/out" 2>&1 &
upload_pid=$!
seen=""
for _ in $(seq 1 100); do
  size=$(lab_ssh n1 sh -c "stat -c %s $dir/.big.acpctl-tmp-* 2>/dev/null || true")
  if [ -n "$size" ] && [ "$size" -gt 1048576 ]; then seen=$size; break; fi
  sleep 0.1
done
kill -9 "$upload_pid"
wait "$upload_pid" 2>/dev/null || true
upload_pid=""
[ -n "$seen" ] || lab_fail "the upload never started writing its temporary file: $(cat "$work/out")"
[ "$(lab_ssh n1 cat "$dir/big")" = old ] || lab_fail "the interrupted upload changed $dir/big"
for _ in $(seq 1 50); do
  left=$(lab_ssh n1 sh -c "ls -A $dir | grep acpctl-tmp || true")
  [ -z "$left" ] && break
  sleep 0.1
done
[ -z "$left" ] || lab_fail "the interrupted upload left $left behind"
ok "upload killed after $seen bytes: $dir/big still holds its old content, no temporary file left"
