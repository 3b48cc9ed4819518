#!/usr/bin/env bash
# Installs every Debian package that acpctl's build, tests, benchmarks and lab need, and s3rver
# (npm) for the S3 lab test.
# Idempotent and non-interactive: packages already present are not fetched again, and
# `apt-get update` runs once, only when something is missing. Services that packages would
# start (sshd, etcd, keepalived) are kept from starting in the root namespace: the lab
# starts its own copies inside its hosts.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build ccache pkg-config git clang clang-format clang-tidy
  libclang-rt-14-dev
  libcli11-dev libcurl4-openssl-dev libarchive-dev libyaml-cpp-dev libfmt-dev
  libssh2-1-dev libssl-dev doctest-dev nlohmann-json3-dev libzstd-dev
  # tests, benchmarks
  zstd time openssl python3 zsh fish shellcheck
  systemd                                         # systemd-analyze verify checks generated units
  # lab hosts
  iproute2 openssh-server openssh-client sudo runit iputils-ping procps psmisc util-linux passwd
  etcd-server etcd-client keepalived
  containerd runc docker-registry apache2-utils  # runtime and platform registry (issue 13)
  skopeo umoci busybox-static                    # images: independent client, lab images
)

# tests/lab/s3_client.sh runs the S3 client against s3rver (npm) on 127.0.0.1: node and npm from
# Debian, unless a node with its npm is already installed.
command -v npm >/dev/null || packages+=(nodejs npm)
s3rver_dir=/opt/acpctl-lab/s3rver
s3rver_version=3.7.1

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: run as root (it installs Debian packages); try: sudo $0" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

install_packages() {
  echo "setup.sh: installing ${missing[*]}"
  # Keep maintainer scripts from starting daemons on this machine (policy-rc.d exit 101 = deny).
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  local rc=0
  { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } || rc=$?
  [ "$own_policy" = 0 ] || rm -f "$policy"
  return "$rc"
}

# s3rver into its own prefix, once per version.
install_s3rver() {
  local have
  have=$(node -p "require('$s3rver_dir/node_modules/s3rver/package.json').version" 2>/dev/null || true)
  if [ "$have" = "$s3rver_version" ]; then
    echo "setup.sh: s3rver $s3rver_version present"
    return 0
  fi
  echo "setup.sh: installing s3rver $s3rver_version (npm) into $s3rver_dir"
  mkdir -p "$s3rver_dir"
  npm install --prefix "$s3rver_dir" --no-audit --no-fund --loglevel=error "s3rver@$s3rver_version"
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup.sh: all ${#packages[@]} packages present"
else
  install_packages
fi
install_s3rver
echo "setup.sh: done"
