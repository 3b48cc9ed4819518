#!/usr/bin/env bash
# The README's main command: set up, build, and install onto a local lab of real test hosts.
#   1. installs what is missing (scripts/setup.sh) and builds acpctl (Release; ACPCTL=PATH
#      uses one already built)
#   2. builds the lab's signed package from Debian's binaries (scripts/build-lab-package.sh)
#   3. starts a 3-host lab (scripts/lab.sh: network namespaces, sshd, runit)
#   4. validates the lab's cluster.yaml (with the platform registry behind the VIP), shows the
#      plan, applies it (twice: the second changes nothing), checks etcd with the client
#      certificate, puts/gets through the VIP, lists the images on each registry replica, pulls
#      and runs one through containerd on n1, prints `acpctl status`
# The lab stays up so you can look around; `scripts/lab.sh down` removes it.
# The package is the lab's core package: Debian's etcd, keepalived, containerd + runc and
# docker-registry (certificates, a 3-member etcd with TLS, the VIP 10.88.0.100, containerd on
# every node, a registry replica on each control-plane node) and two small busybox images
# that apply pushes to every replica. The PKI is kept in $ACPCTL_HOME/clusters/<name>; the
# registry password is random, passed through the environment (spec.registry fromEnv).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "demo.sh: run as root (it installs packages and starts network-namespace hosts)" >&2
  exit 2
fi
bash scripts/setup.sh
# ACPCTL=/path/to/acpctl uses an acpctl already built instead of building build/release.
if [ -n "${ACPCTL:-}" ]; then
  acpctl=$(readlink -f "$ACPCTL")
else
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
  cmake --build build/release -j "$(nproc)" --target acpctl
  acpctl=$PWD/build/release/acpctl
fi
work=${ACPCTL_DEMO_DIR:-/var/tmp/acpctl-demo}
mkdir -p "$work"

echo "== acpctl init | acpctl validate -f -"
"$acpctl" init | "$acpctl" validate -f -

echo "== building the lab package into $work"
ACPCTL=$acpctl bash scripts/build-lab-package.sh "$work"
package=$(ls "$work"/core.amd64.v*.tgz)
"$acpctl" package verify "$package" --key "$work/acp-lab.pub" --require-checksum

echo "== starting a 3-host lab"
if ! bash scripts/lab.sh up 3; then
  echo "demo.sh: could not start the lab; if one is already up, run: bash scripts/lab.sh down" >&2
  exit 1
fi
ACP_REGISTRY_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
export ACP_REGISTRY_PASSWORD
{
  bash scripts/lab.sh config
  printf '  registry:\n    address: 10.88.0.100:11443\n    username: admin\n'
  printf '    password: {fromEnv: ACP_REGISTRY_PASSWORD}\n'
} >"$work/cluster.yaml"
"$acpctl" validate -f "$work/cluster.yaml"

echo "== acpctl plan"
"$acpctl" plan -f "$work/cluster.yaml" --package "$package" --key "$work/acp-lab.pub" || true
echo "== acpctl apply"
"$acpctl" apply -f "$work/cluster.yaml" --package "$package" --key "$work/acp-lab.pub" --yes
echo "== acpctl apply again (changes nothing)"
"$acpctl" apply -f "$work/cluster.yaml" --package "$package" --key "$work/acp-lab.pub" --yes
echo "== etcd, with the generated client certificate"
pki=${ACPCTL_HOME:-$HOME/.acpctl}/clusters/$(awk '/^  name:/ {print $2; exit}' "$work/cluster.yaml")/pki
etcdctl --endpoints https://10.88.0.11:2379 --cacert "$pki/ca.crt" \
  --cert "$pki/etcd/healthcheck-client.crt" --key "$pki/etcd/healthcheck-client.key" \
  endpoint health --cluster
echo "== etcd through the VIP 10.88.0.100 (keepalived elects a holder a few seconds after start)"
for i in $(seq 1 30); do
  if etcdctl --endpoints https://10.88.0.100:2379 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" \
    --key "$pki/admin.key" --dial-timeout 1s put /acp/demo "hello through the VIP" >/dev/null 2>&1; then
    break
  fi
  [ "$i" -lt 30 ] || { echo "demo.sh: etcd does not answer on the VIP after 15 s" >&2; exit 1; }
  sleep 0.5
done
etcdctl --endpoints https://10.88.0.100:2379 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" \
  --key "$pki/admin.key" get /acp/demo
echo "== acpctl images list (what each registry replica holds)"
"$acpctl" images list -f "$work/cluster.yaml" --package "$package" --key "$work/acp-lab.pub"
echo "== n1 pulls an image through containerd's mirror config (the registry's pull port: the"
echo "   cluster CA and n1's own client certificate, no password) and runs it"
hello=$("$acpctl" -o json package show "$package" | python3 -c 'import json,sys
print(next(i["ref"] for c in json.load(sys.stdin)["manifest"]["components"]
           for i in c.get("images", []) if "/hello:" in i["ref"]))')
ctr=/opt/acp/components/containerd/current/bin/ctr
"$acpctl" exec -f "$work/cluster.yaml" --nodes n1 -- "$ctr" -n k8s.io images pull \
  --hosts-dir /etc/acp/containerd/certs.d "$hello" >/dev/null
"$acpctl" exec -f "$work/cluster.yaml" --nodes n1 -- "$ctr" -n k8s.io run --rm "$hello" demo
echo "== acpctl status"
"$acpctl" status -f "$work/cluster.yaml"
cat <<EOT

The lab is up: cluster config $work/cluster.yaml, package $package.
Try: $acpctl exec -f $work/cluster.yaml -- sv status /etc/service/acp-containerd
Tear it down with: bash scripts/lab.sh down
EOT
