# shellcheck shell=bash
# Times the tiers of scripts/test.sh and prints them as a table. Source it, then:
#
#   tiers_start              note the start of the run (and ccache's counters)
#   tier NAME TITLE CMD...   print "== TITLE", run CMD, record NAME's seconds and whether it
#                            failed; returns CMD's exit status
#   TIERS_LAB_LOG            a file for the lab tier's ctest output: its per-test times are
#                            listed under the tier
#   tiers_report             print the table (set it as the EXIT trap, with INT and TERM traps
#                            that exit, so it runs after a failure or ^C too; keeps the status)
#   tiers_failed_exit        exit 1 if a tier failed, else 0

TIERS_NAMES=()
TIERS_SECONDS=()
TIERS_STATUS=()
TIERS_CURRENT=""
TIERS_CURRENT_START=0
TIERS_START=0
TIERS_CCACHE_BEFORE=""
TIERS_LAB_LOG=""

tiers_start() {
  TIERS_START=$SECONDS
  TIERS_LAB_LOG=$(mktemp)
  TIERS_CCACHE_BEFORE=$(tiers_ccache_counts)
}

tier() {
  local name=$1 title=$2 rc=0 status=ok
  shift 2
  echo "== $title"
  TIERS_CURRENT=$name
  TIERS_CURRENT_START=$SECONDS
  "$@" || rc=$?
  [ "$rc" -eq 0 ] || status="FAILED (exit $rc)"
  tiers_record "$name" $((SECONDS - TIERS_CURRENT_START)) "$status"
  TIERS_CURRENT=""
  return "$rc"
}

tiers_record() {
  TIERS_NAMES+=("$1")
  TIERS_SECONDS+=("$2")
  TIERS_STATUS+=("$3")
}

# "HITS MISSES" from ccache's counters; empty without ccache.
tiers_ccache_counts() {
  ccache --print-stats 2>/dev/null | awk '
    $1 == "direct_cache_hit" || $1 == "preprocessed_cache_hit" { hits += $2 }
    $1 == "cache_miss" { misses += $2 }
    END { if (NR) print hits + 0, misses + 0 }'
}

# One "NAME SECONDS STATUS" line per test from ctest's output, e.g. from
# " 3/9 Test #47: lab.apply ..........***Failed  812.31 sec".
tiers_ctest_times() {
  awk '/^ *[0-9]+\/[0-9]+ +Test +#[0-9]+: / && $NF == "sec" {
    for (i = 1; i < NF; i++) if ($i ~ /^#[0-9]+:$/) name = $(i + 1)
    status = $(NF - 2)
    gsub(/^[.]*\**/, "", status)
    printf "%s %.0f %s\n", name, $(NF - 1), status
  }' "$1"
}

tiers_report() {
  local rc=$? i before after
  if [ -n "$TIERS_CURRENT" ]; then
    tiers_record "$TIERS_CURRENT" $((SECONDS - TIERS_CURRENT_START)) "stopped (exit $rc)"
    TIERS_CURRENT=""
  fi
  echo
  echo "== tier times"
  for i in "${!TIERS_NAMES[@]}"; do
    tiers_line "${TIERS_NAMES[$i]}" "${TIERS_SECONDS[$i]}" "${TIERS_STATUS[$i]}"
    if [ "${TIERS_NAMES[$i]}" = lab ] && [ -s "$TIERS_LAB_LOG" ]; then
      tiers_ctest_times "$TIERS_LAB_LOG" | while read -r name secs status; do
        tiers_line "  $name" "$secs" "$status"
      done
    fi
  done
  tiers_line total $((SECONDS - TIERS_START)) ok
  before=$TIERS_CCACHE_BEFORE
  after=$(tiers_ccache_counts)
  if [ -n "$before" ] && [ -n "$after" ]; then
    echo "ccache (${CCACHE_DIR:-default dir}): $((${after% *} - ${before% *})) hits," \
      "$((${after#* } - ${before#* })) misses during this run"
  fi
  [ -z "$TIERS_LAB_LOG" ] || rm -f "$TIERS_LAB_LOG"
  return "$rc"
}

# "NAME   SECONDS s", then the status unless it is ok or Passed.
tiers_line() {
  local note=""
  case "$3" in ok | Passed) ;; *) note="  $3" ;; esac
  printf '%-22s %5d s%s\n' "$1" "$2" "$note"
}

tiers_failed_exit() {
  local s
  for s in "${TIERS_STATUS[@]}"; do
    [ "$s" = ok ] || exit 1
  done
  exit 0
}
