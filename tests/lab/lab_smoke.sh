#!/usr/bin/env bash
# Lab smoke test: scripts/lab.sh gives real, separate SSH hosts and leaves nothing behind.
#   usage: lab_smoke.sh ACPCTL_BINARY
# For 3 hosts (and then 5): every host answers over OpenSSH with strict host key checking and its
# own hostname, files are private to a host, `acp` needs its sudo password and `ops` does not,
# `lab.sh config` passes `acpctl validate`, and after `down` no namespace, link, mount, process or
# file of the lab remains. Exit 77 (skipped) when not root.
set -euo pipefail
acpctl=$(readlink -f "${1:?usage: lab_smoke.sh ACPCTL_BINARY}")
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/lib.sh"
lab_require_root

work=$(mktemp -d)
lab_cleanup_hook() { rm -rf "$work"; }

check() {
  local what=$1
  shift
  if ! "$@"; then lab_fail "$what"; fi
  echo "ok: $what"
}

# Each host answers with its own name, and its address is the one the config names.
check_hostnames() {
  local x name
  for ((x = 1; x <= LAB_N; x++)); do
    name=$(lab_ssh "n$x" hostname) || lab_fail "ssh root@$(lab_ip "$x") failed"
    [ "$name" = "n$x" ] || lab_fail "$(lab_ip "$x") says it is '$name', expected n$x"
  done
  echo "ok: $LAB_N hosts answer over ssh with their own hostname"
}

# The plain OpenSSH client, as a user would call it; a wrong known_hosts must be refused.
check_openssh_strict() {
  ssh -i "$LAB_KEY" -o UserKnownHostsFile="$LAB_KNOWN_HOSTS" -o StrictHostKeyChecking=yes \
    -o BatchMode=yes root@10.88.0.11 hostname >"$work/out" || lab_fail "plain ssh to n1 failed"
  [ "$(cat "$work/out")" = n1 ] || lab_fail "plain ssh to 10.88.0.11 reached '$(cat "$work/out")'"
  # n2's key under n1's address: strict checking must refuse to connect.
  sed -n 2p "$LAB_KNOWN_HOSTS" | sed "s/^[^ ]*/$(lab_ip 1)/" >"$work/wrong_known_hosts"
  if ssh -i "$LAB_KEY" -o UserKnownHostsFile="$work/wrong_known_hosts" \
    -o StrictHostKeyChecking=yes -o BatchMode=yes root@10.88.0.11 true 2>/dev/null; then
    lab_fail "ssh accepted n1 although known_hosts holds another key for it"
  fi
  ssh -i "$LAB_KEY" -o UserKnownHostsFile="$LAB_DIR/known_hosts.hashed" \
    -o StrictHostKeyChecking=yes -o BatchMode=yes root@10.88.0.12 hostname >"$work/out" ||
    lab_fail "the hashed known_hosts does not work"
  [ "$(cat "$work/out")" = n2 ] || lab_fail "ssh to 10.88.0.12 reached '$(cat "$work/out")'"
  echo "ok: strict host key checking accepts the lab's known_hosts (plain and hashed), refuses a wrong key"
}

check_private_files() {
  local token
  token=$RANDOM$RANDOM
  lab_ssh n1 sh -c "echo $token >/root/only-on-n1 && echo $token >/var/lib/only-on-n1 && echo $token >/tmp/only-on-n1"
  [ "$(lab_ssh n1 cat /root/only-on-n1)" = "$token" ] || lab_fail "n1 lost its own file"
  if lab_ssh n2 ls /root/only-on-n1 /var/lib/only-on-n1 /tmp/only-on-n1 2>/dev/null; then
    lab_fail "a file written on n1 is visible on n2"
  fi
  if [ -e /root/only-on-n1 ] || [ -e /var/lib/only-on-n1 ]; then
    lab_fail "a file written on n1 appeared on this machine"
  fi
  if lab_ssh n2 ls "$LAB_DIR/id_ed25519" 2>/dev/null; then lab_fail "a host can see the lab dir"; fi
  # A new host's /root holds only what the lab put there, nothing of the machine's /root.
  [ "$(lab_ssh n2 ls -A /root | tr '\n' ' ')" = ".bashrc .profile .ssh " ] ||
    lab_fail "n2's /root is not fresh: $(lab_ssh n2 ls -A /root | tr '\n' ' ')"
  echo "ok: files written on n1 exist only on n1; hosts see neither the lab dir nor the machine's /root"
}

check_sudo() {
  local last=n$LAB_N ops=n$((LAB_N - 1))
  [ "$(lab_ssh "acp@$last" id -un)" = acp ] || lab_fail "acp cannot log in to $last"
  if lab_ssh "acp@$last" sudo -n true 2>/dev/null; then
    lab_fail "acp got sudo without a password"
  fi
  if echo wrong-password | lab_ssh "acp@$last" sudo -S -k -p '' true 2>/dev/null; then
    lab_fail "acp got sudo with a wrong password"
  fi
  [ "$(lab_ssh "acp@$last" sudo -S -k -p '' id -u <"$LAB_SUDO_PASSWORD_FILE")" = 0 ] ||
    lab_fail "acp's sudo with the lab's password failed"
  [ "$(stat -c %a "$LAB_SUDO_PASSWORD_FILE")" = 600 ] || lab_fail "sudo-password is not mode 0600"
  [ "$(lab_ssh "ops@$ops" sudo -n id -u)" = 0 ] || lab_fail "ops's NOPASSWD sudo failed on $ops"
  if lab_ssh "acp@n1" true 2>/dev/null; then lab_fail "acp exists on n1 too"; fi
  echo "ok: acp@$last sudo needs the password (wrong and missing refused); ops@$ops sudo without"
}

check_config() {
  local cp=$1
  lab_config >"$work/cluster.yaml"
  "$acpctl" validate -f - <"$work/cluster.yaml" >/dev/null ||
    lab_fail "acpctl validate rejected lab.sh config: $(cat "$work/cluster.yaml")"
  [ "$(grep -c 'roles: \[control-plane, etcd\]' "$work/cluster.yaml")" -eq "$cp" ] ||
    lab_fail "expected $cp control-plane+etcd nodes in the config"
  grep -q "vip: 10.88.0.100" "$work/cluster.yaml" || lab_fail "config has no VIP 10.88.0.100"
  echo "ok: lab.sh config passes acpctl validate ($cp control-plane+etcd nodes)"
}

check_runit() {
  [[ $(lab_ssh n1 sv status sshd) == "run: sshd:"* ]] || lab_fail "sshd is not a runit service on n1"
  [ "$(lab_ssh n1 cat /proc/1/comm)" = runsvdir ] || lab_fail "PID 1 of n1 is not runsvdir"
  echo "ok: runsvdir is PID 1 and supervises sshd"
}

check_network_safety() {
  # The hosts reach each other, and nothing else (no default route).
  lab_ssh n1 bash -c "exec 3<>/dev/tcp/$(lab_ip 2)/22" || lab_fail "n1 cannot reach n2:22"
  [ -z "$(lab_ssh n1 ip route show default)" ] || lab_fail "n1 has a default route"
  echo "ok: hosts reach each other and have no default route"
}

echo "== lab up 3"
t0=$(date +%s%N)
lab_up 3
echo "up 3: $((($(date +%s%N) - t0) / 1000000)) ms"
check_hostnames
check_openssh_strict
check_private_files
check_sudo
check_runit
check_network_safety
check_config 3
bash "$LAB_SH" status
t0=$(date +%s%N)
lab_down
echo "down: $((($(date +%s%N) - t0) / 1000000)) ms"
check "nothing of the 3-host lab remains" lab_assert_clean
# A second down must be harmless, but `down` stops whatever lab is up: skip this check if another
# worktree's test brought one up meanwhile.
if bash "$LAB_SH" dir >/dev/null 2>&1; then
  echo "skip: another lab is up; not checking a second down"
else
  check "down is safe when nothing is up" bash "$LAB_SH" down
fi
check "the safety route stays after down" sh -c "ip route show | grep -q '^unreachable 10.88.0.0/16'"

echo "== lab up 5"
LAB_RECORDED_PIDS=()
t0=$(date +%s%N)
lab_up 5
echo "up 5: $((($(date +%s%N) - t0) / 1000000)) ms"
check_hostnames
check_config 5
lab_down
check "nothing of the 5-host lab remains" lab_assert_clean
echo "PASS"
