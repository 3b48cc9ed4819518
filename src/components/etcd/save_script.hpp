#pragma once
// The script that takes one etcd snapshot on a node: run by `acpctl etcd snapshot save`
// through SSH and, as /etc/acp/etcd/backup/save.sh, by the node's scheduled snapshots.

namespace acp::etcd::detail {

// $1 dir, $2 name, $3 ttl in minutes, then etcdctl's argv. The snapshot goes to a temp file
// in the same directory, then is renamed with its .sha256: a killed save leaves no half
// snapshot under a real name. Prints "expired NAME" per removed snapshot, then
// "saved SHA256 SIZE MTIME".
inline constexpr const char* k_save_script = R"SH(#!/bin/sh
set -eu
dir=$1 name=$2 ttl=$3
shift 3
umask 077
mkdir -p -- "$dir"
chmod 0700 -- "$dir"
part="$dir/.$name.part"
trap 'rm -f -- "$part" "$part.sha256"' EXIT
"$@" snapshot save "$part" >/dev/null
# openssl's sha256 uses the CPU's SHA instructions: several times faster than coreutils'.
if command -v openssl >/dev/null 2>&1; then sum=$(openssl dgst -sha256 -r "$part"); else sum=$(sha256sum -- "$part"); fi
sum=${sum%% *}
size=$(stat -c %s -- "$part")
printf '%s  %s\n' "$sum" "$name" >"$part.sha256"
mv -f -- "$part" "$dir/$name"
mv -f -- "$part.sha256" "$dir/$name.sha256"
find "$dir" -maxdepth 1 -type f -name 'snapshot-etcd-*.db' -mmin "+$ttl" | while IFS= read -r f; do
  rm -f -- "$f" "$f.sha256"
  echo "expired ${f##*/}"
done
echo "saved $sum $size $(stat -c %Y -- "$dir/$name")"
)SH";

} // namespace acp::etcd::detail
