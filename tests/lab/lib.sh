# shellcheck shell=bash
# One way for lab tests (ctest label `lab`) to use scripts/lab.sh. Source it, then:
#
#   lab_require_root            exit 77 (ctest: skipped) with a message unless root
#   lab_up N                    start N hosts; tears them down on EXIT (see lab_down)
#   lab_ssh [USER@]HOST CMD...  run CMD on HOST (n1, 10.88.0.11, acp@n3) as root or USER; the
#                               arguments are quoted, so `lab_ssh n1 sh -c 'a | b'` for a pipeline
#   lab_config > FILE           the lab's cluster.yaml
#   lab_ip X                    10.88.0.(10+X)
#   lab_down                    tear down the lab this shell started (the EXIT trap does it too,
#                               after calling lab_cleanup_hook if the test defines one)
#   lab_assert_clean            fail unless nothing of the last lab remains
#   ok MSG                      print "ok: MSG" (one line per checked behaviour)
#   has FILE TEXT               fail, showing FILE, unless FILE contains TEXT
#   lab_local_scratch           $work and $pids for servers on 127.0.0.1, cleaned up on EXIT
#   lab_wait_port PORT [WHAT]   wait (20 s at most) until 127.0.0.1:PORT listens
#   lab_core_package ACPCTL DIR  build the lab's core package into DIR (scripts/
#                               build-lab-package.sh); sets LAB_PKG (the .tgz) and LAB_PKG_KEY
#   lab_registry_yaml VIP       spec.registry lines for lab_config's output (admin, the password
#                               from $ACP_REGISTRY_PASSWORD, which it sets when empty)
#   lab_install_kube_doubles HOST...  install the kube TEST DOUBLES (tests/lab/doubles) on lab
#                               hosts: /usr/local/bin/{kubeadm,kubelet}, the rest in
#                               /usr/local/lib/kube-double, and /var/log/kube-double
#
# Variables after lab_up: LAB_DIR, LAB_N, LAB_KEY, LAB_KNOWN_HOSTS, LAB_SUDO_PASSWORD_FILE.
# Only one lab runs per machine. ctest serialises lab tests (RESOURCE_LOCK lab); lab_up also waits
# up to LAB_WAIT_SECONDS (default 600) for a lab started elsewhere (another worktree) to go away.

LAB_SH=${LAB_SH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lab.sh}
LAB_OWNED=0
LAB_RECORDED_PIDS=()

lab_fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}

ok() { echo "ok: $*"; }

has() {
  grep -qF -- "$2" "$1" || {
    echo "--- $1:" >&2
    cat "$1" >&2
    lab_fail "'$2' not found in $1"
  }
}

lab_require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: lab tests need root (CAP_NET_ADMIN, CAP_SYS_ADMIN for namespaces); run as root"
    exit 77
  fi
}

lab_ip() { echo "10.88.0.$((10 + $1))"; }

lab_up() {
  local n=$1 waited=0 rc
  while true; do
    rc=0
    bash "$LAB_SH" up "$n" || rc=$?
    [ "$rc" -eq 0 ] && break
    # 75: another lab is up; anything else is a real failure.
    [ "$rc" -eq 75 ] || lab_fail "lab.sh up $n failed (exit $rc)"
    [ "$waited" -lt "${LAB_WAIT_SECONDS:-600}" ] ||
      lab_fail "a lab stayed up for ${waited}s; if it is stale, run: $LAB_SH down"
    [ "$waited" -eq 0 ] && echo "lab: another lab is up; waiting for it to go away"
    sleep 2
    waited=$((waited + 2))
  done
  LAB_OWNED=1
  trap lab_on_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # shellcheck disable=SC2034  # read by the tests that source this file
  LAB_DIR=$(bash "$LAB_SH" dir) LAB_N=$n
  LAB_KEY=$LAB_DIR/id_ed25519 LAB_KNOWN_HOSTS=$LAB_DIR/known_hosts
  # shellcheck disable=SC2034
  LAB_SUDO_PASSWORD_FILE=$LAB_DIR/sudo-password
  lab_record_pids
}

# Every process of the lab (PID and start time), so lab_assert_clean can prove they are gone.
lab_record_pids() {
  local x pid stat
  for ((x = 1; x <= LAB_N; x++)); do
    for pid in $(ip netns pids "acplab-n$x") $(cut -d' ' -f1 "$LAB_DIR/hosts/n$x/unshare.pid"); do
      read -r stat 2>/dev/null <"/proc/$pid/stat" || continue
      LAB_RECORDED_PIDS+=("$pid:$(lab_stat_starttime "$stat")")
    done
  done
}

lab_stat_starttime() {
  local -a f
  read -r -a f <<<"${1##*) }"
  echo "${f[19]}"
}

lab_down() {
  [ "$LAB_OWNED" -eq 1 ] || return 0
  LAB_OWNED=0
  bash "$LAB_SH" down
}

# The EXIT trap: always tear down, and fail the test if tear-down fails.
lab_on_exit() {
  local rc=$?
  if declare -F lab_cleanup_hook >/dev/null; then lab_cleanup_hook || true; fi
  lab_down || rc=1
  exit "$rc"
}

# HOST is nX or an address; USER@ defaults to root.
lab_ssh() {
  local target=$1 user=root host
  shift
  if [ "${target#*@}" != "$target" ]; then
    user=${target%%@*}
    target=${target#*@}
  fi
  host=$target
  if [[ $target =~ ^n([0-9]+)$ ]]; then host=$(lab_ip "${BASH_REMATCH[1]}"); fi
  ssh -i "$LAB_KEY" -o IdentitiesOnly=yes -o UserKnownHostsFile="$LAB_KNOWN_HOSTS" \
    -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=ERROR \
    "$user@$host" "$(printf '%q ' "$@")"
}

lab_config() { bash "$LAB_SH" config; }

lab_assert_clean() {
  # Outputs are captured before matching: `cmd | grep -q` can fail under pipefail with SIGPIPE.
  local leftovers=() entry pid st stat text
  text=$(ip netns list)
  if grep -q '^acplab-' <<<"$text"; then leftovers+=("namespaces: $(grep '^acplab-' <<<"$text" | tr '\n' ' ')"); fi
  text=$(ip -o link show)
  if grep -qE ': (acpbr0|acpv[0-9]+)[:@]' <<<"$text"; then leftovers+=("links: $(grep -oE ': (acpbr0|acpv[0-9]+)' <<<"$text" | tr '\n' ' ')"); fi
  if grep -qE "acplab-|${LAB_DIR:-/nonexistent}" /proc/self/mountinfo; then leftovers+=("mounts"); fi
  if [ -e "${LAB_DIR:-/nonexistent}" ]; then leftovers+=("lab dir $LAB_DIR"); fi
  for entry in "${LAB_RECORDED_PIDS[@]}"; do
    pid=${entry%%:*}
    st=${entry#*:}
    if read -r stat 2>/dev/null <"/proc/$pid/stat" && [ "$(lab_stat_starttime "$stat")" = "$st" ]; then
      leftovers+=("process $pid ($(cut -d' ' -f2 "/proc/$pid/stat"))")
    fi
  done
  text=$(ip route show)
  grep -q '^unreachable 10.88.0.0/16' <<<"$text" || leftovers+=("the safety route is missing")
  [ ${#leftovers[@]} -eq 0 ] || lab_fail "lab left behind: ${leftovers[*]}"
}

# S3: s3rver (npm, installed by scripts/setup.sh) on 127.0.0.1 only, never a lab or other
# address. lab_s3_up DIR BUCKET starts it with DIR as its storage and sets LAB_S3_URL and
# LAB_S3_PID; the caller's lab_cleanup_hook stops it (kill "$LAB_S3_PID").
LAB_S3RVER=${S3RVER:-/opt/acpctl-lab/s3rver/node_modules/.bin/s3rver}
lab_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# lab_wait_port PORT: until something listens on 127.0.0.1:PORT; fails the test after 20 s.
lab_wait_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  lab_fail "nothing listens on 127.0.0.1:$1 after 20 s${2:+: $2}"
}
# lab_local_scratch: for tests of servers on 127.0.0.1 without lab_up. Sets `work` (a fresh
# directory) and `pids` (append each server this test starts); on EXIT each of those is killed
# and waited for, then $work is removed.
lab_local_scratch() {
  work=$(mktemp -d)
  pids=()
  trap lab_local_cleanup EXIT
}
lab_local_cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
lab_s3_up() {
  local port
  [ -x "$LAB_S3RVER" ] || lab_fail "s3rver is not installed at $LAB_S3RVER; run: CI=true bash scripts/setup.sh"
  port=$(lab_free_port)
  "$LAB_S3RVER" -d "$1" -a 127.0.0.1 -p "$port" -s --configure-bucket "$2" >"$1.log" 2>&1 &
  # shellcheck disable=SC2034  # both are for the calling test
  LAB_S3_PID=$!
  # shellcheck disable=SC2034
  LAB_S3_URL=http://127.0.0.1:$port
  lab_wait_port "$port" "s3rver: $(cat "$1.log")"
}

# The kube test doubles (tests/lab/doubles/*: kubeadm, kubelet, kube-apiserver; see selftest.sh)
# onto lab hosts. /usr is each host's own overlay, so nothing lands on this machine.
LAB_KUBE_DOUBLES=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/doubles
lab_install_kube_doubles() {
  local host target files=()
  for f in "$LAB_KUBE_DOUBLES"/kd_*.py "$LAB_KUBE_DOUBLES"/kube-apiserver-double.py \
    "$LAB_KUBE_DOUBLES"/kubeadm "$LAB_KUBE_DOUBLES"/kubelet; do files+=("$f"); done
  for host in "$@"; do
    target=$host
    if [[ $host =~ ^n([0-9]+)$ ]]; then target=$(lab_ip "${BASH_REMATCH[1]}"); fi
    lab_ssh "$host" install -d -m 0755 /usr/local/lib/kube-double /var/log/kube-double
    scp -q -i "$LAB_KEY" -o IdentitiesOnly=yes -o UserKnownHostsFile="$LAB_KNOWN_HOSTS" \
      -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=5 \
      "${files[@]}" "root@$target:/usr/local/lib/kube-double/" ||
      lab_fail "copying the kube doubles to $host failed"
    lab_ssh "$host" sh -c 'cd /usr/local/lib/kube-double && chmod 0755 kubeadm kubelet \
      kube-apiserver-double.py && chmod 0644 kd_*.py && mv kubeadm kubelet /usr/local/bin/'
  done
}

lab_core_package() {
  local acpctl=$1 dir=$2 root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  ACPCTL=$acpctl bash "$root/scripts/build-lab-package.sh" "$dir" >"$dir.build.log" 2>&1 ||
    lab_fail "building the core package failed: $(cat "$dir.build.log")"
  # shellcheck disable=SC2034  # read by the tests that source this file
  LAB_PKG=$(ls "$dir"/core.amd64.v*.tgz)
  # shellcheck disable=SC2034  # read by the tests that source this file
  LAB_PKG_KEY=$dir/acp-lab.pub
}

lab_registry_yaml() {
  if [ -z "${ACP_REGISTRY_PASSWORD:-}" ]; then
    ACP_REGISTRY_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    export ACP_REGISTRY_PASSWORD
  fi
  printf '  registry:\n    address: %s:11443\n    username: admin\n' "$1"
  printf '    password: {fromEnv: ACP_REGISTRY_PASSWORD}\n'
}
