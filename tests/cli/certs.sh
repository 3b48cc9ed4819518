#!/usr/bin/env bash
# acpctl certs check / renew without any node: exit codes, JSON, files and their modes.
set -uo pipefail
acpctl=$1
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
export ACPCTL_HOME="$scratch/home"
passed=0; failed=0
check() { # check NAME WANT_CODE COMMAND...
  local name=$1 want=$2; shift 2
  "$@" >"$scratch/out" 2>"$scratch/err"; local got=$?
  if [ "$got" = "$want" ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: $name: exit $got, want $want"; cat "$scratch/out" "$scratch/err"; fi
}
contains() { # contains NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: $1: '$3' not in output:"; cat "$2"; fi
}
holds() { # holds NAME COMMAND...: COMMAND succeeds
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}
json() { # json NAME PYTHON-ASSERTIONS (d is the document on stdout)
  if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$scratch/out"; then
    passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; cat "$scratch/out"; fi
}

"$acpctl" init > "$scratch/cluster.yaml"
pki="$ACPCTL_HOME/clusters/global/pki"

check "certs without a subcommand" 2 "$acpctl" certs
check "check before any certificate" 1 "$acpctl" certs check -f "$scratch/cluster.yaml"
contains "missing in the table" "$scratch/out" "missing"
check "check json before" 1 "$acpctl" -o json certs check -f "$scratch/cluster.yaml"
json "all missing" 'c=d["certificates"]; assert d["schema"]==1 and d["type"]=="certificates" and len(c)==41 and {x["status"] for x in c}=={"missing"}, d'
holds "check writes nothing" test ! -e "$pki"
check "kubeconfig before any certificate" 2 "$acpctl" kubeconfig -f "$scratch/cluster.yaml"
contains "kubeconfig names the missing file" "$scratch/err" "$pki/ca.crt is missing"
holds "kubeconfig writes nothing then" test ! -e "$ACPCTL_HOME/clusters/global/admin.kubeconfig"

check "renew without a package issues locally" 0 "$acpctl" certs renew -f "$scratch/cluster.yaml"
contains "renew lists the CA" "$scratch/out" "Issued ca (missing)"
contains "renew says to apply" "$scratch/err" "acpctl apply -f"
check "check after renew" 0 "$acpctl" certs check -f "$scratch/cluster.yaml"
contains "table header" "$scratch/out" "NOT AFTER"
contains "server SANs" "$scratch/out" "DNS:cp-1,DNS:localhost,IP:127.0.0.1,IP:192.168.10.100,IP:192.168.10.11"

# acpctl kubeconfig: the admin kubeconfig (0600) for the VIP, acpctl's admin pair embedded;
# the key is never printed.
kc="$ACPCTL_HOME/clusters/global/admin.kubeconfig"
check "kubeconfig" 0 "$acpctl" kubeconfig -f "$scratch/cluster.yaml"
contains "kubeconfig says where" "$scratch/out" "$kc (mode 0600)"
holds "kubeconfig is 0600" test "$(stat -c %a "$kc")" = 600
holds "kubeconfig prints no key" test "$(grep -c 'PRIVATE KEY' "$scratch/out" "$scratch/err" | awk -F: '{s+=$2} END {print s}')" = 0
holds "kubeconfig embeds the CA, the admin pair and the VIP" python3 - "$kc" "$pki" "$scratch/cluster.yaml" <<'PY'
import base64, re, sys
text, pki, cfg = open(sys.argv[1]).read(), sys.argv[2], open(sys.argv[3]).read()
field = lambda k: re.search(k + r': "([^"]*)"', text).group(1)
vip = re.search(r"vip: *\"?([0-9.]+)", cfg).group(1)
assert field("server") == "https://%s:6443" % vip, field("server")
for key, name in (("certificate-authority-data", "ca.crt"), ("client-certificate-data", "admin.crt"),
                  ("client-key-data", "admin.key")):
    assert base64.b64decode(field(key)).decode() == open(pki + "/" + name).read(), key
assert field("current-context") != ""
PY
check "kubeconfig --path into a missing directory" 1 "$acpctl" kubeconfig -f "$scratch/cluster.yaml" --path "$scratch/none/admin.conf"
contains "the missing directory is named" "$scratch/err" "$scratch/none"
check "kubeconfig json" 0 "$acpctl" -o json kubeconfig -f "$scratch/cluster.yaml" --path "$scratch/k.conf"
json "kubeconfig json names path and server" 'assert d["schema"]==1 and d["path"].endswith("/k.conf") and d["server"].startswith("https://") and d["server"].endswith(":6443"), d'
holds "json's kubeconfig is 0600" test "$(stat -c %a "$scratch/k.conf")" = 600

check "check json after" 0 "$acpctl" -o json certs check -f "$scratch/cluster.yaml"
json "all ok with expiry" '
c={x["name"]: x for x in d["certificates"]}
assert all(x["status"]=="ok" for x in c.values()), c
assert c["ca"]["daysLeft"]==3649 and c["admin"]["daysLeft"]==364, c
assert c["etcd/cp-2-peer"]["node"]=="cp-2" and c["etcd/cp-2-peer"]["notAfter"].endswith("Z")
assert c["admin"]["subject"]=="acpctl-admin" and c["admin"]["node"] is None'
modes=$(stat -c '%a' "$pki"/ca.key "$pki"/admin.key "$pki"/etcd/*.key | sort -u | tr '\n' ' ')
holds "key modes 0600 ($modes)" test "$modes" = "600 "
holds "directory modes 0700" test "$(stat -c '%a' "$pki" "$pki/etcd" | sort -u)" = 700
holds "openssl verify" openssl verify -CAfile "$pki/ca.crt" -purpose sslserver "$pki/etcd/cp-3-server.crt" >/dev/null

sums=$(sha256sum "$pki"/*.* "$pki"/etcd/*)
check "renew again changes nothing" 0 "$acpctl" certs renew -f "$scratch/cluster.yaml"
contains "nothing to renew" "$scratch/out" "No certificate needed renewing."
check "dry run of a wide window" 0 "$acpctl" -o json certs renew -f "$scratch/cluster.yaml" --within 400 --dry-run
json "dry run lists every leaf" 'assert d["dryRun"] is True and len(d["renewed"])==39 and d["renewed"][0]["newNotAfter"] is None, d'
holds "dry run changes no file" test "$sums" = "$(sha256sum "$pki"/*.* "$pki"/etcd/*)"
check "renew --all" 0 "$acpctl" certs renew -f "$scratch/cluster.yaml" --all
contains "renew --all names a leaf" "$scratch/out" "Renewed etcd/cp-3-peer (renewal of every certificate), valid until"
holds "renew --all keeps the CA" test "$(sha256sum "$pki/ca.crt")" = "$(echo "$sums" | grep ' .*/pki/ca.crt$')"

sums=$(sha256sum "$pki"/*.* "$pki"/etcd/*)
check "renew with a missing package" 1 "$acpctl" certs renew -f "$scratch/cluster.yaml" --all --package "$scratch/nope.tgz" --yes
contains "missing package named" "$scratch/err" "nope.tgz"
holds "a bad package changes no certificate" test "$sums" = "$(sha256sum "$pki"/*.* "$pki"/etcd/*)"

echo garbage > "$pki/ca.crt"
check "check with a corrupt CA" 1 "$acpctl" -o json certs check -f "$scratch/cluster.yaml"
json "corrupt CA is invalid" 'c=d["certificates"][0]; assert c["name"]=="ca" and c["status"]=="invalid" and c["problem"], c'
check "renew with a corrupt CA" 2 "$acpctl" certs renew -f "$scratch/cluster.yaml"
contains "corrupt CA named" "$scratch/err" "$pki/ca.crt is not a PEM certificate"

printf '  pki:\n    caCertFile: ca.pem\n' >> "$scratch/cluster.yaml"
check "half a user CA" 2 "$acpctl" certs check -f "$scratch/cluster.yaml"
contains "half a user CA position" "$scratch/err" "cluster.yaml:$(wc -l < "$scratch/cluster.yaml"):5: spec.pki needs both"

echo "certs: $passed passed, $failed failed"
[ "$failed" = 0 ]
