// The facts script: one remote command per host. Keep it POSIX sh (dash, busybox ash) and
// free of user values; every section header is "@@acp-facts <name> [arg]" on its own line.

#include "acpctl/facts/gather.hpp"

namespace acp::facts {

const std::string_view k_facts_script =
    R"SH(export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
s() { printf '\n@@acp-facts %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }
echo '@@acp-facts begin 1'
s hostname; hostname 2>/dev/null || cat /proc/sys/kernel/hostname
s os-release; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null
s uname; uname -m; uname -r
s cpus; nproc 2>/dev/null || grep -c '^processor' /proc/cpuinfo
s meminfo; grep '^MemTotal:' /proc/meminfo
for p in /opt/acp /var/lib/acp /var/lib/etcd /tmp; do
  q=$p; while [ ! -e "$q" ] && [ "$q" != / ]; do q=$(dirname "$q"); done
  s disk "$p"; df -Pk "$q" 2>/dev/null | tail -n 1
done
s clock; date +%s.%N
s tcp; cat /proc/net/tcp /proc/net/tcp6 2>/dev/null
if have ip; then s ip-addr; ip -o addr show 2>/dev/null
else s fib-trie; cat /proc/net/fib_trie 2>/dev/null; s if-inet6; cat /proc/net/if_inet6 2>/dev/null; fi
s pid1; cat /proc/1/comm 2>/dev/null
s supervisors; for f in /proc/[0-9]*/comm; do read -r c <"$f" 2>/dev/null && case $c in runsvdir|systemd) echo "$c";; esac; done | sort -u
s services-systemd
for f in /etc/systemd/system/acp-*.service; do
  [ -e "$f" ] || continue; u=${f##*/}; echo "$u $(systemctl is-active "$u" 2>/dev/null)"
done
s services-runit
for d in /etc/service/acp-*; do
  [ -d "$d" ] || continue; st=$(cat "$d/supervise/stat" 2>/dev/null); echo "${d##*/} ${st:-unknown}"
done
if [ -r /etc/acp/etcd/endpoint ] && [ -x /opt/acp/components/etcd/current/bin/etcdctl ]; then
  e=$(cat /etc/acp/etcd/endpoint)
  c() { /opt/acp/components/etcd/current/bin/etcdctl --endpoints="$e" --cacert=/etc/acp/pki/ca.crt \
    --cert=/etc/acp/pki/etcd/healthcheck-client.crt --key=/etc/acp/pki/etcd/healthcheck-client.key \
    --dial-timeout=1s --command-timeout=2s -w json "$@" 2>&1; echo "rc=$?"; }
  s etcd-endpoint; echo "$e"
  st=$(c endpoint status); s etcd-status; echo "$st"
  case $st in *rc=0) s etcd-members; c member list;; esac
  case $st in *'"leader":'*rc=0) s etcd-health; c endpoint health;; esac
fi
if [ -f /var/lib/acp/state.json ]; then s state present; cat /var/lib/acp/state.json; else s state absent; fi
s end
)SH";

} // namespace acp::facts
