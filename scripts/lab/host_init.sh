# shellcheck shell=bash
# Sourced by scripts/lab.sh: what runs inside a new host as its PID 1 (`lab.sh _host-init`):
# mounts (overlays, cgroups, containerd's root), hostname, accounts, sshd, then exec runsvdir.
# Uses lab.sh's constants and helpers.
# ---------------------------------------------------------------------------------------------
# host-init: runs as PID 1 of a host (inside its namespaces), prepares it, becomes runsvdir.

host_init() {
  local name=$1 x=$2 n=$3 dir=$4
  local h=$dir/hosts/$name ip stat d
  ip=$(host_ip "$x")
  # Our PID and start time as the root namespace sees them (/proc is still the root's until we
  # mount our own); written now because, once /var is overlaid, writes would land in our upper dir.
  read -r stat </proc/self/stat
  echo "${stat%% *} $(stat_starttime "$stat")" >"$h/pid1"

  mount_all "$name" "$h" "$dir"

  hostname "$name"
  echo "$name" >/etc/hostname
  {
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'
    for ((d = 1; d <= n; d++)); do printf '%s\tn%s\n' "$(host_ip "$d")" "$d"; done
  } >/etc/hosts
  # No name server: the machine's is out of reach anyway (no default route), and a name that is
  # not in /etc/hosts (a registry's, say) must fail at once on the host's own loopback.
  echo '# acpctl lab host: no DNS; names come from /etc/hosts only' >/etc/resolv.conf
  setup_accounts "$name" "$x" "$n" "$dir"
  setup_sshd "$ip"
  # Hide the lab dir (other hosts' files, the client key) from this host.
  mount -t tmpfs -o ro,size=4k,mode=0755 "lab-$name-hidden" "$dir"
  cd /
  exec runsvdir -P "$k_svdir"
}

# Every mount of the host by one `mount --all` (one process instead of twenty) from the fstab
# <lab>/hosts/nX/fstab, in its order. -c: paths are taken as written, not resolved first.
mount_all() {
  local name=$1 h=$2 dir=$3 d last="" fd fs opts mp _ links=()
  # containerd's root, opened now: once /var is overlaid, its path (under the lab dir) would
  # lead to a directory of the overlay, and containerd's overlay snapshots cannot nest in one.
  # The open descriptor keeps the real directory; the bind below goes through it.
  exec {fd}<"$h/containerd"
  {
    echo "lab-$name-proc /proc proc defaults 0 0"
    echo "lab-$name-run /run tmpfs mode=0755,size=64m 0 0"
    for d in "${k_private_dirs[@]}"; do echo "$h/$d /$d none bind 0 0"; done
    # The overlay that contains the lab dir goes last: once it is mounted, paths into the lab
    # dir resolve through it, and an overlay's upper dir must not be on another overlay.
    for d in "${k_overlay_dirs[@]}"; do
      if [ "${dir#/"$d"/}" != "$dir" ]; then
        last=$d
        continue
      fi
      overlay_line "$name" "$h" "$d"
    done
    [ -z "$last" ] || overlay_line "$name" "$h" "$last"
    # `ip netns exec` mounted a new /sys without them: the machine's cgroup hierarchies again
    # (lab.sh's cgroup_layout), showing the host's own cgroup as their root (cgroup namespace).
    while read -r fs opts mp _; do
      echo "lab-$name-cgroup $mp $fs $opts,X-mount.mkdir 0 0"
      # Co-mounted controllers (cpu,cpuacct) also get their single names, as on the machine.
      if [ "$fs" = cgroup ] && [[ ${mp##*/} == *,* ]]; then links+=("$mp"); fi
    done <"$dir/cgroups"
    echo "/proc/self/fd/$fd /var/lib/containerd none bind,X-mount.mkdir=0711 0 0"
  } >"$h/fstab"
  mount --all --no-canonicalize --fstab "$h/fstab"
  exec {fd}<&-
  for mp in "${links[@]}"; do
    IFS=, read -r -a opts <<<"${mp##*/}"
    for d in "${opts[@]}"; do ln -sfn "${mp##*/}" "${mp%/*}/$d"; done
  done
}

overlay_line() {
  local name=$1 h=$2 d=$3
  echo "lab-$name-$d /$d overlay lowerdir=/$d,upperdir=$h/upper/$d,workdir=$h/work/$d 0 0"
}

setup_accounts() {
  local name=$1 x=$2 n=$3 dir=$4
  # sshd runs with UsePAM no, and then refuses a locked account ("!" password): root gets "*".
  if [ "$(getent shadow root | cut -d: -f2 | cut -c1)" = "!" ]; then usermod -p '*' root; fi
  # Debian's defaults, not the machine's own /root/.bashrc (its slow init adds ~650 ms to every
  # SSH command).
  cp /etc/skel/.bashrc /etc/skel/.profile /root/
  install -d -m 0700 /root/.ssh
  install -m 0600 "$dir/id_ed25519.pub" /root/.ssh/authorized_keys
  if [ "$x" -eq "$n" ]; then
    # The password's hash was made once by `up`: one useradd instead of useradd+chpasswd.
    add_user acp "$dir" "$(cat "$dir/sudo-password.hash")" -G sudo
    echo 'Defaults:acp lecture=never' >/etc/sudoers.d/acp-lab
    chmod 0440 /etc/sudoers.d/acp-lab
  elif [ "$n" -ge 2 ] && [ "$x" -eq $((n - 1)) ]; then
    add_user ops "$dir" '*' # no password: key login only (UsePAM no accepts "*", not "!")
    echo 'ops ALL=(ALL:ALL) NOPASSWD: ALL' >/etc/sudoers.d/ops-lab
    chmod 0440 /etc/sudoers.d/ops-lab
  fi
}

# add_user NAME LABDIR PASSWORD-HASH [useradd options]
add_user() {
  local user=$1 dir=$2 hash=$3
  shift 3
  useradd -m -s /bin/bash -p "$hash" "$@" "$user"
  install -d -m 0700 -o "$user" -g "$user" "/home/$user/.ssh"
  install -m 0600 -o "$user" -g "$user" "$dir/id_ed25519.pub" "/home/$user/.ssh/authorized_keys"
}

setup_sshd() {
  local ip=$1
  rm -f /etc/ssh/ssh_host_*
  ssh-keygen -q -t ed25519 -N '' -C "$(hostname)" -f /etc/ssh/ssh_host_ed25519_key
  cat >/etc/ssh/sshd_config <<EOF
# Written by acpctl's lab.sh for this lab host only.
ListenAddress $ip
Port 22
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
PrintMotd no
AcceptEnv LANG LC_*
Subsystem sftp internal-sftp
# Tests open many connections and channels at once.
MaxStartups 100:30:200
MaxSessions 64
EOF
  install -d -m 0755 /run/sshd
  # Start from an empty service dir: the machine's own runit services stay on the machine.
  rm -rf "${k_svdir:?}" && mkdir -p "$k_svdir/sshd"
  printf '#!/bin/sh\nexec /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config 2>&1\n' \
    >"$k_svdir/sshd/run"
  chmod 0755 "$k_svdir/sshd/run"
}
