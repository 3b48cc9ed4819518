# shellcheck shell=bash
# shellcheck disable=SC2034  # VIP_HOLDER, VIP_MOVED_MS are read by the scripts that source this
# VIP helpers shared by tests/lab/vip.sh and scripts/bench/ha.sh. Source after lib.sh and
# lab_up. They read hosts' addresses with `ip -n acplab-nX` (no SSH, so they can poll every
# 50 ms) and only touch the lab's own namespaces, links and recorded PIDs.
#
#   vip_holders [X...]        the hosts (n1 n2 ...) whose eth0 holds $VIP, among hosts X (default
#                             all but crashed ones)
#   vip_wait_moved FROM SECS  wait until one host other than FROM holds the VIP and it answers
#                             ping; sets VIP_HOLDER and VIP_MOVED_MS (ms since VIP_T0_NS);
#                             returns 1 after SECS
#   vip_crash X               simulate a crash of host nX: its link goes down (its kernel stops
#                             answering), then its PID 1 gets SIGKILL (every process dies)
#   now_ns                    nanoseconds since the epoch

VIP=${VIP:-10.88.0.100}
VIP_CRASHED=()
VIP_HOLDER=""
VIP_MOVED_MS=0
VIP_T0_NS=0

now_ns() { date +%s%N; }

vip_live_hosts() {
  local x c skip
  for ((x = 1; x <= LAB_N; x++)); do
    skip=0
    for c in "${VIP_CRASHED[@]}"; do [ "$c" = "$x" ] && skip=1; done
    [ "$skip" -eq 1 ] || echo "$x"
  done
}

vip_holders() {
  local x out holders=()
  # shellcheck disable=SC2046
  [ $# -gt 0 ] || set -- $(vip_live_hosts)
  for x in "$@"; do
    out=$(ip -n "acplab-n$x" -o -4 addr show dev eth0 2>/dev/null || true)
    if grep -qF " $VIP/" <<<"$out"; then holders+=("n$x"); fi
  done
  echo "${holders[*]}"
}

vip_answers() { ping -c1 -W1 "$VIP" >/dev/null 2>&1; }

vip_wait_moved() {
  local from=$1 secs=$2 deadline now h
  deadline=$(($(now_ns) + secs * 1000000000))
  while true; do
    h=$(vip_holders)
    if [ -n "$h" ] && [ "$h" != "$from" ] && [ "${h#* }" = "$h" ] && ping -c1 -W0.2 "$VIP" >/dev/null 2>&1; then
      now=$(now_ns)
      VIP_MOVED_MS=$(((now - VIP_T0_NS) / 1000000))
      VIP_HOLDER=$h
      return 0
    fi
    [ "$(now_ns)" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

vip_crash() {
  local x=$1 pid st
  ip link set "acpv$x" down
  read -r pid st <"$LAB_DIR/hosts/n$x/pid1"
  # The PID and its start time together identify the process lab.sh started.
  local stat
  if read -r stat 2>/dev/null <"/proc/$pid/stat" && [ "$(lab_stat_starttime "$stat")" = "$st" ]; then
    kill -KILL "$pid"
  fi
  VIP_CRASHED+=("$x")
}
