#!/usr/bin/env bash
# The OCI client (src/oci) through its test driver against a real registry: Debian's
# docker-registry (distribution 2.8) on 127.0.0.1 only, a free port, TLS from a throwaway CA
# (SAN IP:127.0.0.1), htpasswd auth, storage in a scratch directory. Images are built with umoci
# from /usr/bin/busybox: x and y share their base layer; big holds 80 MiB of random bytes, sent
# in 8 MiB chunks (--chunk-threshold). Checks: the first push uploads every blob once (the
# shared layer is mounted into the second repository), chunked as asked; skopeo sees the
# layout's manifest digests; the registry stores each blob once; a second push sends nothing and
# skips the identical manifests; a wrong password and an untrusted CA are refused with messages
# naming the registry (never the password); a missing tag is absent; a corrupted layout is
# refused naming the blob. Against a fake (oci_fake_bearer.py; docker-registry does Bearer only
# with a token server Debian lacks): Bearer auth, two 503s tried again, a silent server given up
# on after 4 tries. Prints how long the 80 MiB image takes us and skopeo copy. Exit 77 (skipped) when a tool is missing.
#   usage: oci_client.sh OCI_DRIVER
set -euo pipefail
driver=$(readlink -f "${1:?usage: oci_client.sh OCI_DRIVER}")
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lab/lib.sh
source "$here/lib.sh"
for tool in docker-registry skopeo umoci openssl htpasswd python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (run: bash scripts/setup.sh)"
    exit 77
  fi
done

lab_local_scratch

# make_cert NAME: a CA (NAME-ca.crt) and a server certificate for IP 127.0.0.1 it signed.
make_cert() {
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
  openssl req -x509 "${ec[@]}" -days 2 -subj "/CN=acp lab $1 CA" \
    -keyout "$work/$1-ca.key" -out "$work/$1-ca.crt" 2>/dev/null
  openssl req "${ec[@]}" -subj /CN=127.0.0.1 -keyout "$work/$1.key" -out "$work/$1.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$work/$1.ext"
  openssl x509 -req -in "$work/$1.csr" -CA "$work/$1-ca.crt" -CAkey "$work/$1-ca.key" \
    -CAcreateserial -days 2 -extfile "$work/$1.ext" -out "$work/$1.crt" 2>/dev/null
}
make_cert lab
make_cert other
mkdir "$work/certs"
cp "$work/lab-ca.crt" "$work/certs/ca.crt" # skopeo --cert-dir: every *.crt is a CA

user=lab
password="pw-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
htpasswd -nbB "$user" "$password" >"$work/htpasswd"
port=$(lab_free_port)
registry=127.0.0.1:$port
cat >"$work/registry.yml" <<EOF
version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: $work/storage
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: lab-only-secret
  tls:
    certificate: $work/lab.crt
    key: $work/lab.key
auth:
  htpasswd:
    realm: acp-lab
    path: $work/htpasswd
EOF
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
pids+=($!)
lab_wait_port "$port"

# The images: base (busybox), x and y on it with one small layer each, big with 80 MiB.
layout=$work/layout
umoci init --layout "$layout"
umoci new --image "$layout:base"
umoci insert --image "$layout:base" /usr/bin/busybox /bin/busybox >/dev/null
for name in x y; do
  umoci tag --image "$layout:base" "$name"
  echo "image $name" >"$work/$name.txt"
  umoci insert --image "$layout:$name" "$work/$name.txt" "/etc/$name.txt" >/dev/null
done
head -c $((80 << 20)) /dev/urandom >"$work/big.bin"
umoci new --image "$layout:big"
umoci insert --image "$layout:big" "$work/big.bin" /big.bin >/dev/null
rm "$work/big.bin"

# facts KEY: from the layout; see oci_layout_facts.py.
facts() { python3 "$here/oci_layout_facts.py" "$layout" "$1"; }
# report FILE KEY: the push report's KEY from the driver's output.
report() { python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])["report"][sys.argv[2]])' "$1" "$2"; }
# events FILE KIND: the digests of the KIND events, one a line.
events() { python3 -c 'import json,sys; [print(e["digest"]) for e in map(json.loads, open(sys.argv[1])) if e.get("event") == sys.argv[2]]' "$1" "$2"; }
common=(--registry "$registry" --name lab-registry --ca-file "$work/lab-ca.crt" --user "$user")
export OCI_PASSWORD=$password
images=(x=acp/x:1 y=acp/y:1 big=acp/big:1)

# 1. The first push: every blob once, the shared one mounted, the big one in 8 MiB chunks.
start=$(date +%s.%N)
"$driver" push --layout "$layout" "${common[@]}" --chunk-threshold $((8 << 20)) \
  --chunk-size $((8 << 20)) "${images[@]}" >"$work/push1" 2>"$work/err" ||
  lab_fail "the first push failed: $(cat "$work/err")"
first_push=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$start" "$(date +%s.%N)")
unique=$(facts unique_blobs)
[ "$(report "$work/push1" blobs_uploaded)" = "$unique" ] ||
  lab_fail "expected all $unique blobs uploaded: $(tail -1 "$work/push1")"
[ "$(report "$work/push1" blobs_mounted)" = 1 ] || lab_fail "expected 1 mount: $(tail -1 "$work/push1")"
[ "$(events "$work/push1" blob_mounted)" = "$(facts shared_layer)" ] ||
  lab_fail "the mounted blob is not the shared layer $(facts shared_layer)"
[ "$(events "$work/push1" blob_uploaded | grep -c "$(facts shared_layer)")" = 1 ] ||
  lab_fail "the shared layer was uploaded more than once"
[ "$(report "$work/push1" bytes_uploaded)" = "$(facts unique_bytes)" ] ||
  lab_fail "bytes uploaded: $(report "$work/push1" bytes_uploaded), expected $(facts unique_bytes)"
[ "$(report "$work/push1" manifests_pushed)" = 3 ] || lab_fail "expected 3 manifests pushed"
chunks=$(grep -cE '"PATCH /v2/acp/big/blobs/uploads/[^"]*" 202 ' "$work/registry.log" || true)
[ "$chunks" = "$(facts big_chunks_8m)" ] ||
  lab_fail "expected $(facts big_chunks_8m) PATCH chunks for big, the registry saw $chunks"
ok "first push: $unique blobs, $(report "$work/push1" bytes_uploaded) bytes, the shared layer mounted, big in $chunks chunks (${first_push}s)"

# 2. skopeo, an independent client, sees the layout's manifests under the tags.
for name in x y big; do
  got=$(skopeo inspect --cert-dir "$work/certs" --creds "$user:$password" \
    "docker://$registry/acp/$name:1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Digest"])')
  [ "$got" = "$(facts "digest:$name")" ] || lab_fail "skopeo sees $got for acp/$name:1, the layout has $(facts "digest:$name")"
done
[ "$("$driver" digest "${common[@]}" acp/x 1)" = "$(facts digest:x)" ] || lab_fail "digest of acp/x:1"
[ "$("$driver" digest "${common[@]}" acp/x nope)" = absent ] || lab_fail "a missing tag is not absent"
ok "skopeo inspect and digest give the layout's manifest digests; a missing tag is absent"

# 3. The registry's storage: each blob (and manifest) once.
stored=$(find "$work/storage/docker/registry/v2/blobs" -name data | wc -l)
[ "$stored" = $((unique + 3)) ] || lab_fail "the registry stores $stored blobs, expected $((unique + 3))"
for d in $(facts all_blobs); do
  [ -f "$work/storage/docker/registry/v2/blobs/sha256/${d:7:2}/${d:7}/data" ] || lab_fail "$d is not stored"
done
ok "the registry holds each of the $unique blobs and 3 manifests once"

# 4. A second push sends no byte and skips the identical manifests.
"$driver" push --layout "$layout" "${common[@]}" "${images[@]}" >"$work/push2" 2>"$work/err" ||
  lab_fail "the second push failed: $(cat "$work/err")"
for pair in bytes_uploaded=0 blobs_uploaded=0 blobs_mounted=0 manifests_pushed=0 \
  manifests_existing=3 "blobs_existing=$(facts blobs_per_image_total)"; do
  [ "$(report "$work/push2" "${pair%%=*}")" = "${pair#*=}" ] ||
    lab_fail "second push: expected ${pair}: $(tail -1 "$work/push2")"
done
ok "a second push uploads 0 bytes and skips the 3 identical manifests"

# 5. A wrong password: exit 1, the registry and the user named, the password never shown.
rc=0
OCI_PASSWORD="wrong-$password" "$driver" push --layout "$layout" "${common[@]}" x=acp/x:2 \
  >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" = 1 ] || lab_fail "a wrong password should exit 1, got $rc: $(cat "$work/err")"
has "$work/err" "registry lab-registry ($registry) refused user \"$user\": wrong user name or password"
if grep -qF -- "$password" "$work/err" "$work/out"; then lab_fail "the password was printed"; fi
ok "a wrong password: exit 1 naming the registry and the user, never the password"

# 6. TLS: a certificate from another CA, or the system's CAs, is refused.
for ca in "$work/other-ca.crt" ""; do
  rc=0
  "$driver" ping --registry "$registry" --name lab-registry --ca-file "$ca" --user "$user" \
    >"$work/out" 2>"$work/err" || rc=$?
  [ "$rc" = 1 ] || lab_fail "an untrusted certificate was accepted (ca '$ca')"
  has "$work/err" "TLS with registry lab-registry ($registry) failed"
done
"$driver" ping "${common[@]}" >"$work/out" 2>"$work/err" || lab_fail "ping: $(cat "$work/err")"
ok "TLS: the lab CA is trusted; another CA and the system's CAs are refused"

# 7. A corrupted layout (a layer's bytes changed, its size kept) is refused naming the blob.
cp -a "$layout" "$work/corrupt"
layer=$(facts own_layer:x)
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) // 2] ^= 1; open(sys.argv[1], "wb").write(b)' \
  "$work/corrupt/blobs/sha256/${layer:7}"
rc=0
"$driver" push --layout "$work/corrupt" "${common[@]}" x=acp/corrupt:1 >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" = 1 ] || lab_fail "a corrupted layer was pushed (exit $rc)"
has "$work/err" "blob $layer does not match its digest"
[ "$("$driver" digest "${common[@]}" acp/corrupt 1)" = absent ] || lab_fail "acp/corrupt:1 exists"
ok "a corrupted layer is refused naming it; no tag was written"

# fake MODE: start oci_fake_bearer.py in MODE; sets fake_port and fake_log.
fake() {
  fake_log=$work/fake-$1.log
  FAKE_MODE=$1 FAKE_USER=$user FAKE_PASSWORD=$password python3 "$here/oci_fake_bearer.py" \
    "$work/fake-$1.port" "$fake_log" &
  pids+=($!)
  for _ in $(seq 1 100); do [ -s "$work/fake-$1.port" ] && break; sleep 0.1; done
  [ -s "$work/fake-$1.port" ] || lab_fail "the fake registry ($1) did not start"
  fake_port=$(cat "$work/fake-$1.port")
}

# 8. Bearer: a token per scope from the realm with the credentials as Basic (a fake registry).
fake bearer
fake=(--registry "127.0.0.1:$fake_port" --name fake --plain --user "$user")
"$driver" ping "${fake[@]}" >"$work/out" 2>"$work/err" || lab_fail "bearer ping: $(cat "$work/err")"
[ "$("$driver" digest "${fake[@]}" acp/x 1)" = "sha256:$(printf 'ab%.0s' $(seq 32))" ] ||
  lab_fail "bearer digest: $(cat "$work/err")"
has "$fake_log" "GET /token?service=fake-registry&scope=repository%3Aacp%2Fx%3Apull Basic"
has "$fake_log" "HEAD /v2/acp/x/manifests/1 Bearer"
rc=0
OCI_PASSWORD=nope-$password "$driver" ping "${fake[@]}" >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" = 1 ] || lab_fail "bearer: a wrong password should exit 1, got $rc"
has "$work/err" "registry fake (127.0.0.1:$fake_port) refused user \"$user\": wrong user name or password"
if grep -qF -- "$password" "$work/err" "$fake_log"; then lab_fail "the password was shown or sent in a URL"; fi
ok "Bearer: token from the realm with service and scope, then accepted; a wrong password refused"

# 9. Retries: 503 twice, then the request goes through; a server that never answers is given
# up on after 4 tries, naming the registry.
fake 503x2
"$driver" ping --registry "127.0.0.1:$fake_port" --name fake --plain --user "$user" \
  >"$work/out" 2>"$work/err" || lab_fail "ping after two 503s: $(cat "$work/err")"
[ "$(grep -c '^GET /v2/ ' "$fake_log")" = 4 ] ||
  lab_fail "expected 4 GET /v2/ (503, 503, 401, 200): $(cat "$fake_log")"
fake stall
start=$SECONDS
rc=0
"$driver" ping --registry "127.0.0.1:$fake_port" --name stalled --plain --timeout 1 \
  >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" = 1 ] || lab_fail "a server that never answers: exit $rc"
has "$work/err" "registry stalled (127.0.0.1:$fake_port) made no progress for 1s"
[ "$(wc -l <"$fake_log")" = 4 ] || lab_fail "a silent server was tried $(wc -l <"$fake_log") times, not 4"
ok "503, 503, then through; a silent server: 4 tries, then a time-out naming the registry ($((SECONDS - start))s)"

# 10. Timing: the 80 MiB image to a fresh repository, us (defaults: 16 MiB chunks) and skopeo.
start=$(date +%s.%N)
"$driver" push --layout "$layout" "${common[@]}" big=acp/big-ours:1 >"$work/push3" 2>"$work/err" ||
  lab_fail "pushing big again: $(cat "$work/err")"
mid=$(date +%s.%N)
skopeo --insecure-policy copy --quiet --dest-cert-dir "$work/certs" --dest-creds "$user:$password" \
  "oci:$layout:big" "docker://$registry/acp/big-skopeo:1" >/dev/null 2>"$work/err" ||
  lab_fail "skopeo copy: $(cat "$work/err")"
end=$(date +%s.%N)
[ "$(report "$work/push3" bytes_uploaded)" = "$(facts bytes:big)" ] || lab_fail "big to a fresh repository: $(tail -1 "$work/push3")"
python3 -c "import sys; a, b, c = map(float, sys.argv[1:4]); print(f'timing: {int(sys.argv[4]) / 2**20:.1f} MiB image to a fresh repository: oci_driver {b - a:.2f}s, skopeo copy {c - b:.2f}s')" \
  "$start" "$mid" "$end" "$(facts bytes:big)"
echo "oci_client: all checks passed"
