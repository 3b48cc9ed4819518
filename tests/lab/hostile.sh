#!/usr/bin/env bash
# Lab test: acpctl as a hostile user or a failing network would try it, on 3 sshd + runit hosts
# with the lab demo package. Every refusal is checked to leave every node unchanged.
#   usage: hostile.sh ACPCTL_BINARY
# 1. Forged signature (64 random bytes) refused by plan and by upload; a malformed key and /dev/zero as key
#    refused; a saved plan whose package was swapped afterwards (forged signature, or a
#    package signed by a foreign key) refused by `apply plan.json`; an edited plan file
#    refused. No node has a state.json or a lock after any of them.
# 2. A package whose component version escapes /opt/acp/components: refused by `package
#    build`, and (crafted and validly signed by hand with openssl) refused by apply; nothing
#    is written outside the component root.
# 3. n2 logs in as `ops` (NOPASSWD sudo) with a sudo password configured anyway; after the
#    applies below, the password is in no file on any node, `exec --sudo -- cat` reads an
#    empty stdin, and state.json is 0600.
# 4. n2's link goes down mid-apply (during distribute): acpctl ends within --timeout plus a
#    margin with an error naming n2; n1 and n3 are unlocked; with the link back one apply
#    converges and the next changes nothing. The same for an upload cut mid-way.
# Exit 77 (skipped) when not root.
set -euo pipefail
acpctl=$(readlink -f "${1:?usage: hostile.sh ACPCTL_BINARY}")
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/lib.sh"
lab_require_root

work=$(mktemp -d)
export ACPCTL_HOME=$work/home
lab_cleanup_hook() {
  ip link set acpv2 up 2>/dev/null || true
  rm -rf "$work"
}

ACPCTL=$acpctl bash "$root/scripts/build-lab-package.sh" "$work/pkg" demo >"$work/build.log" 2>&1 ||
  lab_fail "building the demo package failed: $(cat "$work/build.log")"
pkg=$(ls "$work"/pkg/core.amd64.v*.tgz)
key=$work/pkg/acp-lab.pub
signing_key=${ACPCTL_LAB_KEY_DIR:-$HOME/.acpctl/lab-release-key}/acp-lab.key

lab_up 3
# n2: the NOPASSWD user `ops`, with a sudo password configured all the same.
lab_config | awk -v pw="$LAB_SUDO_PASSWORD_FILE" '
  { print }
  /address: 10\.88\.0\.12$/ {
    print "      user: ops"; print "      sudo:"; print "        password: {fromFile: " pw "}"
  }' >"$work/lab.yaml"
"$acpctl" validate -f "$work/lab.yaml" >/dev/null
password=$(cat "$LAB_SUDO_PASSWORD_FILE")

# expect CODE TEXT CMD...: CMD exits with CODE and its output contains TEXT.
expect() {
  local want=$1 text=$2 rc=0
  shift 2
  "$@" >"$work/out" 2>&1 || rc=$?
  [ "$rc" -eq "$want" ] || lab_fail "exit $rc, want $want, from: $* -- $(cat "$work/out")"
  has "$work/out" "$text"
}
# Nothing acpctl writes exists on any node.
untouched() {
  local x
  for x in 1 2 3; do
    lab_ssh "n$x" sh -c '! ls /var/lib/acp/state.json /var/lib/acp/apply.lock /opt/acp /srv/x 2>/dev/null' ||
      lab_fail "n$x was changed by a refused command ($1)"
  done
}

# 1. Forged signature, bad keys, swapped package under a saved plan, edited plan.
cp "$pkg" "$work/forged.tgz"
head -c 64 /dev/urandom >"$work/forged.tgz.sig"
expect 1 "the signature does not verify" "$acpctl" plan -f "$work/lab.yaml" \
  --package "$work/forged.tgz" --key "$key" --out "$work/forged-plan.json"
[ ! -e "$work/forged-plan.json" ] || lab_fail "a plan file was written for a forged package"
expect 1 "the signature does not verify" "$acpctl" upload -f "$work/lab.yaml" --key "$key" \
  "$work/forged.tgz" /srv/x
untouched "plan and upload with a forged signature"
ok "plan and upload refuse a package with a forged (random 64-byte) signature; no plan file"

printf -- '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' >"$work/bad.pub"
expect 2 "is not an Ed25519 public key" "$acpctl" plan -f "$work/lab.yaml" --package "$pkg" \
  --key "$work/bad.pub"
expect 2 "not a regular file" "$acpctl" plan -f "$work/lab.yaml" --package "$pkg" --key /dev/zero
untouched "bad keys"
ok "a malformed key and /dev/zero as key are refused (exit 2, 'not a regular file')"

"$acpctl" plan -f "$work/lab.yaml" --package "$pkg" --key "$key" --out "$work/plan.json" \
  >"$work/out" 2>&1 || lab_fail "plan of the genuine package failed: $(cat "$work/out")"
cp "$pkg" "$work/genuine.tgz"
cp "$pkg.sig" "$work/genuine.tgz.sig"
head -c 64 /dev/urandom >"$pkg.sig"
expect 1 "signature does not verify" "$acpctl" apply "$work/plan.json" --yes
untouched "saved plan with a forged signature"
# Another key's package in its place (the attacker's own signed release).
ACPCTL_LAB_KEY_DIR=$work/foreign-key ACPCTL=$acpctl bash "$root/scripts/build-lab-package.sh" \
  "$work/foreign" demo >"$work/build.log" 2>&1 || lab_fail "foreign build failed"
cp "$work"/foreign/core.amd64.v*.tgz "$pkg"
cp "$work"/foreign/core.amd64.v*.tgz.sig "$pkg.sig"
expect 1 "does not verify" "$acpctl" apply "$work/plan.json" --yes
untouched "saved plan with a foreign-signed package"
cp "$work/genuine.tgz" "$pkg"
cp "$work/genuine.tgz.sig" "$pkg.sig"
sed -i 's/"reason": "new on this node/"reason": "EDITED new on this node/' "$work/plan.json"
expect 2 "changed after acpctl wrote it" "$acpctl" apply "$work/plan.json" --yes
untouched "edited plan file"
ok "apply plan.json refuses a forged signature, a foreign-signed package and an edited plan"

# 2. A component version that escapes the component root.
mkdir -p "$work/escape"
tar -xzf "$pkg" -C "$work/escape"
# hello's version (the first version: line after "name: hello") escapes to /srv/x.
awk '/name: "?hello"?$/ { h = 1 }
  h && /version:/ { sub(/version:.*/, "version: \"1.0.0/../../../../srv/x\""); h = 0 } { print }' \
  "$work/escape/package.yaml" >"$work/escape.yaml"
mv "$work/escape.yaml" "$work/escape/package.yaml"
grep -q 'srv/x' "$work/escape/package.yaml" || lab_fail "could not craft the escaping manifest"
expect 2 "version" "$acpctl" package build "$work/escape" -o "$work/escape-out"
# package.yaml first, as acpctl writes packages.
(cd "$work/escape" && find . -mindepth 1 -maxdepth 1 ! -name package.yaml -printf '%P\n' |
  tar -czf "$work/escape.tgz" package.yaml -T -)
openssl pkeyutl -sign -inkey "$signing_key" -rawin -in "$work/escape/package.yaml" \
  -out "$work/escape.tgz.sig"
expect 2 "version" "$acpctl" apply -f "$work/lab.yaml" --package "$work/escape.tgz" --key "$key" --yes
untouched "a package whose version escapes"
ok "a version escaping /opt/acp/components is refused by build and (validly signed) by apply"

# cut_n2_until_exit PID: takes n2's link down, waits for acpctl (PID) to exit, brings the link
# back; sets rc (acpctl's exit code) and took (seconds from the cut to the exit).
cut_n2_until_exit() {
  local cut_at
  ip link set acpv2 down
  cut_at=$(date +%s)
  rc=0
  wait "$1" || rc=$?
  took=$(($(date +%s) - cut_at))
  ip link set acpv2 up
}

# 4. n2's link goes down while distribute runs on it.
"$acpctl" -o json --timeout 5 apply -f "$work/lab.yaml" --package "$pkg" --key "$key" --yes \
  >"$work/events" 2>"$work/err" &
apply_pid=$!
for _ in $(seq 1200); do
  if grep -F '"host":"n2"' "$work/events" 2>/dev/null | grep -qF '"stage":"distribute"'; then break; fi
  sleep 0.05
done
cut_n2_until_exit "$apply_pid"
[ "$rc" -eq 1 ] || lab_fail "apply with n2 cut exited $rc, want 1: $(cat "$work/err" "$work/events")"
cat "$work/err" "$work/events" >"$work/out"
has "$work/out" "n2"
has "$work/out" "no answer from the node for 5 s"
[ "$took" -le 30 ] || lab_fail "acpctl took ${took}s after n2's link went down (--timeout 5)"
for x in 1 3; do
  lab_ssh "n$x" test ! -e /var/lib/acp/apply.lock || lab_fail "n$x is still locked"
done
ok "n2's link down mid-apply: exit 1 after ${took}s naming n2 ('no answer ... 5 s'); n1, n3 unlocked"

expect 0 "Apply complete." "$acpctl" apply -f "$work/lab.yaml" --package "$pkg" --yes
expect 0 "No changes." "$acpctl" apply -f "$work/lab.yaml" --package "$pkg" --yes
ok "with the link back one apply converges (no --key: the recorded key), the next changes nothing"

# A command's stdin is its own: with NOPASSWD sudo the configured password is not fed to it.
"$acpctl" exec -f "$work/lab.yaml" --nodes n2 --sudo -- cat >"$work/out" 2>"$work/err" ||
  lab_fail "exec on n2 failed: $(cat "$work/err")"
if grep -qF -- "$password" "$work/out"; then lab_fail "sudo's password became cat's input on n2"; fi
ok "exec --sudo -- cat on the NOPASSWD node reads an empty stdin, not the sudo password"

# An upload to n2 when its link goes down mid-way: an error naming n2 within the timeout, and
# no half-written target.
head -c $((256 << 20)) /dev/urandom >"$work/big"
"$acpctl" --timeout 3 upload -f "$work/lab.yaml" --nodes n2 --sudo "$work/big" /srv/big \
  >"$work/out" 2>&1 &
upload_pid=$!
sleep 1
cut_n2_until_exit "$upload_pid"
[ "$rc" -eq 1 ] || lab_fail "upload with n2 cut exited $rc, want 1: $(cat "$work/out")"
has "$work/out" "n2"
has "$work/out" "no answer from the node for 3 s"
[ "$took" -le 20 ] || lab_fail "acpctl took ${took}s after n2's link went down (--timeout 3)"
lab_ssh n2 test ! -e /srv/big || lab_fail "a half-written /srv/big exists on n2"
ok "n2's link down mid-upload: exit 1 after ${took}s naming n2; no /srv/big on n2"

# 3. The sudo password of a NOPASSWD user is on no node, and acpctl's files are 0600.
if grep -rlF -- "$password" "$LAB_DIR/hosts" >"$work/found" 2>/dev/null; then
  lab_fail "the sudo password is on a node's disk: $(cat "$work/found")"
fi
for x in 1 2 3; do
  mode=$(lab_ssh "n$x" stat -c %a /var/lib/acp/state.json)
  [ "$mode" = 600 ] || lab_fail "state.json on n$x has mode $mode"
done
ok "the NOPASSWD user's configured sudo password is in no file of any node; state.json is 0600"
