# shellcheck shell=bash
# Sourced by scripts/lab.sh: `lab.sh down` — stop every host by its recorded PID and remove
# all the lab made. Uses lab.sh's constants and helpers.
# ---------------------------------------------------------------------------------------------
# down

cmd_down() {
  require_root down
  safety_route
  local t0 dir h
  t0=$(now_ms)
  dir=$(running_dir)
  local records=() cgroups=()
  if [ -n "$dir" ] && [ -d "$dir/hosts" ]; then
    for h in "$dir"/hosts/n*; do
      [ -d "$h" ] || continue
      stop_host "$h" &
      records+=("$(cat "$h/unshare.pid" "$h/pid1" 2>/dev/null || true)")
      [ ! -f "$h/cgroups" ] || mapfile -t -O "${#cgroups[@]}" cgroups <"$h/cgroups"
    done
    wait
  fi
  # Namespaces, links and processes by our names, also when the lab dir is lost.
  local ns
  for ns in $(ip netns list | awk '{print $1}' | grep "^$k_netns_prefix" || true); do
    kill_netns_pids "$ns"
    ip netns del "$ns" 2>/dev/null || true
  done
  local link
  for link in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' |
    grep -E "^${k_veth_prefix}[0-9]+\$" || true); do
    ip link del "$link" 2>/dev/null || true
  done
  ip link del "$k_bridge" 2>/dev/null || true
  if [ -n "$dir" ]; then remove_dir "$dir"; fi
  wait_reaped "${records[@]}"
  remove_cgroups "${cgroups[@]}"
  log "down in $(($(now_ms) - t0)) ms"
}

# The hosts' cgroups (lab.sh start_host), given as arguments, or without any, every acplab-nX
# cgroup below this process's own (a lab whose dir is lost); with the containers' cgroups inside
# them, deepest first. A cgroup can go once its last process has exited, a moment after SIGKILL.
remove_cgroups() {
  local cgroups=("$@") fs opts mp cg i left
  if [ ${#cgroups[@]} -eq 0 ]; then
    while read -r fs opts mp cg; do
      [ "$cg" = - ] && continue
      for cg in "$cg/$k_netns_prefix"n*; do [ ! -d "$cg" ] || cgroups+=("$cg"); done
    done < <(cgroup_layout)
  fi
  for ((i = 0; i < 100; i++)); do
    left=()
    for cg in "${cgroups[@]}"; do [ ! -d "$cg" ] || left+=("$cg"); done
    [ ${#left[@]} -eq 0 ] && return 0
    # One rmdir when no container left cgroups inside; otherwise the whole trees.
    rmdir "${left[@]}" 2>/dev/null || find "${left[@]}" -depth -type d -exec rmdir {} + 2>/dev/null || true
    cgroups=("${left[@]}")
    [ "$i" -eq 0 ] || sleep 0.02
  done
  log "cgroups still in use: ${left[*]}"
}

# HUP makes runsvdir stop every service and exit; as the host's PID 1 its exit ends every process
# in the host. `unshare --fork` ignores SIGTERM, so a host that does not stop in time gets SIGKILL.
stop_host() {
  local h=$1 i
  if recorded_alive "$h/pid1"; then kill -HUP "$(cut -d' ' -f1 "$h/pid1")" 2>/dev/null || true; fi
  for ((i = 0; i < 150; i++)); do
    recorded_alive "$h/unshare.pid" || recorded_alive "$h/pid1" || return 0
    sleep 0.02
  done
  local f
  for f in "$h/pid1" "$h/unshare.pid"; do
    if recorded_alive "$f"; then kill -KILL "$(cut -d' ' -f1 "$f")" 2>/dev/null || true; fi
  done
  for ((i = 0; i < 100; i++)); do
    recorded_alive "$h/unshare.pid" || recorded_alive "$h/pid1" || return 0
    sleep 0.02
  done
  log "host $(basename "$h") did not stop"
}

# True once the process recorded as PID STARTTIME no longer exists, not even as a zombie.
gone() {
  [ "$(starttime "$1")" != "$2" ]
}

# The hosts' unshare processes were orphaned when `up` returned, so the machine's init reaps them,
# in its own time (here up to ~2 s): wait for that, so `down` leaves no trace in `ps`. Arguments:
# lines "PID STARTTIME".
wait_reaped() {
  local i busy pid st
  for ((i = 0; i < 250; i++)); do
    busy=0
    while read -r pid st; do
      if [ -n "$pid" ] && ! gone "$pid" "$st"; then busy=1; fi
    done <<<"$(printf '%s\n' "$@")"
    [ "$busy" -eq 0 ] && return 0
    sleep 0.02
  done
  log "some lab processes are dead but not yet reaped by init (zombies)"
}

# Fallback for a lab whose PID records are lost: whatever still runs in one of our namespaces was
# started by the lab.
kill_netns_pids() {
  local pids
  pids=$(ip netns pids "$1" 2>/dev/null || true)
  [ -z "$pids" ] && return 0
  # shellcheck disable=SC2086  # one PID per word
  kill -KILL $pids 2>/dev/null || true
  sleep 0.1
}

remove_dir() {
  local dir=$1 m
  # Host mounts live in the hosts' own mount namespaces and die with them; this catches anything
  # that leaked into the root namespace.
  awk -v d="$dir" '$2 == d || index($2, d "/") == 1 {print $2}' /proc/self/mounts | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
  # Only a directory that up created (it has the state file) is removed as a whole.
  if [ -f "$dir/state" ]; then rm -rf "$dir"; fi
}

# ---------------------------------------------------------------------------------------------
