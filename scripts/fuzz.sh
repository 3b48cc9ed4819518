#!/usr/bin/env bash
# Runs each libFuzzer target (manifest parser, archive reader/verify/unpack) for a bounded time.
#   usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
# Builds with clang into build/fuzz (the package layer only); the seed corpus is generated now
# from a small package built by an acpctl (ACPCTL_BIN, default build/ci/acpctl; gzip and zstd) and packages/core/package.yaml. Exits non-zero on a crash;
# the crashing input is kept in build/fuzz/artifacts/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
build=$root/build/fuzz
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DACPCTL_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
# The seed packages are made by an acpctl: ACPCTL_BIN (test.sh passes its own build's) or
# build/ci's. The fuzz build itself compiles only the package layer and the targets.
acpctl=${ACPCTL_BIN:-$root/build/ci/acpctl}
[ -x "$acpctl" ] || {
  echo "fuzz.sh: no acpctl to make the seed packages: build one (scripts/test.sh does) or set ACPCTL_BIN" >&2
  exit 2
}
cmake --build "$build" --target manifest_fuzz archive_fuzz -j "$(nproc)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/manifest" "$work/archive" "$work/def/bin" "$build/artifacts"
printf '#!/bin/sh\necho seed\n' >"$work/def/bin/seed"
chmod 755 "$work/def/bin/seed"
ln -s seed "$work/def/bin/seed-link"
cat >"$work/def/package.yaml" <<'YAML'
apiVersion: acpctl.alauda.io/v1alpha1
kind: Package
metadata: {name: seed}
spec:
  type: operator
  channel: stable
  version: "1.0.0"
  arch: ALL
  components:
    - name: seed
      version: "1.0.0"
      roles: [etcd]
      files:
        - path: bin/seed
        - path: bin/seed-link
      service:
        command: [bin/seed]
        environment: {A: "1"}
        healthCheck: {command: [bin/seed, --health]}
YAML
ASAN_OPTIONS=detect_leaks=0 "$acpctl" package build "$work/def" -o "$work/archive/seed.tgz" >/dev/null
ASAN_OPTIONS=detect_leaks=0 "$acpctl" package build "$work/def" -o "$work/archive/seed.tzst" >/dev/null
rm -f "$work"/archive/*.sha256
tar -xzf "$work/archive/seed.tgz" -C "$work" package.yaml
cp "$work/package.yaml" "$work/manifest/seed.yaml"
cp "$root/packages/core/package.yaml" "$work/manifest/core.yaml"
(cd "$work" && tar -cf "$work/archive/plain.tar" package.yaml)

# archive_fuzz keeps its scratch files under TMPDIR: inside $work, removed on exit.
export TMPDIR=$work
status=0
for target in manifest_fuzz archive_fuzz; do
  echo "== $target for ${seconds}s"
  rc=0
  ASAN_OPTIONS=detect_leaks=1 "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" \
    "$work/${target%_fuzz}" >"$work/$target.log" 2>&1 || rc=$?
  grep -E '^(Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)' "$work/$target.log" || true
  if [ "$rc" -ne 0 ]; then
    tail -40 "$work/$target.log" >&2
    echo "fuzz.sh: $target failed (exit $rc); inputs kept in $build/artifacts/" >&2
    status=1
  fi
done
exit $status
