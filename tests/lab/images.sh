#!/usr/bin/env bash
# Lab test of the runtime and the platform registry (issue 13) on 3 real hosts: the lab's core
# package (scripts/build-lab-package.sh OUTDIR: Debian's etcd, keepalived, containerd + runc,
# docker-registry, and two busybox images sharing a layer) applied with spec.registry; skopeo
# is the independent client.
#   usage: images.sh ACPCTL_BINARY
# Checks: apply runs containerd on 3 nodes and a registry replica on 3 (status says so) and
# pushes the images; skopeo inspect on each replica gives the package's manifest digests; a
# second push sends 0 blob bytes; a wrong password is refused naming the registry and user,
# never the password; a package whose layout lacks a blob is refused at verify; on each node
# containerd pulls an image through the hosts directory from the registry's pull port (the
# CA and the node's own client certificate; no password, no --user, no plain HTTP, no
# skip-verify) and runs it, and no node holds the password; the pull port refuses a client
# without a certificate or with one from another CA (curl, skopeo) and a push or delete even
# with the cluster's certificate; a re-apply changes nothing; the registry, then its pull
# listener, stopped on the VIP holder moves the VIP. Exit 77 (skipped) when not root.
set -euo pipefail
acpctl=$(readlink -f "${1:?usage: images.sh ACPCTL_BINARY}")
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lab/vip_lib.sh
source "$(dirname "$0")/vip_lib.sh"
lab_require_root
for tool in skopeo python3; do
  command -v "$tool" >/dev/null || lab_fail "$tool is missing; run scripts/setup.sh"
done

work=$(mktemp -d)
lab_cleanup_hook() { rm -rf "$work"; }
export ACPCTL_HOME=$work/home
lab_core_package "$acpctl" "$work/pkg"
pkg=$LAB_PKG key=$LAB_PKG_KEY
"$acpctl" -o json package show "$pkg" >"$work/show.json"
# ref digest, one a line, from the package's manifest.
python3 -c 'import json,sys
for c in json.load(open(sys.argv[1]))["manifest"]["components"]:
    for i in c.get("images", []): print(i["ref"], i["digest"])' "$work/show.json" >"$work/images"
[ "$(wc -l <"$work/images")" -eq 2 ] || lab_fail "the package should list 2 images: $(cat "$work/images")"

lab_up 3
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
export ACP_REGISTRY_PASSWORD=$password
{
  lab_config
  lab_registry_yaml "$VIP"
} >"$work/lab.yaml"
ca=$ACPCTL_HOME/clusters/lab/pki/ca.crt
apply() { "$acpctl" apply -f "$work/lab.yaml" --package "$pkg" --key "$key" --yes; }
svc_pid() { lab_ssh "$1" sv status "/etc/service/acp-$2" | sed -nE 's/^run: [^(]*\(pid ([0-9]+)\).*/\1/p'; }
no_password() { # FILE...: the password appears in none of them
  if grep -qF "$password" "$@"; then lab_fail "the registry password appears in $*"; fi
}

# 1. Apply: containerd on every node, a registry replica on every control-plane node, images.
apply >"$work/apply.out" 2>"$work/apply.err" ||
  lab_fail "apply failed: $(cat "$work/apply.out" "$work/apply.err")"
no_password "$work/apply.out" "$work/apply.err"
"$acpctl" status -f "$work/lab.yaml" >"$work/status" 2>&1 || lab_fail "status failed: $(cat "$work/status")"
[ "$(grep -cE '^  containerd [^ ]+ running, cgroup' "$work/status")" -eq 3 ] ||
  lab_fail "status does not show containerd running on 3 nodes: $(cat "$work/status")"
has "$work/status" "registry $VIP:11443: 3/3 replicas up"
[ "$(grep -cF "registry replica on :11443, pulls on :11444, up" "$work/status")" -eq 3 ] ||
  lab_fail "status does not show both ports up on 3 replicas: $(cat "$work/status")"
ok "apply: containerd on n1-n3, 3/3 registry replicas up; $(grep -m1 -E "images: .* done" "$work/apply.out" | sed -E "s/^ *[0-9]+ //")"

# 2. skopeo, an independent client, sees the package's manifests on every replica.
mkdir -p "$work/certs" && cp "$ca" "$work/certs/ca.crt"
while read -r ref digest; do
  path=${ref#*/}
  for x in 1 2 3; do
    got=$(skopeo inspect --cert-dir "$work/certs" --creds "admin:$password" --raw \
      "docker://$(lab_ip "$x"):11443/$path" | sha256sum | cut -d' ' -f1) ||
      lab_fail "skopeo inspect of $path on n$x failed"
    [ "sha256:$got" = "$digest" ] || lab_fail "n$x holds $path as sha256:$got, the package says $digest"
  done
done <"$work/images"
ok "skopeo inspect: both images on all 3 replicas with the package's manifest digests"

# 3. A second push sends no blob bytes.
"$acpctl" -o json images push -f "$work/lab.yaml" --package "$pkg" --key "$key" >"$work/push.json" 2>"$work/push.err" ||
  lab_fail "images push failed: $(cat "$work/push.json" "$work/push.err")"
python3 - "$work/push.json" <<'PY' || lab_fail "the second push sent blobs: $(tail -1 "$work/push.json")"
import json, sys
doc = json.loads(open(sys.argv[1]).read().splitlines()[-1])
regs = doc["registries"]
assert len(regs) == 3 and doc["failed"] == 0, doc
for r in regs:
    assert r["bytesUploaded"] == 0 and r["blobsUploaded"] == 0, r
PY
"$acpctl" images list -f "$work/lab.yaml" --package "$pkg" --key "$key" >"$work/list" ||
  lab_fail "images list says a replica lacks an image: $(cat "$work/list")"
ok "second push: 0 blob bytes to each replica; images list: every image on every replica"

# 4. A wrong password is refused, naming the registry and the user, never the password.
if ACP_REGISTRY_PASSWORD=not-the-password "$acpctl" images push -f "$work/lab.yaml" \
  --package "$pkg" --key "$key" >"$work/wrong.out" 2>&1; then
  lab_fail "a push with a wrong password succeeded"
fi
has "$work/wrong.out" "admin"
has "$work/wrong.out" "$(lab_ip 1):11443"
if grep -qF not-the-password "$work/wrong.out"; then lab_fail "the wrong password was printed"; fi
ok "wrong password: refused ($(grep -m1 -F "$(lab_ip 1):11443" "$work/wrong.out"))"

# 5. A package whose layout lacks a blob is refused at verify (the manifest rewritten without it).
python3 - "$pkg" "$work/broken.tgz" <<'PY'
import io, sys, tarfile
src, dst = sys.argv[1], sys.argv[2]
with tarfile.open(src) as tin, tarfile.open(dst, "w:gz") as tout:
    members = tin.getmembers()
    text = tin.extractfile(members[0]).read().decode()
    # The largest blob is a layer: drop its file and its manifest entry.
    blobs = [m for m in members if m.name.startswith("images/blobs/")]
    victim = max(blobs, key=lambda m: m.size).name
    lines = text.split("\n")
    at = next(i for i, l in enumerate(lines) if l.strip() == "- path: " + victim)
    end = at + 1
    while end < len(lines) and not lines[end].lstrip().startswith("- "):
        end += 1
    text = "\n".join(lines[:at] + lines[end:])
    info = tarfile.TarInfo("package.yaml"); info.size = len(text.encode()); info.mode = 0o644
    tout.addfile(info, io.BytesIO(text.encode()))
    for m in members[1:]:
        if m.name != victim:
            tout.addfile(m, tin.extractfile(m))
    print(victim.rsplit("/", 1)[1])
PY
if "$acpctl" package verify "$work/broken.tgz" >"$work/broken.out" 2>&1; then
  lab_fail "verify accepted a package whose layout lacks a blob"
fi
has "$work/broken.out" "which the package does not have"
ok "a package whose image layout lacks a layer: verify refuses it, naming the image and blob"

# 6. Every node pulls through containerd's hosts directory from the pull port: the CA and the
# node's own client certificate, no password (no --user), no plain HTTP, no skip-verify; under
# the upstream name, and runs the image. No node holds the password.
hello=$(grep '/hello:' "$work/images" | cut -d' ' -f1)
for x in 1 2 3; do
  ctr=/opt/acp/components/containerd/current/bin/ctr
  lab_ssh "n$x" "$ctr" -n k8s.io images pull --hosts-dir /etc/acp/containerd/certs.d \
    "$hello" >"$work/pull.$x" 2>&1 ||
    lab_fail "n$x: ctr pull of $hello failed: $(cat "$work/pull.$x")"
  out=$(lab_ssh "n$x" "$ctr" -n k8s.io run --rm "$hello" "t$x") ||
    lab_fail "n$x: ctr run of $hello failed: $out"
  [ "$out" = "hello from the acp lab image" ] || lab_fail "n$x: the container printed '$out'"
  # Read back here: the password must not go to the node, not even on a grep command line.
  if lab_ssh "n$x" tar -cf - /etc/acp /var/lib/acp/state.json 2>/dev/null | grep -qaF "$password"; then
    lab_fail "n$x holds the registry password in /etc/acp or its state"
  fi
done
no_password "$work"/pull.*
# Under the platform registry's own name (its hosts.toml: the pull port as the server).
own="$VIP:11443/${hello#*/}"
lab_ssh n1 /opt/acp/components/containerd/current/bin/ctr -n k8s.io images pull \
  --hosts-dir /etc/acp/containerd/certs.d "$own" >"$work/pull.own" 2>&1 ||
  lab_fail "n1: ctr pull of $own failed: $(cat "$work/pull.own")"
ok "every node pulled $hello (and n1 $own) from the pull port with its own certificate," \
  "no password, and ran it"

# 6b. The pull port wants a certificate from the cluster CA, and serves reads only.
pki=$ACPCTL_HOME/clusters/lab/pki
pull=https://$(lab_ip 1):11444
mine=(--cacert "$ca" --cert "$pki/registry/n1-client.crt" --key "$pki/registry/n1-client.key")
code=$(curl -sS -o /dev/null -w '%{http_code}' "${mine[@]}" "$pull/v2/") ||
  lab_fail "curl with n1's client certificate could not reach $pull"
[ "$code" = 200 ] || lab_fail "GET $pull/v2/ with n1's certificate gave HTTP $code, want 200"
if curl -sS --cacert "$ca" "$pull/v2/" >"$work/nocert.out" 2>&1; then
  lab_fail "the pull port answered a client without a certificate: $(cat "$work/nocert.out")"
fi
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=intruder \
  -days 1 -keyout "$work/other.key" -out "$work/other.crt" >/dev/null 2>&1
if curl -sS --cacert "$ca" --cert "$work/other.crt" --key "$work/other.key" "$pull/v2/" \
  >"$work/othercert.out" 2>&1; then
  lab_fail "the pull port accepted a certificate from another CA"
fi
path=${hello#*/}
repo=${path%%:*}
mkdir -p "$work/pullcerts"
cp "$ca" "$work/pullcerts/ca.crt"
cp "$pki/registry/n1-client.crt" "$work/pullcerts/client.cert"
cp "$pki/registry/n1-client.key" "$work/pullcerts/client.key"
got=$(skopeo inspect --cert-dir "$work/pullcerts" --raw "docker://$(lab_ip 1):11444/$path" |
  sha256sum | cut -d' ' -f1) || lab_fail "skopeo inspect on the pull port with n1's certificate failed"
[ "sha256:$got" = "$(grep '/hello:' "$work/images" | cut -d' ' -f2)" ] ||
  lab_fail "the pull port serves $path as sha256:$got"
if skopeo inspect --cert-dir "$work/certs" --raw "docker://$(lab_ip 1):11444/$path" \
  >"$work/skopeo-nocert.out" 2>&1; then
  lab_fail "skopeo without a client certificate read $path from the pull port"
fi
code=$(curl -sS -o "$work/push.out" -w '%{http_code}' -X POST "${mine[@]}" \
  "$pull/v2/$repo/blobs/uploads/") || lab_fail "curl POST to the pull port failed"
case "$code" in 2*) lab_fail "the pull port accepted an upload (HTTP $code)" ;; esac
digest=$(grep '/hello:' "$work/images" | cut -d' ' -f2)
dcode=$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE "${mine[@]}" \
  "$pull/v2/$repo/manifests/$digest") || lab_fail "curl DELETE to the pull port failed"
case "$dcode" in 2*) lab_fail "the pull port deleted a manifest (HTTP $dcode)" ;; esac
ok "pull port: no certificate refused ($(head -c 80 "$work/nocert.out")), another CA refused," \
  "skopeo reads with n1's certificate only; upload refused (HTTP $code), delete refused (HTTP $dcode)"

# 7. A re-apply changes nothing.
pids() { for x in 1 2 3; do for s in containerd registry registry-pull; do svc_pid "n$x" "$s"; done; done; }
before=$(pids)
apply >"$work/noop.out" 2>&1 || lab_fail "re-apply failed: $(cat "$work/noop.out")"
has "$work/noop.out" "No changes."
[ "$before" = "$(pids)" ] || lab_fail "re-apply restarted containerd, the registry or its pull listener"
ok "re-apply: no changes, same containerd, registry and pull listener PIDs"

# 8. The registry stopped on the VIP holder: keepalived's check fails and the VIP moves.
holder=$(vip_holders)
[ -n "$holder" ] || lab_fail "no VIP holder"
VIP_T0_NS=$(now_ns)
lab_ssh "$holder" sv down /etc/service/acp-registry
vip_wait_moved "$holder" 15 || lab_fail "the VIP stayed on $holder with its registry down"
ok "registry stopped on $holder: the VIP moved to $VIP_HOLDER after $VIP_MOVED_MS ms"

# 9. Its pull listener stopped on the new holder: the VIP moves again.
second=$VIP_HOLDER
VIP_T0_NS=$(now_ns)
lab_ssh "$second" sv down /etc/service/acp-registry-pull
vip_wait_moved "$second" 15 || lab_fail "the VIP stayed on $second with its pull listener down"
ok "pull listener stopped on $second: the VIP moved to $VIP_HOLDER after $VIP_MOVED_MS ms"
