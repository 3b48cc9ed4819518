#!/usr/bin/env bash
# Benchmark: verify + unpack of a ~1 GiB package, acpctl (one pass: sidecar checksum,
# signature, every file's sha256 and size, extraction) against `sha256sum -c` then `tar -xf`
# on the same package, for gzip and zstd. Prints both times, the ratio and acpctl's peak RSS.
#   usage: scripts/bench/package.sh [ACPCTL] [SIZE_MIB]
# Input is generated under ${BENCH_DIR:-/var/tmp} and removed afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
acpctl=$(realpath "${1:-$root/build/acpctl}")
size_mib=${2:-1024}
base=${BENCH_DIR:-/var/tmp}
work=$(mktemp -d "$base/acpctl-bench-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
def=$work/def
mkdir -p "$def/components/data"

# Half incompressible (random), half compressible (text-like logs); files of 1–64 MiB.
echo "generating ${size_mib} MiB of input in $work"
i=0; made=0
while [ "$made" -lt "$size_mib" ]; do
  mib=$(( (i * 37 % 64) + 1 ))
  if [ $((made + mib)) -gt "$size_mib" ]; then mib=$((size_mib - made)); fi
  f=$def/components/data/file$i
  if [ $((i % 2)) -eq 0 ]; then
    head -c $((mib << 20)) /dev/urandom >"$f"
  else
    (yes "2026-11-27T14:40:00Z INFO etcd member $i applied index $((i * 1000)) term 7 ok" ||
      true) | head -c $((mib << 20)) >"$f"
  fi
  made=$((made + mib)); i=$((i + 1))
done
cat >"$def/package.yaml" <<YAML
apiVersion: acpctl.alauda.io/v1alpha1
kind: Package
metadata: {name: bench}
spec:
  type: cluster-plugin
  version: "1.0.0"
  arch: amd64
  components:
    - name: data
      version: "1.0.0"
      files:
        - directory: components/data
YAML
"$acpctl" package keygen -o "$work/key" >/dev/null

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

for comp in gzip zstd; do
  ext=tgz; [ "$comp" = zstd ] && ext=tzst
  pkg=$work/bench.amd64.v1.0.0.$ext
  t0=$(now)
  "$acpctl" package build "$def" -o "$work" --compression "$comp" --sign-key "$work/key.key" >/dev/null
  t1=$(now)
  echo "== $comp: package $(du -m "$pkg" | cut -f1) MiB from ${size_mib} MiB of files (built in $(secs "$t0" "$t1") s)"
  # Both sides start with the package in the page cache (warm): this compares the work done,
  # not the disk. Written trees are removed and synced between runs.
  warm() { cat "$pkg" "$pkg.sha256" "$pkg.sig" >/dev/null; sync; }

  rm -rf "$work/base" "$work/mine"; mkdir -p "$work/base"
  warm
  t0=$(now)
  (cd "$work" && sha256sum -c --quiet "$(basename "$pkg").sha256")
  tar -xf "$pkg" -C "$work/base"
  t1=$(now)
  base_s=$(secs "$t0" "$t1")
  rm -rf "$work/base"; warm

  t0=$(now)
  /usr/bin/time -v -o "$work/time.txt" "$acpctl" package unpack "$pkg" -C "$work/mine" \
    --key "$work/key.pub" --require-checksum >/dev/null
  t1=$(now)
  mine_s=$(secs "$t0" "$t1")
  rss_kib=$(awk -F: '/Maximum resident/ {gsub(/ /, "", $2); print $2}' "$work/time.txt")
  rm -rf "$work/mine"; warm

  t0=$(now)
  "$acpctl" package verify "$pkg" --key "$work/key.pub" --require-checksum >/dev/null
  t1=$(now)
  verify_s=$(secs "$t0" "$t1")
  ratio=$(awk -v a="$base_s" -v b="$mine_s" 'BEGIN { printf "%.2f", a / b }')
  echo "   sha256sum -c + tar -xf:                    ${base_s} s"
  echo "   acpctl package unpack (verify in one pass): ${mine_s} s   ratio ${ratio}x (target >= 1.3x)"
  echo "   acpctl package verify alone:                ${verify_s} s"
  echo "   acpctl peak RSS: $((rss_kib / 1024)) MiB (${rss_kib} KiB; target < 64 MiB)"
  rm -f "$pkg" "$pkg.sha256" "$pkg.sig"
done
