#!/usr/bin/env bash
# Benchmark: `acpctl images push` against `skopeo copy oci:… docker://…` of the same images, each
# into its own empty docker-registry (Debian's, TLS with a throwaway CA, htpasswd) on 127.0.0.1.
#   usage: scripts/bench/push.sh [ACPCTL_BINARY]     (BENCH_MIB=500: about that many MiB)
# The images: BENCH_IMAGES (4) images of one random layer each plus one shared base layer, about
# BENCH_MIB in all, in one OCI layout inside a signed package. acpctl's time includes verifying
# and unpacking the package's images; its JSON says how long the push itself took. Then a
# second acpctl push into the filled registry: 0 blob bytes, and its time per image. Prints each
# time and the ratio acpctl/skopeo (below 1.0: acpctl is faster). Loopback only.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
acpctl=$(readlink -f "${1:-$root/build/acpctl}")
mib=${BENCH_MIB:-500}
images=${BENCH_IMAGES:-4}
for tool in docker-registry skopeo htpasswd openssl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing; run scripts/setup.sh" >&2; exit 1; }
done
[ -x "$acpctl" ] || { echo "bench: no acpctl binary at $acpctl" >&2; exit 1; }

work=$(mktemp -d /var/tmp/acpctl-push-bench.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
now_ms() { echo $(($(date +%s%N) / 1000000)); }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A CA and a server certificate for 127.0.0.1; htpasswd with a random password.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench-ca \
  -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=127.0.0.1 \
  -keyout "$work/tls.key" -out "$work/tls.csr" 2>/dev/null
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial \
  -days 2 -extfile <(echo "subjectAltName=IP:127.0.0.1") -out "$work/tls.crt" 2>/dev/null
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
htpasswd -nbB admin "$password" >"$work/htpasswd"

# start_registry NAME PORT: an empty registry on 127.0.0.1:PORT.
start_registry() {
  local name=$1 port=$2
  mkdir -p "$work/$name"
  cat >"$work/$name.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/$name}}
http:
  addr: 127.0.0.1:$port
  tls: {certificate: $work/tls.crt, key: $work/tls.key}
auth: {htpasswd: {realm: bench, path: $work/htpasswd}}
YML
  docker-registry serve "$work/$name.yml" >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 50); do
    if curl -s -o /dev/null --cacert "$work/ca.crt" "https://127.0.0.1:$port/v2/"; then return 0; fi
    sleep 0.1
  done
  echo "bench: registry $name did not start: $(cat "$work/$name.log")" >&2
  exit 1
}
PORT_acpctl=$(free_port)
PORT_skopeo=$(free_port)
start_registry acpctl "$PORT_acpctl"
start_registry skopeo "$PORT_skopeo"

# The layout: a shared base layer and one layer per image, random (incompressible) bytes.
echo "bench: building $images images of about $mib MiB in all"
mkdir -p "$work/def/images" "$work/def/components/bench"
echo bench >"$work/def/components/bench/README"
python3 - "$work/def" "$mib" "$images" <<'PY'
import hashlib, io, json, os, sys, tarfile
out, mib, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
blobs = os.path.join(out, "images", "blobs", "sha256")
os.makedirs(blobs, exist_ok=True)
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, d), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + d, "size": len(data)}
def layer(name, size):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        info = tarfile.TarInfo(name); info.size = size; info.mtime = 0
        t.addfile(info, io.BytesIO(os.urandom(size)))
    return dict(blob(buf.getvalue()), mediaType="application/vnd.oci.image.layer.v1.tar")
base = layer("base.bin", mib * 2**20 // 10)
each = (mib * 2**20 - base["size"]) // count
index, refs = [], []
for i in range(count):
    own = layer(f"data{i}.bin", each)
    config = dict(blob(json.dumps({"architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [base["digest"], own["digest"]]}}).encode()),
        mediaType="application/vnd.oci.image.config.v1+json")
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": config, "layers": [base, own]}).encode()
    m = dict(blob(manifest), mediaType="application/vnd.oci.image.manifest.v1+json",
             annotations={"org.opencontainers.image.ref.name": f"{i}.0"})
    index.append(m)
    refs.append((f"registry.alauda.cn/bench/image{i}:{i}.0", m["digest"]))
open(os.path.join(out, "images", "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
open(os.path.join(out, "images", "index.json"), "w").write(json.dumps({"schemaVersion": 2, "manifests": index}))
lines = ["apiVersion: acpctl.alauda.io/v1alpha1", "kind: Package", "metadata:", "  name: bench",
         "spec:", "  type: cluster-plugin", '  version: "1.0.0"', "  arch: amd64", "  lifecycle: agnostic",
         "  components:", "    - name: bench", '      version: "1.0.0"', "      files:",
         "        - path: components/bench/README", "      images:"]
for ref, digest in refs:
    lines += [f"        - ref: {ref}", f"          digest: {digest}"]
open(os.path.join(out, "package.yaml"), "w").write("\n".join(lines) + "\n")
open(os.path.join(out, "..", "tags"), "w").write("\n".join(f"{i}.0 bench/image{i}" for i in range(count)) + "\n")
PY
"$acpctl" package keygen -o "$work/key" >/dev/null
"$acpctl" package build "$work/def" -o "$work/pkg.tgz" --sign-key "$work/key.key" --level 1 >/dev/null
du -sh "$work/def/images" | sed 's/^/bench: layout /'

export ACPCTL_HOME=$work/home ACP_REGISTRY_PASSWORD=$password
cat >"$work/cluster.yaml" <<YML
apiVersion: acpctl.alauda.io/v1alpha1
kind: Cluster
metadata: {name: bench}
spec:
  type: global
  kubernetesVersion: v1.31.6
  network: {ipFamily: ipv4}
  controlPlaneEndpoint: {externalLoadBalancer: {address: 127.0.0.1}}
  nodes:
    - {name: local, address: 127.0.0.1, roles: [control-plane, etcd]}
  registry:
    address: 127.0.0.1:$PORT_acpctl
    username: admin
    password: {fromEnv: ACP_REGISTRY_PASSWORD}
YML
push() {
  "$acpctl" -o json images push -f "$work/cluster.yaml" --package "$work/pkg.tgz" --key "$work/key.pub" \
    --registry "127.0.0.1:$PORT_acpctl" --registry-ca "$work/ca.crt" | tail -1
}
cat "$work"/def/images/blobs/sha256/* >/dev/null # the page cache warm for both

t0=$(now_ms)
first=$(push)
t_acpctl=$(($(now_ms) - t0))
mkdir -p "$work/certs" && cp "$work/ca.crt" "$work/certs/"
t0=$(now_ms)
while read -r tag repo; do
  skopeo copy -q --dest-cert-dir "$work/certs" --dest-creds "admin:$password" \
    "oci:$work/def/images:$tag" "docker://127.0.0.1:$PORT_skopeo/$repo:$tag"
done <"$work/tags"
t_skopeo=$(($(now_ms) - t0))
t0=$(now_ms)
second=$(push)
t_again=$(($(now_ms) - t0))

python3 - "$first" "$second" "$t_acpctl" "$t_skopeo" "$t_again" "$images" <<'PY'
import json, sys
first, second = json.loads(sys.argv[1]), json.loads(sys.argv[2])
t_acpctl, t_skopeo, t_again, n = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
a, b = first["registries"][0], second["registries"][0]
assert first["failed"] == 0 and second["failed"] == 0, (first, second)
print(f"acpctl images push (verify + unpack + push): {t_acpctl} ms, of which the push {a['seconds']*1000:.0f} ms; "
      f"{a['blobsUploaded']} blobs, {a['bytesUploaded'] / 2**20:.0f} MiB sent, {a['blobsMounted']} mounted")
print(f"skopeo copy, {n} images one after another:  {t_skopeo} ms")
print(f"ratio acpctl/skopeo: {t_acpctl / t_skopeo:.2f} (whole command), {a['seconds'] * 1000 / t_skopeo:.2f} (push only)")
print(f"second push: {b['bytesUploaded']} blob bytes, {b['blobsUploaded']} blobs sent; {t_again} ms, "
      f"{t_again / n:.0f} ms per image (push only {b['seconds'] * 1000 / n:.0f} ms per image)")
if b["bytesUploaded"] != 0:
    sys.exit("FAIL: the second push sent blob bytes")
PY
