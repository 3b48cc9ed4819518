#!/usr/bin/env bash
# acpctl package, as a user runs it: keygen, build, show, verify, unpack, and the exit codes of
# a tampered package, a wrong key and a hostile unpack target.
set -uo pipefail
acpctl=$(realpath "$1")
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$scratch" || exit 1
mkdir -p def/bin
printf '#!/bin/sh\necho hi\n' >def/bin/hi; chmod 755 def/bin/hi
cat >def/package.yaml <<'YAML'
apiVersion: acpctl.alauda.io/v1alpha1
kind: Package
metadata: {name: hello}
spec:
  type: operator
  channel: stable
  version: "2.1.0"
  arch: ALL
  components:
    - {name: hello, version: "2.1.0", roles: [worker], files: [{path: bin/hi}]}
YAML
check "keygen" 0 "$acpctl" package keygen -o k
check "keygen refuses to overwrite" 1 "$acpctl" package keygen -o k
"$acpctl" package keygen -o other >/dev/null
mkdir pkgs
check "build" 0 "$acpctl" package build def -o pkgs --sign-key k.key
pkg=pkgs/hello.stable.ALL.v2.1.0.tgz
contains "ACP operator name" "$scratch/out" "$pkg"
check "sha256sum -c reads the sidecar" 0 bash -c "cd pkgs && sha256sum -c hello.stable.ALL.v2.1.0.tgz.sha256"
check "show" 0 "$acpctl" package show "$pkg"
contains "show type" "$scratch/out" "operator"
check "show json" 0 "$acpctl" -o json package show "$pkg" --all
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["manifest"]["components"][0]["files"][0]["path"] == "bin/hi"' "$scratch/out" \
  && pass || fail "show json"
check "verify with key" 0 "$acpctl" package verify "$pkg" --key k.pub --require-checksum
check "verify with another key" 1 "$acpctl" package verify "$pkg" --key other.pub
contains "wrong key says signature" "$scratch/err" "signature"
check "unpack" 0 "$acpctl" package unpack "$pkg" -C dest --key k.pub
check "unpacked file runs" 0 dest/bin/hi
check "unpack into a non-empty dir" 1 "$acpctl" package unpack "$pkg" -C dest
cp "$pkg" tampered.tgz; cp "$pkg.sig" tampered.tgz.sig; cp "$pkg.sha256" tampered.tgz.sha256
printf '\x00' | dd of=tampered.tgz bs=1 seek=40 conv=notrunc status=none
check "tampered package fails" 1 "$acpctl" package verify tampered.tgz --key k.pub
check "unpack of tampered package fails" 1 "$acpctl" package unpack tampered.tgz -C dest2
[ ! -e dest2 ] && pass || fail "dest2 exists"
check "bad --max-size" 2 "$acpctl" package verify "$pkg" --max-size lots
check "not a package" 2 "$acpctl" package show def/package.yaml
finish package
