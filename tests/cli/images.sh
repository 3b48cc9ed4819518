#!/usr/bin/env bash
# acpctl images push/list without any registry reached: the argument checks that come before
# the network. Plain HTTP never carries spec.registry's password off this machine; --plain
# needs --registry; --registry must be host:port; a package is required. (Pushing itself is
# tested against real registries in tests/lab/images.sh and tests/lab/oci_client.sh.) The one
# address named, 0.0.0.0, is this machine: nothing here can reach another host.
set -uo pipefail
acpctl=$(realpath "$1")
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"
export ACPCTL_HOME="$scratch/home" ACP_REGISTRY_PASSWORD=s3cr3t-Pa55
no_password() { # no_password NAME: the password is in neither output
  if grep -qF "$ACP_REGISTRY_PASSWORD" "$scratch/out" "$scratch/err"; then
    fail "$1: the password was printed"
  else pass; fi
}

cd "$scratch" || exit 1
"$acpctl" init >cluster.yaml
"$acpctl" package keygen -o k >/dev/null
mkdir -p def/bin && printf '#!/bin/sh\necho x\n' >def/bin/x && chmod 755 def/bin/x
cat >def/package.yaml <<'YAML'
apiVersion: acpctl.alauda.io/v1alpha1
kind: Package
metadata: {name: tiny}
spec:
  type: operator
  channel: stable
  version: "1.0.0"
  arch: ALL
  components:
    - name: x
      version: "1.0.0"
      roles: [control-plane]
      files:
        - path: bin/x
YAML
mkdir -p pkgs
if ! "$acpctl" package build def -o pkgs --sign-key k.key >/dev/null; then
  echo "FAIL: package build"
  exit 1
fi
pkg=$(ls pkgs/*.tgz)
push=("$acpctl" images push -f cluster.yaml --package "$pkg" --key k.pub)

check "plain HTTP with the password to another machine" 2 "${push[@]}" --registry 0.0.0.0:5000 --plain
contains "the refusal names the registry" "$scratch/err" "clear text to 0.0.0.0:5000"
contains "the refusal says what to do" "$scratch/err" "use TLS"
no_password "plain refusal"
check "--plain without --registry" 2 "${push[@]}" --plain
contains "--plain needs --registry" "$scratch/err" "--plain needs --registry"
check "--registry that is not host:port" 2 "${push[@]}" --registry "not a host"
contains "the bad --registry is named" "$scratch/err" "--registry not a host is not host:port"
check "push without a package" 2 "$acpctl" images push -f cluster.yaml
check "list without a package" 2 "$acpctl" images list -f cluster.yaml

finish images
