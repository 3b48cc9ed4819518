#!/usr/bin/env bash
# Installs every Debian package that acpctl's build, tests, benchmarks and lab need.
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
)

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: run as root (it installs Debian packages); try: sudo $0" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup.sh: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup.sh: installing ${missing[*]}"
# Keep maintainer scripts from starting daemons on this machine (policy-rc.d exit 101 = deny).
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  own_policy=1
fi
trap '[ "$own_policy" = 1 ] && rm -f "$policy"' EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup.sh: done"
