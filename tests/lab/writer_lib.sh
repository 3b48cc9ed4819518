# shellcheck shell=bash
# etcd availability probes shared by tests/lab/patch.sh and scripts/bench/upgrade.sh: a writer
# loop (is etcd taking writes through the VIP all the time?) and a quorum loop (do at least 2
# members answer health checks?). Source after lib.sh and vip_lib.sh, with ACPCTL_HOME set and
# the cluster applied (they use acpctl's admin client certificate). Each loop runs in the
# background and is stopped only by its own PID.
#
#   writer_start OUT [ENDPOINTS]  put keys one after another (default: through https://$VIP:2379);
#                                 each write appends "START_MS END_MS ok" or (not taken within
#                                 3 s of tries) "START_MS END_MS fail ETCDCTL'S ERROR" to OUT,
#                                 each attempt tried again "START_MS END_MS retry ERROR"
#   writer_stop                   stop the writer (the put in flight is not recorded)
#   writer_report OUT             set WRITER_WRITES, WRITER_FAILED, WRITER_RETRIED (attempts
#                                 tried again), WRITER_GAP_MS (the longest time between two
#                                 successful writes) and WRITER_SUMMARY, a line saying them
#   writer_timeline OUT T0_MS     print the failed writes and the longest gaps, in ms since T0_MS
#   stamp T0_MS                   copy stdin to stdout, each line prefixed with the ms since T0_MS
#   quorum_start OUT              every 0.2 s: `etcdctl endpoint health` on the 3 members;
#                                 appends "TIME_MS HEALTHY_COUNT" to OUT
#   quorum_stop                   stop the quorum loop
#   quorum_report OUT             set QUORUM_CHECKS, QUORUM_MIN (the fewest healthy members
#                                 one check saw) and QUORUM_SUMMARY
#
# The reports set variables rather than print, so call them directly, not in $(...).
# Times come from $EPOCHREALTIME (no fork per timestamp).

# shellcheck disable=SC2034  # the *_SUMMARY, WRITER_* and QUORUM_* results are for the caller
WRITER_PID="" QUORUM_PID="" WRITER_SUMMARY="" QUORUM_SUMMARY=""
WRITER_PKI=${WRITER_PKI:-$ACPCTL_HOME/clusters/lab/pki}
WRITER_MEMBERS=${WRITER_MEMBERS:-https://10.88.0.11:2379,https://10.88.0.12:2379,https://10.88.0.13:2379}

# Sets NOW_MS to the time in ms since the epoch.
set_now_ms() {
  local us=${EPOCHREALTIME//[!0-9]/}
  NOW_MS=$((us / 1000))
}

writer_ctl() {
  etcdctl --cacert "$WRITER_PKI/ca.crt" --cert "$WRITER_PKI/admin.crt" --key "$WRITER_PKI/admin.key" "$@"
}

# The loop itself, in a background subshell. The put runs as a child so that a TERM (from
# writer_stop) can end it too instead of leaving it behind. Like any etcd client behind a VIP
# (the API server's included), a write whose attempt fails is tried again (the same key and
# value: a put is idempotent) until 3 s after its first attempt: an attempt tried again is
# recorded as "retry", a write still not taken after 3 s as "fail". An attempt gets 1 s (a
# request in flight while the VIP moves can hang until its timeout), so there is room to retry.
writer_loop() {
  local out=$1 endpoints=$2 i=0 t0 first result child=""
  trap '[ -z "$child" ] || kill "$child" 2>/dev/null; exit 0' TERM
  while true; do
    set_now_ms
    first=$NOW_MS
    while true; do
      set_now_ms
      t0=$NOW_MS
      writer_ctl --endpoints "$endpoints" --dial-timeout 1s --command-timeout 1s \
        put "acp-writer/$i" "$first" >/dev/null 2>"$out.err" &
      child=$!
      result=ok
      # A failed attempt is recorded with the first line etcdctl printed.
      wait "$child" || result="fail $(head -1 "$out.err")"
      child=""
      set_now_ms
      if [ "$result" = ok ] || [ $((NOW_MS - first)) -ge 3000 ]; then break; fi
      echo "$t0 $NOW_MS retry ${result#fail }" >>"$out"
    done
    echo "$t0 $NOW_MS $result" >>"$out"
    i=$((i + 1))
  done
}

writer_start() {
  [ -z "$WRITER_PID" ] || lab_fail "writer_start: a writer already runs (pid $WRITER_PID)"
  : >"$1"
  writer_loop "$1" "${2:-https://$VIP:2379}" &
  WRITER_PID=$!
}

writer_stop() {
  [ -n "$WRITER_PID" ] || return 0
  kill "$WRITER_PID" 2>/dev/null || true
  wait "$WRITER_PID" 2>/dev/null || true
  WRITER_PID=""
}

writer_report() {
  local line
  line=$(awk '$3 != "retry" { n++ } $3 == "fail" { f++ } $3 == "retry" { r++ }
    $3 == "ok" { if (prev != "" && $2 - prev > gap) gap = $2 - prev; prev = $2 }
    END { print n + 0, f + 0, r + 0, gap + 0 }' "$1")
  read -r WRITER_WRITES WRITER_FAILED WRITER_RETRIED WRITER_GAP_MS <<<"$line"
  WRITER_SUMMARY="$WRITER_WRITES writes, $WRITER_FAILED failed ($WRITER_RETRIED attempts tried again), longest gap between successful writes $WRITER_GAP_MS ms"
}

# writer_timeline OUT T0_MS: the failed writes and the 3 longest gaps, in ms since T0_MS (to
# read next to the output of what ran meanwhile).
writer_timeline() {
  awk -v t0="$2" '$3 != "ok" { $1 -= t0; $2 -= t0; print ($3 == "retry" ? "tried again: " : "failed: ") $0 }' "$1"
  awk -v t0="$2" '$3 == "ok" { if (prev != "") print $2 - prev, prev - t0, $2 - t0; prev = $2 }' "$1" |
    sort -rn | head -3 | awk '{ printf "gap: %d ms, from %d to %d ms\n", $1, $2, $3 }'
}

# stamp T0_MS: each line of stdin prefixed with the ms since T0_MS (for acpctl's progress, to
# be read next to writer_timeline).
stamp() {
  local line
  while IFS= read -r line; do
    set_now_ms
    printf '%6d %s\n' "$((NOW_MS - $1))" "$line"
  done
}

quorum_loop() {
  local out=$1 text child=""
  trap '[ -z "$child" ] || kill "$child" 2>/dev/null; exit 0' TERM
  while true; do
    # Unhealthy members make etcdctl exit 1; the lines saying "is healthy" are what counts.
    writer_ctl --endpoints "$WRITER_MEMBERS" --dial-timeout 500ms --command-timeout 1s \
      endpoint health >"$out.probe" 2>&1 &
    child=$!
    wait "$child" || true
    child=""
    text=$(<"$out.probe")
    set_now_ms
    echo "$NOW_MS $(grep -c ' is healthy' <<<"$text")" >>"$out"
    sleep 0.2
  done
}

quorum_start() {
  [ -z "$QUORUM_PID" ] || lab_fail "quorum_start: a quorum loop already runs (pid $QUORUM_PID)"
  : >"$1"
  quorum_loop "$1" &
  QUORUM_PID=$!
}

quorum_stop() {
  [ -n "$QUORUM_PID" ] || return 0
  kill "$QUORUM_PID" 2>/dev/null || true
  wait "$QUORUM_PID" 2>/dev/null || true
  QUORUM_PID=""
}

quorum_report() {
  local line
  line=$(awk 'NR == 1 || $2 < min { min = $2 } { n++ } END { print n + 0, min + 0 }' "$1")
  read -r QUORUM_CHECKS QUORUM_MIN <<<"$line"
  QUORUM_SUMMARY="$QUORUM_CHECKS checks, fewest healthy members $QUORUM_MIN"
}
