#!/usr/bin/env bash
# Builds the lab's core package from Debian's binaries (etcd, etcdctl, keepalived, containerd
# with runc, docker-registry) and the definition in packages/core/, plus two small images built
# from Debian's busybox-static with umoci into the package's OCI image layout (images/, one
# index.json): registry.alauda.cn/acp/busybox:<busybox version> (one layer: /bin/busybox and the
# links sh, echo, cat, ls, sleep; Cmd /bin/sh) and registry.alauda.cn/acp/hello:1.0.0 (that same
# layer, stored once, plus /hello.sh, which prints "hello from the acp lab image"). The layers
# are tars with fixed owners, modes and mtimes and the configs have fixed dates, so a rebuild
# gives the same digests. The package is signed with the lab's release key: one key pair kept in
# $ACPCTL_LAB_KEY_DIR (default ~/.acpctl/lab-release-key, private key 0600), made on first use,
# so every lab package is signed by the same key, as a vendor's releases are (acpctl trusts
# the first key used for a cluster and refuses another one later).
#   usage: scripts/build-lab-package.sh OUTDIR [demo [HELLO_VERSION]]
#          scripts/build-lab-package.sh OUTDIR patch hello|etcd|broken|wrongbase
# With `demo`, packages/lab-demo/ is used instead: the same binaries as files only plus the
# self-contained `hello` service (for the plan/apply lab tests). With HELLO_VERSION (the
# upgrade lab test) hello gets that version, which also changes its bytes, and the package
# carries a second service, `steady`, that is the same in every version.
# With `patch KIND`, a patch package (spec.type: patch) of `OUTDIR demo 1.0.0` from
# packages/lab-patch/KIND/ (`wrongbase`: the `hello` definition with baseVersion 0.0.1), for
# `acpctl upgrade` (tests/lab/patch.sh); each definition's comment says what it carries. Its
# version is <core version>-pN: hello p1, etcd p2, broken p3, wrongbase p4. LAB_PATCH_PAD_KIB=N
# adds N KiB of random bytes to the hello patch's hello (scripts/bench/upgrade.sh).
# Writes into OUTDIR: core.amd64.v<version>.tgz, its .sha256 and .sig, and acp-lab.pub.
# Needs the packages scripts/setup.sh installs; uses $ACPCTL or build/acpctl (built if missing).
set -euo pipefail
usage() {
  echo "usage: $0 OUTDIR [demo [HELLO_VERSION]]   (HELLO_VERSION like 2.0.0)" >&2
  echo "       $0 OUTDIR patch hello|etcd|broken|wrongbase" >&2
  exit 2
}
mode=${2:-core}
case $# in
  1) ;;
  2) [ "$mode" = demo ] || usage ;;
  3) case $mode in
       demo) [[ $3 =~ ^[0-9]+(\.[0-9]+)*$ ]] || usage ;;
       patch) [[ $3 =~ ^(hello|etcd|broken|wrongbase)$ ]] || usage ;;
       *) usage ;;
     esac ;;
  *) usage ;;
esac
hello_version=1.0.0
upgrade_test=0
if [ "$mode" = demo ] && [ $# -eq 3 ]; then
  hello_version=$3
  upgrade_test=1
fi
patch_kind=""
if [ "$mode" = patch ]; then patch_kind=$3; fi
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1
case $mode:$patch_kind in
  core:) definition=$root/packages/core ;;
  demo:) definition=$root/packages/lab-demo ;;
  patch:wrongbase) definition=$root/packages/lab-patch/hello ;;
  patch:*) definition=$root/packages/lab-patch/$patch_kind ;;
esac
mkdir -p "$out"
acpctl=${ACPCTL:-$root/build/acpctl}
if [ ! -x "$acpctl" ]; then
  echo "build-lab-package: building acpctl into $root/build"
  cmake -S "$root" -B "$root/build" -G Ninja >/dev/null
  ninja -C "$root/build" acpctl >/dev/null
fi
# The runtime, the registry and the images are the core package's only.
runtime_bins=(/usr/bin/containerd /usr/bin/containerd-shim-runc-v2 /usr/bin/ctr /usr/sbin/runc)
needed=(/usr/bin/etcd /usr/bin/etcdctl /usr/sbin/keepalived)
[ "$mode" = core ] && needed+=("${runtime_bins[@]}" /usr/bin/docker-registry /bin/busybox /usr/bin/umoci)
for bin in "${needed[@]}"; do
  if [ ! -x "$bin" ]; then
    echo "build-lab-package: $bin is missing; run scripts/setup.sh (as root) first" >&2
    exit 1
  fi
done
# Debian version "1:2.2.7-1+b2" -> upstream "2.2.7".
upstream() { dpkg-query -W -f='${Version}' "$1" | sed -E 's/^[0-9]+://; s/-[^-]*$//'; }
# Without a repack suffix ("1.6.20~ds1" -> "1.6.20"): "~" is no character of a component version.
upstream_plain() { upstream "$1" | sed -E 's/[~+]ds[0-9]*$//'; }
etcd_version=$(upstream etcd-server)
keepalived_version=$(upstream keepalived)
core_version=$("$acpctl" version | awk 'NR==1 {print $2}' | sed 's/^v//')
[ -n "$core_version" ] || core_version=0.1.0

# A patch's version and the version it applies to: the demo package's, i.e. this acpctl's.
package_version=$core_version
base_version=$core_version
case $patch_kind in
  hello) package_version=$core_version-p1 hello_version=1.0.1 ;;
  etcd) package_version=$core_version-p2 ;;
  broken) package_version=$core_version-p3 ;;
  wrongbase) package_version=$core_version-p4 base_version=0.0.1 hello_version=1.0.1 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
def=$work/core
mkdir -p "$def/components/etcd/bin" "$def/components/etcdctl/bin" "$def/components/keepalived/sbin"

# lab_images LAYOUT BUSYBOX_VERSION: the two images into a new OCI layout; sets busybox_digest
# and hello_digest to their manifests' digests. umoci writes index.json with the tags as
# org.opencontainers.image.ref.name; `umoci gc` drops the blobs of the intermediate steps.
lab_images() {
  local layout=$1 version=$2 t=$work/image-trees epoch=1970-01-01T00:00:00Z tag
  install -d -m 0755 "$t/busybox/bin" "$t/hello"
  install -m 0755 /bin/busybox "$t/busybox/bin/busybox"
  for tag in sh echo cat ls sleep; do ln -s busybox "$t/busybox/bin/$tag"; done
  printf '#!/bin/sh\necho "hello from the acp lab image"\n' >"$t/hello/hello.sh"
  chmod 0755 "$t/hello/hello.sh"
  # Reproducible layers: sorted, owner 0:0, mtime 0, ustar (no pax headers with times or PIDs).
  local tar=(tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=ustar)
  "${tar[@]}" -C "$t/busybox" -cf "$t/busybox.tar" bin
  "${tar[@]}" -C "$t/hello" -cf "$t/hello.tar" hello.sh
  local history=(--history.created "$epoch" --history.author acpctl-lab)
  umoci init --layout "$layout"
  umoci new --image "$layout:$version"
  umoci raw add-layer --image "$layout:$version" "${history[@]}" \
    --history.created_by "busybox-static $version: /bin/busybox, sh echo cat ls sleep" "$t/busybox.tar"
  umoci config --image "$layout:$version" --no-history --created "$epoch" \
    --architecture "$(dpkg --print-architecture)" --os linux --config.env PATH=/bin \
    --config.cmd /bin/sh
  umoci tag --image "$layout:$version" 1.0.0
  umoci raw add-layer --image "$layout:1.0.0" "${history[@]}" \
    --history.created_by "/hello.sh" "$t/hello.tar"
  umoci config --image "$layout:1.0.0" --no-history --created "$epoch" \
    --config.cmd /bin/sh --config.cmd /hello.sh
  umoci gc --layout "$layout"
  chmod -R a+rX "$layout"
  busybox_digest=$(layout_digest "$layout" "$version")
  hello_digest=$(layout_digest "$layout" 1.0.0)
}

# layout_digest LAYOUT TAG: the digest of the manifest index.json lists under TAG.
layout_digest() {
  python3 -c 'import json, sys
print(next(m["digest"] for m in json.load(open(sys.argv[1]))["manifests"]
           if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == sys.argv[2]))' \
    "$1/index.json" "$2"
}

containerd_version="" registry_version="" busybox_version="" busybox_digest="" hello_digest=""
if [ "$mode" = core ]; then
  containerd_version=$(upstream_plain containerd)
  registry_version=$(upstream_plain docker-registry)
  busybox_version=$(upstream_plain busybox-static)
  mkdir -p "$def/components/containerd/bin" "$def/components/registry/bin"
  install -m 0755 "${runtime_bins[@]}" "$def/components/containerd/bin/"
  install -m 0755 /usr/bin/docker-registry "$def/components/registry/bin/registry"
  lab_images "$def/images" "$busybox_version"
fi
# Lines marked "# upgrade-test" (the steady service) stay only with HELLO_VERSION, lines
# marked "# pad" (the hello patch's padding) only with LAB_PATCH_PAD_KIB.
marked=(-e '/# upgrade-test$/d' -e '/# pad$/d')
[ "$upgrade_test" = 1 ] && marked[1]='s/ *# upgrade-test$//'
pad_kib=0
[ "$patch_kind" = hello ] && pad_kib=${LAB_PATCH_PAD_KIB:-0}
if ! [[ $pad_kib =~ ^[0-9]+$ ]]; then
  echo "build-lab-package: LAB_PATCH_PAD_KIB must be a number of KiB" >&2
  exit 2
fi
[ "$pad_kib" -gt 0 ] && marked[3]='s/ *# pad$//'
sed -e "s/@CORE_VERSION@/$core_version/" -e "s/@ETCD_VERSION@/$etcd_version/" \
  -e "s/@KEEPALIVED_VERSION@/$keepalived_version/" -e "s/@HELLO_VERSION@/$hello_version/" \
  -e "s/@PATCH_VERSION@/$package_version/" -e "s/@BASE_VERSION@/$base_version/" \
  -e "s/@CONTAINERD_VERSION@/$containerd_version/" -e "s/@REGISTRY_VERSION@/$registry_version/" \
  -e "s/@BUSYBOX_VERSION@/$busybox_version/" -e "s/@BUSYBOX_DIGEST@/$busybox_digest/" \
  -e "s/@HELLO_IMAGE_DIGEST@/$hello_digest/" \
  "${marked[@]}" "$definition/package.yaml" >"$def/package.yaml"
install -m 0755 /usr/bin/etcd /usr/bin/etcdctl "$def/components/etcd/bin/"
install -m 0755 /usr/bin/etcdctl "$def/components/etcdctl/bin/"
install -m 0755 /usr/sbin/keepalived "$def/components/keepalived/sbin/"
# The files of a patch's hello and steady are the demo's (hello with its new version), so
# steady's bytes are those of the base package; a definition's own files come on top.
if [ "$patch_kind" = hello ] || [ "$patch_kind" = wrongbase ]; then
  cp -r "$root/packages/lab-demo/components/hello" "$root/packages/lab-demo/components/steady" "$def/components/"
  sed -i "s/@HELLO_VERSION@/$hello_version/" "$def/components/hello/bin/hello"
  if [ "$pad_kib" -gt 0 ]; then
    head -c $((pad_kib * 1024)) /dev/urandom >"$def/components/hello/pad.bin"
  fi
elif [ "$mode" = patch ]; then
  cp -r "$definition/components/." "$def/components/"
else
  if [ -d "$definition/components/hello" ]; then
    cp -r "$definition/components/hello" "$def/components/"
    sed -i "s/@HELLO_VERSION@/$hello_version/" "$def/components/hello/bin/hello"
  fi
  if [ "$upgrade_test" = 1 ]; then
    cp -r "$definition/components/steady" "$def/components/"
  fi
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
package=$out/core.amd64.v$package_version.tgz
"$acpctl" package verify "$package" --key "$out/acp-lab.pub" --require-checksum
echo "$out/acp-lab.pub"
