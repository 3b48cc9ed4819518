#!/usr/bin/env bash
# The lab: N real test hosts on this machine, each a network namespace plus its own mount, PID and
# UTS namespaces, an overlay filesystem, OpenSSH's sshd and runit as PID 1 (see
# shared design lab.md). acpctl's lab tests and the demo use it through tests/lab/lib.sh.
#
#   lab.sh up [N]   start N hosts n1..nN (default 3) at 10.88.0.(10+X); refuses if a lab is up
#   lab.sh down     stop every host and remove all the lab made; safe when nothing is up
#   lab.sh status   hosts, their PID 1, whether sshd answers, runit services
#   lab.sh config   print a cluster.yaml for the running lab (acpctl validate accepts it)
#   lab.sh dir      print the running lab's directory (keys, known_hosts, sudo and VRRP passwords)
#   lab.sh exec nX [CMD...]  run CMD (default: bash) inside host nX without SSH, for debugging
#
# Network safety: traffic may only reach loopback or the lab's namespaces. Every command first
# installs `unreachable 10.88.0.0/16` in the root namespace and leaves it there, so a test that
# aims at a lab address while no lab is up fails at once instead of leaving through the gateway.
# Hosts have no default route.
#
# Accounts: root logs in by key everywhere. The last host also has `acp` (key login, sudo that
# asks for the password in <lab>/sudo-password); with 2 or more hosts the one before it has `ops`
# (key login, NOPASSWD sudo). The same client key <lab>/id_ed25519 opens every account.
#
# Services: sshd runs under runit (/etc/service/sshd); later stages add services by creating
# /etc/service/.NAME, then renaming it to /etc/service/NAME (runsvdir rescans every 5 s).
#
# Containers: a host can run containerd and runc. It has its own cgroup (acplab-nX below the
# caller's cgroup in every hierarchy) as the root of its own cgroup namespace, with the machine's
# hierarchies mounted again under /sys/fs/cgroup, so containers' cgroups stay inside the host's
# and two hosts never share one; `down` removes those cgroups. /var/lib/containerd is a bind of
# <lab>/hosts/nX/containerd, a real directory (containerd's overlay snapshots cannot live on the
# host's /var overlay).
set -euo pipefail

readonly k_bridge=acpbr0
readonly k_subnet=10.88.0.0/16
readonly k_prefix=10.88.0
readonly k_netns_prefix=acplab-   # namespaces acplab-n1..; prefixed so they clash with nothing
readonly k_veth_prefix=acpv       # root-namespace end of host X's veth pair: acpvX
readonly k_alias_tag=acpctl-lab:  # the bridge's alias records the lab dir: "acpctl-lab:<dir>"
readonly k_max_hosts=20
# Overlaid per host (upper dir per host, lower = the live root fs): a host sees the machine's
# installed packages and writes only to its own upper dir.
readonly k_overlay_dirs=(etc opt var usr srv)
# Private per host and empty at start: /root and /home are not overlays of the machine's, whose
# home dirs hold the machine's own credentials and caches (a new host has none). /tmp is private
# too and /run is a tmpfs. Everything else (/work, /mnt, /dev ...) is shared with the machine:
# the lab isolates tests from each other, it is no security boundary (hosts run as real root).
readonly k_private_dirs=(root home tmp)
# Default lab dir. /var/tmp is on the root disk (room for uploads of GiB-sized packages) and
# outside /tmp, /run, /root and /home, which hosts replace.
# Overlayfs accepts an upper dir inside its own lower tree (Linux checks only that no layer sits
# inside an upper/work dir), so per-host upper dirs under /var/tmp work for the /var overlay;
# host-init mounts the overlay that contains the lab dir last and then hides the lab dir inside
# the host, so no host sees another's files or the client key.
readonly k_default_dir=/var/tmp/acpctl-lab
# runsvdir's service directory inside a host: runit's default SVDIR, so `sv status sshd` works.
readonly k_svdir=/etc/service

self=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source=scripts/lab/host_init.sh
source "${self%/*}/lab/host_init.sh"
# shellcheck source=scripts/lab/down.sh
source "${self%/*}/lab/down.sh"

log() { printf 'lab: %s\n' "$*" >&2; }
die() {
  printf 'lab: %s\n' "$*" >&2
  exit 1
}

require_root() {
  [ "$(id -u)" -eq 0 ] ||
    die "run as root; the lab needs CAP_NET_ADMIN and CAP_SYS_ADMIN (try: sudo $0 $*)"
}

# Always first: see "Network safety" above.
safety_route() { ip route replace unreachable "$k_subnet"; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat): with the PID it
# identifies a process, so `down` never signals a stranger that reused a recorded PID.
starttime() {
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat_starttime "$stat"
}

# Field 22 of a /proc/PID/stat line; the fields after "(comm) " start at field 3.
stat_starttime() {
  local -a f
  read -r -a f <<<"${1##*) }"
  echo "${f[19]}"
}

# True while the process recorded as "PID STARTTIME" in file $1 is alive and not a zombie.
recorded_alive() {
  local pid st now state
  [ -s "$1" ] || return 1
  read -r pid st <"$1"
  now=$(starttime "$pid") || return 1
  [ "$now" = "$st" ] || return 1
  read -r state 2>/dev/null <"/proc/$pid/stat" || return 1
  state=${state##*) }
  [ "${state%% *}" != Z ]
}

record_pid() { echo "$1 $(starttime "$1")" >"$2"; }

# The running lab's directory, from the bridge's alias (so `down` finds the lab whatever
# ACPCTL_LAB_DIR says now); empty when no lab is up.
running_dir() {
  local alias
  alias=$(cat "/sys/class/net/$k_bridge/ifalias" 2>/dev/null) || return 0
  [ "${alias#"$k_alias_tag"}" != "$alias" ] && echo "${alias#"$k_alias_tag"}"
  return 0
}

need_running_dir() {
  local dir
  dir=$(running_dir)
  if [ -z "$dir" ] || [ ! -f "$dir/state" ]; then die "no lab is up; start one with: $0 up 3"; fi
  echo "$dir"
}

host_ip() { echo "$k_prefix.$((10 + $1))"; }

# ---------------------------------------------------------------------------------------------
# up

check_lab_dir() {
  local dir=$1
  case $dir in
    /*) ;;
    *) die "ACPCTL_LAB_DIR=$dir is not an absolute path" ;;
  esac
  case $dir/ in
    / | /tmp/* | /run/* | /var/run/* | /root/* | /home/* | /proc/* | /sys/* | /dev/*)
      die "ACPCTL_LAB_DIR=$dir: hosts get their own /tmp, /run, /root and /home, so the lab" \
        "dir must live elsewhere (default $k_default_dir)" ;;
  esac
  # Host paths go into a host's fstab and overlayfs options, where blanks, commas and colons
  # would split them.
  [[ $dir =~ ^[A-Za-z0-9._/+-]+$ ]] ||
    die "ACPCTL_LAB_DIR=$dir: use only letters, digits and . _ / + - in the lab dir's path"
  [ ! -e "$dir" ] || die "$dir already exists; run '$0 down' or remove it"
}

# Roles for the HA stages: 1, 3 or 5 control-plane+etcd nodes (etcd needs an odd count).
cp_count() {
  local n=$1
  if [ "$n" -ge 5 ]; then echo 5; elif [ "$n" -ge 3 ]; then echo 3; else echo 1; fi
}

cmd_up() {
  local n=${1:-3}
  if ! [[ $n =~ ^[0-9]+$ ]] || [ "$n" -lt 1 ] || [ "$n" -gt "$k_max_hosts" ]; then
    die "up: N must be a number from 1 to $k_max_hosts, got '$n'"
  fi
  require_root up "$@"
  safety_route
  local t0 dir
  t0=$(now_ms)
  dir=${ACPCTL_LAB_DIR:-$k_default_dir}
  # Exit 75 (EX_TEMPFAIL) says "busy": tests/lab/lib.sh then waits for the other lab to go.
  if [ -n "$(running_dir)" ]; then
    log "a lab is already up in $(running_dir); run '$0 down' first"
    exit 75
  fi
  check_lab_dir "$dir"
  # Creating the bridge is the lock: a second `up` fails here and touches nothing.
  if ! ip link add "$k_bridge" type bridge 2>/dev/null; then
    log "bridge $k_bridge exists: a lab is up or was left behind; run '$0 down' first"
    exit 75
  fi
  ip link set "$k_bridge" alias "$k_alias_tag$dir"
  # From here on a failure leaves parts behind: tear them down before reporting it.
  trap up_failed EXIT
  ip addr add "$k_prefix.1/24" dev "$k_bridge"
  ip link set "$k_bridge" up

  install -d -m 0700 "$dir" "$dir/hosts"
  printf 'hosts=%s\ncreated=%s\n' "$n" "$(date -u +%FT%TZ)" >"$dir/state"
  ssh-keygen -q -t ed25519 -N '' -C acpctl-lab -f "$dir/id_ed25519"
  # 24 random letters and digits: the sudo password of `acp`, new for every lab. (A finite read:
  # `tr </dev/urandom | head` would end in SIGPIPE, fatal under pipefail.)
  local pw
  pw=$(head -c 600 /dev/urandom | tr -dc 'A-Za-z0-9')
  (umask 077 && echo "${pw:0:24}" >"$dir/sudo-password" &&
    openssl passwd -6 -stdin <"$dir/sudo-password" >"$dir/sudo-password.hash")
  # The VRRP password of the lab's VIP: 8 characters, all that keepalived's PASS auth uses.
  (umask 077 && echo "${pw:24:8}" >"$dir/vrrp-password")
  cgroup_layout >"$dir/cgroups"

  local x
  for ((x = 1; x <= n; x++)); do
    start_host "$dir" "$x" "$n"
  done
  wait_hosts "$dir" "$n"
  write_known_hosts "$dir" "$n"
  trap - EXIT
  log "up: $n hosts in $(($(now_ms) - t0)) ms; lab dir $dir"
  log "try: ssh -i $dir/id_ed25519 -o UserKnownHostsFile=$dir/known_hosts root@$(host_ip 1) hostname"
}

up_failed() {
  local rc=$?
  [ "$rc" -eq 0 ] && return 0
  log "up failed; tearing down what it made"
  cmd_down >/dev/null 2>&1 || true
  exit "$rc"
}

# The cgroup mounts below /sys/fs/cgroup here, one a line: "FSTYPE OPTIONS MOUNTPOINT DIR", DIR
# being this process's cgroup in that hierarchy ("-" for the tmpfs holding the hierarchies, or
# when the cgroup lies outside the mount). Hosts mount the same hierarchies, and their cgroups
# go below DIR: inside the caller's memory limit, not beside it.
cgroup_layout() {
  awk 'FNR == NR {
      i = index($0, ":"); rest = substr($0, i + 1); j = index(rest, ":")
      ctrls = substr(rest, 1, j - 1); path = substr(rest, j + 1)
      if (ctrls == "") { v2 = path } else { k = split(ctrls, c, ","); while (k) cg[c[k--]] = path }
      next
    }
    $5 == "/sys/fs/cgroup" || index($5, "/sys/fs/cgroup/") == 1 {
      for (s = 7; $s != "-"; s++) {}
      fs = $(s + 1); mp = $5; root = $4; opts = ""; path = ""
      if (fs == "tmpfs") { print "tmpfs mode=0755,size=64k " mp " -"; next }
      if (fs == "cgroup2") { opts = "defaults"; path = v2 }
      else if (fs == "cgroup") {
        k = split($(s + 3), o, ",")
        for (i = 1; i <= k; i++) if (o[i] in cg) { opts = opts (opts == "" ? "" : ",") o[i]; path = cg[o[i]] }
        if (opts ~ /^name=[^,]*$/) opts = "none," opts
      }
      if (opts == "") next
      if (path == "" || index(path "/", (root == "/" ? "" : root) "/") != 1) { d = "-" }
      else { d = mp substr(path, (root == "/" ? 1 : length(root) + 1)); sub(/\/$/, "", d) }
      print fs, opts, mp, d
    }' /proc/self/cgroup /proc/self/mountinfo
}

start_host() {
  local dir=$1 x=$2 n=$3
  local name=n$x ns=$k_netns_prefix"n$x" veth=$k_veth_prefix$x h=$dir/hosts/n$x ip
  local fs opts mp cg f v cgroups=()
  ip=$(host_ip "$x")
  # The host's cgroups: acplab-nX below the caller's in every hierarchy, recorded for `down`.
  # Best effort: a host without them still runs everything but containers.
  while read -r fs opts mp cg; do
    [ "$cg" = - ] || cgroups+=("$cg/$ns")
  done <"$dir/cgroups"
  # Two `ip -batch` runs instead of six `ip` processes: up time is mostly process start-up.
  printf '%s\n' "netns add $ns" "link add $veth type veth peer name eth0 netns $ns" \
    "link set $veth master $k_bridge up" | ip -batch -
  printf '%s\n' "addr add $ip/24 dev eth0" "link set eth0 up" "link set lo up" |
    ip -n "$ns" -batch -
  mkdir -p "${k_overlay_dirs[@]/#/$h/upper/}" "${k_overlay_dirs[@]/#/$h/work/}" \
    "${k_private_dirs[@]/#/$h/}" "$h/containerd"
  if [ ${#cgroups[@]} -gt 0 ]; then
    printf '%s\n' "${cgroups[@]}" >"$h/cgroups"
    mkdir -p "${cgroups[@]}" 2>/dev/null || true
    # A new cpuset cgroup has no CPUs and no memory nodes, and takes no process until given some.
    for cg in "${cgroups[@]}"; do
      [ -f "$cg/cpuset.cpus" ] || continue
      for f in cpuset.cpus cpuset.mems; do
        { read -r v <"${cg%/*}/$f" && echo "$v" >"$cg/$f"; } 2>/dev/null || true
      done
    done
  fi
  # A merged directory takes the upper dir's mode; the private ones get the usual modes.
  chmod 0755 "${k_overlay_dirs[@]/#/$h/upper/}" "$h/home"
  chmod 0700 "$h/root"
  chmod 1777 "$h/tmp"
  # setsid: the host outlives this shell and gets no terminal. Its stdio goes to a log, never to
  # our caller's pipes (ctest would wait for them to close). The subshell enters the host's
  # cgroups first, so that `unshare --cgroup` makes them the root of the host's cgroup namespace;
  # not a process group leader, setsid execs without forking and $! stays the host's PID.
  (
    for cg in "${cgroups[@]}"; do echo "$BASHPID" 2>/dev/null >"$cg/cgroup.procs" || true; done
    exec setsid ip netns exec "$ns" unshare --mount --uts --pid --cgroup --fork \
      --kill-child=SIGTERM --propagation private bash "$self" _host-init "$name" "$x" "$n" "$dir"
  ) </dev/null >"$h/console.log" 2>&1 &
  record_pid $! "$h/unshare.pid"
}

# Waits until every host's sshd accepts connections; on failure shows the host's console log.
# The probe is bash's own connect (no process per try): a lab address answers at once, with a
# refusal until sshd listens.
wait_hosts() {
  local dir=$1 n=$2 x deadline
  deadline=$(($(now_ms) + 30000))
  for ((x = 1; x <= n; x++)); do
    local h=$dir/hosts/n$x ip
    ip=$(host_ip "$x")
    until [ -s "$h/pid1" ] && true 2>/dev/null <>"/dev/tcp/$ip/22"; do
      if ! recorded_alive "$h/unshare.pid" || [ "$(now_ms)" -gt "$deadline" ]; then
        log "host n$x did not start; its console log:"
        sed 's/^/  n'"$x"': /' "$h/console.log" >&2 || true
        return 1
      fi
      sleep 0.02
    done
  done
}

write_known_hosts() {
  local dir=$1 n=$2 x
  : >"$dir/known_hosts"
  for ((x = 1; x <= n; x++)); do
    local key
    key=$(cut -d' ' -f1-2 "$dir/hosts/n$x/upper/etc/ssh/ssh_host_ed25519_key.pub")
    echo "$(host_ip "$x") $key" >>"$dir/known_hosts"
  done
  cp "$dir/known_hosts" "$dir/known_hosts.hashed"
  ssh-keygen -q -H -f "$dir/known_hosts.hashed" >/dev/null 2>&1
  rm -f "$dir/known_hosts.hashed.old"
}

# status, config

cmd_status() {
  require_root status
  safety_route
  local dir n x
  dir=$(running_dir)
  if [ -z "$dir" ]; then
    echo "no lab is up"
    return 0
  fi
  n=$(sed -n 's/^hosts=//p' "$dir/state")
  echo "lab dir $dir, $n hosts"
  printf '%-4s %-12s %-8s %-8s %s\n' HOST ADDRESS PID1 SSHD SERVICES
  for ((x = 1; x <= n; x++)); do
    local h=$dir/hosts/n$x ip pid=- sshd=down services=-
    ip=$(host_ip "$x")
    if recorded_alive "$h/pid1"; then
      pid=$(cut -d' ' -f1 "$h/pid1")
      # "run: sshd: (pid 12) 3s" -> "sshd=run"
      services=$(nsenter -t "$pid" -m -p sh -c "cd $k_svdir && sv status *" 2>/dev/null |
        awk '{s = $1; n = $2; sub(":", "", s); sub(":", "", n); printf "%s=%s ", n, s}')
    fi
    if [ "$(timeout 1 bash -c "exec 3<>/dev/tcp/$ip/22; head -c 4 <&3" 2>/dev/null)" = SSH- ]; then
      sshd=up
    fi
    printf '%-4s %-12s %-8s %-8s %s\n' "n$x" "$ip" "$pid" "$sshd" "${services:--}"
  done
}

cmd_config() {
  local dir n x cp
  dir=$(need_running_dir)
  n=$(sed -n 's/^hosts=//p' "$dir/state")
  cp=$(cp_count "$n")
  cat <<EOF
# acpctl cluster config for the lab in $dir (printed by scripts/lab.sh config)
apiVersion: acpctl.alauda.io/v1alpha1
kind: Cluster
metadata:
  name: lab
spec:
  type: global
  kubernetesVersion: v1.31.6
  network:
    ipFamily: ipv4
    nodeCIDR: $k_prefix.0/24
    podCIDR: 10.3.0.0/16
    serviceCIDR: 10.4.0.0/16
  controlPlaneEndpoint:
    selfBuiltVIP:
      vip: $k_prefix.100
      vrid: 51
      authPassword: {fromFile: $dir/vrrp-password}
  ssh:
    user: root
    port: 22
    keyPath: $dir/id_ed25519
    knownHosts: $dir/known_hosts
    hostKeyPolicy: strict
    connectTimeoutSeconds: 5
  nodes:
EOF
  for ((x = 1; x <= n; x++)); do
    printf '    - name: n%s\n      address: %s\n' "$x" "$(host_ip "$x")"
    if [ "$x" -le "$cp" ]; then
      echo "      roles: [control-plane, etcd]"
    else
      echo "      roles: [worker]"
    fi
    if [ "$x" -eq "$n" ]; then
      printf '      user: acp\n      sudo:\n        password: {fromFile: %s}\n' "$dir/sudo-password"
    fi
  done
}

# Enters every namespace of the host's PID 1 (its root dir and cwd too).
cmd_exec() {
  local host=${1:-} dir pid st
  [[ $host =~ ^n[0-9]+$ ]] || die "exec: name a host, e.g. $0 exec n1 hostname"
  shift
  require_root exec
  dir=$(need_running_dir)
  [ -f "$dir/hosts/$host/pid1" ] || die "exec: the lab has no host $host"
  recorded_alive "$dir/hosts/$host/pid1" || die "exec: host $host is not running"
  read -r pid st <"$dir/hosts/$host/pid1"
  [ $# -gt 0 ] || set -- bash
  exec nsenter -t "$pid" -m -u -p -n -r -w -- "$@"
}

usage() {
  sed -n '2,/^set -euo/p' "$self" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  # Files the lab makes for hosts (/etc/passwd, homes, configs) must not inherit a caller's 077.
  umask 022
  case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down ;;
    status) cmd_status ;;
    config) cmd_config ;;
    dir) need_running_dir ;;
    exec) cmd_exec "$@" ;;
    _host-init)
      set -E
      trap 'echo "lab host-init: line $LINENO: failed: $BASH_COMMAND" >&2' ERR
      host_init "$@"
      ;;
    -h | --help | help) usage ;;
    *)
      log "unknown command '$cmd'"
      usage
      ;;
  esac
}

main "$@"
