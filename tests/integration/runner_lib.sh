# Shared by the runner's integration tests (sourced, not a test itself).
# Every test gets its own state dir, TMPDIR and run dirs under one temp dir removed at exit.
set -u
BIN=$1
SRC=${2:-}
FIX=${3:-}
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
T=$(sw_tmpdir integ)
export XDG_STATE_HOME=$T/state TMPDIR=$T/tmp NO_COLOR=1
mkdir -p "$TMPDIR"
cleanup() { rm -rf "$T"; }
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Waits (at most ~10 s) until process $1 has $2 children; prints their pids.
wait_children() {
  local pid=$1 want=$2 i kids
  for i in $(seq 1 200); do
    kids=""
    # workers only: monitor processes (the kernel-log watcher) are named sw-mon-*
    for k in $(cat /proc/$pid/task/$pid/children 2>/dev/null); do
      case "$(cat /proc/$k/comm 2>/dev/null)" in sw-mon-*) ;; *) kids="$kids $k" ;; esac
    done
    if [ "$(echo $kids | wc -w)" -ge "$want" ]; then echo $kids; return 0; fi
    sleep 0.05
  done
  return 1
}

# True when pid $1 is a live (non-zombie) process.
alive() {
  local st
  st=$(awk '{print $3}' /proc/$1/stat 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# Fails if any process is in one of the process groups $@ (the workers' groups).
no_process_in_groups() {
  local p g
  for p in /proc/[0-9]*; do
    g=$(awk '{ sub(/.*\) /, ""); print $3 }' $p/stat 2>/dev/null) || continue
    for want in "$@"; do
      [ "$g" = "$want" ] && fail "process ${p#/proc/} ($(cat $p/comm 2>/dev/null)) is still in worker group $want"
    done
  done
  return 0
}

json_get() { jq -r "$2" "$1"; }

# An interrupted run's exit: 130, or 1 when the only errors are kernel lines the watcher saw from
# other processes (a shared machine running other tests that inject crashes or hit their own memory
# limits); never an error of the run's own workers. $1 exit code, $2 report.json.
interrupted_rc_ok() {
  [ "$1" -eq 130 ] && return 0
  [ "$1" -eq 1 ] && [ -f "$2" ] &&
    [ "$(json_get "$2" '[.events[] | select(.severity == "error" or .severity == "fatal") | select(.type != "kernel")] | length')" = 0 ]
}
