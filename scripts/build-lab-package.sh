#!/usr/bin/env bash
# Builds the lab's core package from Debian's binaries (etcd, etcdctl, keepalived) and the
# definition in packages/core/, signed with the lab's release key: one key pair kept in
# $ACPCTL_LAB_KEY_DIR (default ~/.acpctl/lab-release-key, private key 0600), made on first use,
# so every lab package is signed by the same key, as a vendor's releases are (acpctl trusts
# the first key used for a cluster and refuses another one later).
#   usage: scripts/build-lab-package.sh OUTDIR [demo [HELLO_VERSION]]
# With `demo`, packages/lab-demo/ is used instead: the same binaries as files only plus the
# self-contained `hello` service (for the plan/apply lab tests). With HELLO_VERSION (the
# upgrade lab test) hello gets that version, which also changes its bytes, and the package
# carries a second service, `steady`, that is the same in every version.
# Writes into OUTDIR: core.amd64.v<version>.tgz, its .sha256 and .sig, and acp-lab.pub.
# Needs the packages scripts/setup.sh installs; uses $ACPCTL or build/acpctl (built if missing).
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 3 ] || { [ $# -ge 2 ] && [ "$2" != demo ]; } ||
  { [ $# -eq 3 ] && ! [[ $3 =~ ^[0-9]+(\.[0-9]+)*$ ]]; }; then
  echo "usage: $0 OUTDIR [demo [HELLO_VERSION]]   (HELLO_VERSION like 2.0.0)" >&2
  exit 2
fi
hello_version=${3:-1.0.0}
upgrade_test=$([ $# -eq 3 ] && echo 1 || echo 0)
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1
definition=$root/packages/core
[ "${2:-}" = demo ] && definition=$root/packages/lab-demo
mkdir -p "$out"
acpctl=${ACPCTL:-$root/build/acpctl}
if [ ! -x "$acpctl" ]; then
  echo "build-lab-package: building acpctl into $root/build"
  cmake -S "$root" -B "$root/build" -G Ninja >/dev/null
  ninja -C "$root/build" acpctl >/dev/null
fi
for bin in /usr/bin/etcd /usr/bin/etcdctl /usr/sbin/keepalived; do
  if [ ! -x "$bin" ]; then
    echo "build-lab-package: $bin is missing; run scripts/setup.sh (as root) first" >&2
    exit 1
  fi
done
# Debian version "1:2.2.7-1+b2" -> upstream "2.2.7".
upstream() { dpkg-query -W -f='${Version}' "$1" | sed -E 's/^[0-9]+://; s/-[^-]*$//'; }
etcd_version=$(upstream etcd-server)
keepalived_version=$(upstream keepalived)
core_version=$("$acpctl" version | awk 'NR==1 {print $2}' | sed 's/^v//')
[ -n "$core_version" ] || core_version=0.1.0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
def=$work/core
mkdir -p "$def/components/etcd/bin" "$def/components/etcdctl/bin" "$def/components/keepalived/sbin"
# Lines marked "# upgrade-test" (the steady service) stay only with HELLO_VERSION.
keep_upgrade=("-e" '/# upgrade-test$/d')
[ "$upgrade_test" = 1 ] && keep_upgrade=("-e" 's/ *# upgrade-test$//')
sed -e "s/@CORE_VERSION@/$core_version/" -e "s/@ETCD_VERSION@/$etcd_version/" \
  -e "s/@KEEPALIVED_VERSION@/$keepalived_version/" -e "s/@HELLO_VERSION@/$hello_version/" \
  "${keep_upgrade[@]}" "$definition/package.yaml" >"$def/package.yaml"
install -m 0755 /usr/bin/etcd /usr/bin/etcdctl "$def/components/etcd/bin/"
install -m 0755 /usr/bin/etcdctl "$def/components/etcdctl/bin/"
install -m 0755 /usr/sbin/keepalived "$def/components/keepalived/sbin/"
if [ -d "$definition/components/hello" ]; then
  cp -r "$definition/components/hello" "$def/components/"
  sed -i "s/@HELLO_VERSION@/$hello_version/" "$def/components/hello/bin/hello"
fi
if [ "$upgrade_test" = 1 ]; then
  cp -r "$definition/components/steady" "$def/components/"
fi

key_dir=${ACPCTL_LAB_KEY_DIR:-$HOME/.acpctl/lab-release-key}
if [ ! -f "$key_dir/acp-lab.key" ]; then
  mkdir -p "$key_dir"
  chmod 0700 "$key_dir"
  "$acpctl" package keygen -o "$work/acp-lab" >/dev/null
  mv "$work/acp-lab.pub" "$work/acp-lab.key" "$key_dir/"
fi
rm -f "$out/acp-lab.pub"
cp "$key_dir/acp-lab.pub" "$out/acp-lab.pub"
"$acpctl" package build "$def" -o "$out" --sign-key "$key_dir/acp-lab.key"
package=$out/core.amd64.v$core_version.tgz
"$acpctl" package verify "$package" --key "$out/acp-lab.pub" --require-checksum
echo "$out/acp-lab.pub"
