// The facts script: one remote command per host. Keep it POSIX sh (dash, busybox ash) and
// free of user values; every section header is "@@acp-facts <name> [arg]" on its own line.
// Components add their own sections between the host's and the state (facts/probe.hpp).
// It runs on every node for every plan, so it starts few processes: small /proc files are
// read with the shell's `read` (rd), one df covers every path, one systemctl every unit.

#include "acpctl/facts/gather.hpp"

namespace acp::facts {

constexpr std::string_view k_head =
    R"SH(export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
s() { printf '\n@@acp-facts %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }
rd() { { while IFS= read -r l || [ -n "$l" ]; do printf '%s\n' "$l"; done <"$1"; } 2>/dev/null; }
echo '@@acp-facts begin 1'
s hostname; rd /proc/sys/kernel/hostname
s os-release; rd /etc/os-release || rd /usr/lib/os-release
s uname; uname -m; rd /proc/sys/kernel/osrelease
s cpus; nproc 2>/dev/null || grep -c '^processor' /proc/cpuinfo
s meminfo; { read -r l </proc/meminfo; } 2>/dev/null; echo "$l"
set --
for p in /opt/acp /var/lib/acp /var/lib/etcd /tmp; do
  q=$p; while [ ! -e "$q" ] && [ "$q" != / ]; do q=${q%/*}; q=${q:-/}; done
  set -- "$@" "$q"
done
df -Pk "$@" 2>/dev/null | {
  read -r _
  for p in /opt/acp /var/lib/acp /var/lib/etcd /tmp; do l=; IFS= read -r l; s disk "$p"; echo "$l"; done
}
s clock; date +%s.%N
s tcp; cat /proc/net/tcp /proc/net/tcp6 2>/dev/null
if have ip; then s ip-addr; ip -o addr show 2>/dev/null
else s fib-trie; cat /proc/net/fib_trie 2>/dev/null; s if-inet6; cat /proc/net/if_inet6 2>/dev/null; fi
s pid1; rd /proc/1/comm
s supervisors
seen=
for f in /proc/[0-9]*/comm; do
  { read -r c <"$f"; } 2>/dev/null || continue
  case $c in runsvdir|systemd) case " $seen " in *" $c "*) ;; *) seen="$seen $c"; echo "$c";; esac;; esac
done
s services-systemd
set --
for f in /etc/systemd/system/acp-*.service; do [ -e "$f" ] && set -- "$@" "${f##*/}"; done
[ $# -eq 0 ] || systemctl is-active "$@" 2>/dev/null | for u in "$@"; do st=; read -r st; echo "$u $st"; done
s services-runit
for d in /etc/service/acp-*; do
  [ -d "$d" ] || continue; st=; { read -r st <"$d/supervise/stat"; } 2>/dev/null; echo "${d##*/} ${st:-unknown}"
done
)SH";

// After the components' probes: the node's state, then the end marker.
constexpr std::string_view k_tail =
    R"SH(if [ -f /var/lib/acp/state.json ]; then s state present; cat /var/lib/acp/state.json; else s state absent; fi
s end
)SH";

std::string script(std::span<const Probe> probes) {
  std::string out(k_head);
  for (const auto& probe : probes)
    out.append(probe.script).append("\n");
  return out.append(k_tail);
}

} // namespace acp::facts
