#!/usr/bin/env bash
# Lab test of the SSH transport through `acpctl exec`, against real sshd hosts.
#   usage: transport_exec.sh ACPCTL_BINARY
# exec on every host (root, and the non-root `acp` whose sudo asks for a password); a wrong sudo
# password; a changed host key refused with both fingerprints and the line to remove; a wrong
# key refused at once, without retries; a node reached through a bastion; a host that is down
# gives its own error while the others succeed. Exit 77 (skipped) when not root.
set -euo pipefail
acpctl=$(readlink -f "${1:?usage: transport_exec.sh ACPCTL_BINARY}")
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/lib.sh"
lab_require_root

work=$(mktemp -d)
link_down=""
agent_pid=""
lab_cleanup_hook() {
  [ -z "$link_down" ] || ip link set "$link_down" up 2>/dev/null || true
  [ -z "$agent_pid" ] || kill "$agent_pid" 2>/dev/null || true
  rm -rf "$work"
}


lab_up 4
lab_config >"$work/lab.yaml"
"$acpctl" validate -f "$work/lab.yaml" >/dev/null || lab_fail "the lab config does not validate"

# 1. exec on all hosts; n4 logs in as `acp`.
# shellcheck disable=SC2016 # expanded on the host
"$acpctl" exec -f "$work/lab.yaml" -- sh -c 'echo "$(hostname) $(id -un)"' >"$work/out" 2>"$work/err" ||
  lab_fail "exec on all hosts failed: $(cat "$work/err")"
for x in 1 2 3; do has "$work/out" "[n$x] n$x root"; done
has "$work/out" "[n4] n4 acp"
has "$work/err" "HOST"
ok "exec runs on all 4 hosts, output prefixed per host, summary printed"

# 2. --sudo: root everywhere, also for `acp` whose sudo needs the password (fed on stdin).
"$acpctl" -vv --log-file "$work/log" exec -f "$work/lab.yaml" --sudo -- id -u >"$work/out" 2>"$work/err" ||
  lab_fail "exec --sudo failed: $(cat "$work/err")"
[ "$(grep -c '^\[n[1-4]\] 0$' "$work/out")" = 4 ] || lab_fail "not every host ran as root: $(cat "$work/out")"
password=$(cat "$LAB_SUDO_PASSWORD_FILE")
if grep -qF -- "$password" "$work/out" "$work/err" "$work/log"; then lab_fail "the sudo password reached the output or the log"; fi
has "$work/log" "sudo -k -S -p '' -- id -u"
ok "sudo with a password: the non-root user gets uid 0 like root; the password is in no output or log"

# stdin still reaches the command after the password.
printf 'line from stdin\n' >"$work/in"
"$acpctl" exec -f "$work/lab.yaml" --nodes n4 --sudo --stdin -- sh -c 'id -u; cat' <"$work/in" >"$work/out" 2>&1 ||
  lab_fail "sudo with stdin failed: $(cat "$work/out")"
has "$work/out" "[n4] 0"
has "$work/out" "[n4] line from stdin"
sed "s|password: {fromFile: .*}|password: {fromEnv: ACP_WRONG_SUDO}|" "$work/lab.yaml" >"$work/wrong-sudo.yaml"
ACP_WRONG_SUDO=not-the-password "$acpctl" exec -f "$work/wrong-sudo.yaml" --nodes n4 --sudo -- id -u \
  >"$work/out" 2>"$work/err" && lab_fail "a wrong sudo password was accepted"
has "$work/err" "sudo refused acp"
ok "a wrong sudo password is refused with a clear error"

# 3. A changed host key: n2's entry replaced by another key.
ssh-keygen -q -t ed25519 -N '' -f "$work/other_host_key"
line=$(grep -n "^$(lab_ip 2) " "$LAB_KNOWN_HOSTS" | cut -d: -f1)
[ -n "$line" ] || lab_fail "the lab's known_hosts has no plain entry for n2"
awk -v n="$line" -v key="$(cut -d' ' -f1,2 "$work/other_host_key.pub")" \
  'NR == n { print $1, key; next } { print }' "$LAB_KNOWN_HOSTS" >"$work/known_hosts"
sed "s|knownHosts: .*|knownHosts: $work/known_hosts|" "$work/lab.yaml" >"$work/changed.yaml"
for policy in strict accept-new; do
  sed -i "s|hostKeyPolicy: .*|hostKeyPolicy: $policy|" "$work/changed.yaml"
  "$acpctl" exec -f "$work/changed.yaml" --nodes n1,n2 -- true >"$work/out" 2>"$work/err" &&
    lab_fail "a changed host key was accepted ($policy)"
  offered=$(ssh-keygen -l -E sha256 -f <(lab_ssh n2 cat /etc/ssh/ssh_host_ed25519_key.pub) | cut -d' ' -f2)
  known=$(ssh-keygen -l -E sha256 -f "$work/other_host_key.pub" | cut -d' ' -f2)
  has "$work/err" "host key for n2 ($(lab_ip 2)) has changed"
  has "$work/err" "known ssh-ed25519 $known, offered ssh-ed25519 $offered"
  has "$work/err" "remove line $line of $work/known_hosts"
  grep -q '^n1 .* 0 ' "$work/err" || lab_fail "n1 should have succeeded: $(cat "$work/err")"
done
ok "a changed host key is refused (strict and accept-new) naming both fingerprints and line $line"

# 4. A key the hosts do not know: refused at once, no retries.
ssh-keygen -q -t ed25519 -N '' -f "$work/stranger"
sed "s|keyPath: .*|keyPath: $work/stranger|" "$work/lab.yaml" >"$work/wrong-key.yaml"
start=$(date +%s%N)
"$acpctl" exec -f "$work/wrong-key.yaml" --nodes n1 -- true >"$work/out" 2>"$work/err" &&
  lab_fail "a wrong key was accepted"
took_ms=$((($(date +%s%N) - start) / 1000000))
has "$work/err" "authentication as root on $(lab_ip 1):22 failed"
has "$work/err" "key $work/stranger: refused by the server"
if grep -q retrying "$work/err"; then lab_fail "an authentication failure was retried"; fi
[ "$took_ms" -lt 2000 ] || lab_fail "a refused key took ${took_ms} ms: was it retried?"
ok "a wrong key is refused in ${took_ms} ms without retries"

# 5. Bastion: n1 is the jump host for n2 and n3; sshd on n2 sees the connection come from n1.
awk -v ip="$(lab_ip 1)" -v key="$LAB_KEY" '
  { print }
  /^  ssh:/ { print "    bastion:\n      address: " ip "\n      user: root\n      keyPath: " key }' \
  "$work/lab.yaml" >"$work/bastion.yaml"
# shellcheck disable=SC2016 # expanded on the host
"$acpctl" exec -f "$work/bastion.yaml" --nodes n2,n3 -- sh -c 'echo "$(hostname) from ${SSH_CLIENT%% *}"' \
  >"$work/out" 2>"$work/err" || lab_fail "exec through the bastion failed: $(cat "$work/err")"
has "$work/out" "[n2] n2 from $(lab_ip 1)"
has "$work/out" "[n3] n3 from $(lab_ip 1)"
ok "n2 and n3 reached through bastion n1 (their sshd sees $(lab_ip 1) as the client)"

# 7. Other key types and ssh-agent: ecdsa with a passphrase from the environment, rsa (refused,
# with the reason), and the agent when no keyPath is set (HOME points to an empty dir, so no
# default key file helps).
ssh-keygen -q -t ecdsa -N 'pass phrase' -f "$work/id_ecdsa"
ssh-keygen -q -t rsa -b 3072 -N '' -f "$work/id_rsa"
ssh-keygen -q -t ed25519 -N '' -f "$work/id_agent"
cat "$work/id_ecdsa.pub" "$work/id_rsa.pub" "$work/id_agent.pub" | lab_ssh n1 sh -c 'cat >>/root/.ssh/authorized_keys'
sed "s|keyPath: .*|keyPath: $work/id_ecdsa\n    keyPassphrase: {fromEnv: ACP_KEY_PASS}|" "$work/lab.yaml" >"$work/ecdsa.yaml"
ACP_KEY_PASS='pass phrase' "$acpctl" exec -f "$work/ecdsa.yaml" --nodes n1 -- true >/dev/null 2>"$work/err" ||
  lab_fail "ecdsa key with passphrase refused: $(cat "$work/err")"
ACP_KEY_PASS='not-the-passphrase' "$acpctl" exec -f "$work/ecdsa.yaml" --nodes n1 -- true >/dev/null 2>"$work/err" &&
  lab_fail "ecdsa key accepted with a wrong passphrase"
has "$work/err" "wrong passphrase?"
sed "s|keyPath: .*|keyPath: $work/id_rsa|" "$work/lab.yaml" >"$work/rsa.yaml"
# libssh2 1.10 signs RSA with SHA-1, which this OpenSSH refuses: the error must say so.
"$acpctl" exec -f "$work/rsa.yaml" --nodes n1 -- true >/dev/null 2>"$work/err" &&
  lab_fail "an RSA key worked: libssh2 was upgraded; make this check expect success"
has "$work/err" "libssh2 1.10 signs RSA keys with SHA-1"
sed "/keyPath: /d" "$work/lab.yaml" >"$work/agent.yaml"
eval "$(ssh-agent -s)" >/dev/null
agent_pid=$SSH_AGENT_PID
ssh-add -q "$work/id_agent" 2>/dev/null
mkdir -p "$work/home"
HOME=$work/home "$acpctl" exec -f "$work/agent.yaml" --nodes n1 -- true >/dev/null 2>"$work/err" ||
  lab_fail "ssh-agent authentication failed: $(cat "$work/err")"
kill "$agent_pid"
agent_pid=""
unset SSH_AUTH_SOCK SSH_AGENT_PID
ok "ecdsa with a passphrase (a wrong one is named) and ssh-agent authenticate; an RSA key is refused with the reason"

# 6. A host that is down: its link cut. It gets its own error; the others succeed.
link_down=acpv3
ip link set "$link_down" down
start=$(date +%s%N)
"$acpctl" exec -f "$work/lab.yaml" -- hostname >"$work/out" 2>"$work/err" &&
  lab_fail "exec succeeded although n3 is down"
took_ms=$((($(date +%s%N) - start) / 1000000))
ip link set "$link_down" up
link_down=""
for x in 1 2 4; do has "$work/out" "[n$x] n$x"; done
has "$work/err" "n3: cannot connect to $(lab_ip 3):22"
grep -q "^n3 .* - " "$work/err" || lab_fail "the summary does not mark n3 as failed: $(cat "$work/err")"
ok "n3 down: a clear per-host error after ${took_ms} ms (with retries) while n1, n2, n4 succeed"
