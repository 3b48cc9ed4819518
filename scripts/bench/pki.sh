#!/usr/bin/env bash
# Benchmark: generating a 5-etcd-node PKI (CA + server/peer per node + health-check client +
# admin: 13 key pairs) with `acpctl certs renew` on an empty cluster directory, next to the
# openssl command line making the same ECDSA P-256 set as the baseline; then a no-op re-run.
#   usage: scripts/bench/pki.sh [ACPCTL_BINARY]      (BENCH_ROUNDS=5; no root, no lab)
# Prints the best time of each and the ratio to the baseline.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
acpctl=$(readlink -f "${1:-$root/build/acpctl}")
rounds=${BENCH_ROUNDS:-5}
[ -x "$acpctl" ] || { echo "no acpctl binary at $acpctl; build first" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# The init example grown to 5 etcd members.
"$acpctl" init | awk '
  { print }
  /roles: \[control-plane, etcd\]/ && ++n == 3 {
    for (i = 4; i <= 5; i++)
      printf "    - name: cp-%d\n      address: 192.168.10.1%d\n      roles: [control-plane, etcd]\n", i, i
  }' >"$work/cluster.yaml"
"$acpctl" validate -f "$work/cluster.yaml" >/dev/null

now_ms() { echo $(($(date +%s%N) / 1000000)); }
best() { # best SETUP CMD...: best wall time in ms of CMD over $rounds runs, function SETUP before each
  local setup=$1 b="" t0 t; shift
  for ((r = 0; r < rounds; r++)); do
    "$setup"
    t0=$(now_ms)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    t=$(($(now_ms) - t0))
    if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
  done
  echo "$b"
}

openssl_pki() { # the same 13 certificates with the openssl command line
  local d=$1 n
  mkdir -p "$d/etcd"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj /O=acpctl/CN=global-ca -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
  leaf() { # leaf NAME SUBJECT EXT
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "$2" \
      -keyout "$d/$1.key" -out "$d/$1.csr" 2>/dev/null
    openssl x509 -req -in "$d/$1.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
      -days 365 -extfile <(printf '%s\n' "$3") -out "$d/$1.crt" 2>/dev/null
  }
  for n in 1 2 3 4 5; do
    leaf "etcd/cp-$n-server" "/CN=cp-$n" "extendedKeyUsage=serverAuth
subjectAltName=DNS:cp-$n,DNS:localhost,IP:127.0.0.1,IP:192.168.10.1$n,IP:192.168.10.100"
    leaf "etcd/cp-$n-peer" "/CN=cp-$n" "extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:cp-$n,IP:192.168.10.1$n"
  done
  leaf etcd/healthcheck-client /CN=acp-etcd-healthcheck-client extendedKeyUsage=clientAuth
  leaf admin "/O=system:masters/CN=acpctl-admin" extendedKeyUsage=clientAuth
}

export ACPCTL_HOME=$work/home
empty_home() { rm -rf "${work:?}/home"; }
empty_openssl() { rm -rf "${work:?}/openssl"; }
fresh=$(best empty_home "$acpctl" certs renew -f "$work/cluster.yaml")
again=$(best true "$acpctl" certs renew -f "$work/cluster.yaml")
base=$(best empty_openssl openssl_pki "$work/openssl")
count=$(find "$work/home" -name '*.crt' | wc -l)
echo "5-node PKI ($count certificates), best of $rounds:"
echo "  acpctl certs renew (empty dir)    ${fresh} ms"
echo "  openssl command line (baseline)   ${base} ms"
echo "  ratio acpctl/openssl              $(awk -v a="$fresh" -v b="$base" 'BEGIN { printf "%.2f", a / b }')"
echo "  acpctl re-run (nothing to issue)  ${again} ms"
