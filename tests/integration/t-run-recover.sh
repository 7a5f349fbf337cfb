#!/usr/bin/env bash
# SIGKILL of the runner (no cleanup at all): its workers die with it (parent-death signal), and the
# next run reports it once as previous_run with the "killed" cause, the phase and workloads that were
# running, and removes the dead run's temp directory (recovery removes temp files only inside the dead
# run's own directory, so this run keeps its temp root there: TMPDIR unset).
. "$(dirname "$0")/runner_lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }

env -u TMPDIR "$BIN" --workload compute --workers 2 --duration 60s --quiet &
pid=$!
kids=$(wait_children $pid 2) || fail "workers did not start"
sleep 2.2   # two heartbeats in the journal
kill -KILL $pid
wait $pid 2>/dev/null
sleep 0.3
for k in $kids; do alive $k && fail "worker $k survived its runner"; done
dead_tmp=$(ls -d "$XDG_STATE_HOME"/stresswsl/runs/*/tmp)
[ -d "$dead_tmp" ] || fail "expected the killed run's temp dir to be left for recovery"

"$BIN" --workload compute --workers 1 --duration 1s --quiet --json "$T/r2.json" 2>"$T/r2.err" >/dev/null
rc=$?
[ $rc -eq 0 ] || fail "second run exit $rc: $(cat "$T/r2.err")"
grep -q "ended abruptly" "$T/r2.err" || fail "no warning about the abrupt run: $(cat "$T/r2.err")"
[ "$(json_get "$T/r2.json" '.previous_run.cause')" = "the stresswsl process was killed (same boot)" ] ||
  fail "cause: $(json_get "$T/r2.json" .previous_run.cause)"
[ "$(json_get "$T/r2.json" '.previous_run.rebooted')" = false ] || fail "rebooted should be false"
[ "$(json_get "$T/r2.json" '.previous_run.phase')" = workloads ] || fail "phase"
[ "$(json_get "$T/r2.json" '.previous_run.workloads[0]')" = compute ] || fail "workloads"
[ "$(json_get "$T/r2.json" '.previous_run.heartbeats >= 2')" = true ] || fail "heartbeats"
[ ! -e "$dead_tmp" ] || fail "the killed run's temp dir was not removed"
id=$(json_get "$T/r2.json" .previous_run.id)
[ "$(json_get "$XDG_STATE_HOME/stresswsl/runs/$id/report.json" .run.status)" = abrupt ] || fail "no abrupt report"

# Shown once.
"$BIN" --workload compute --workers 1 --duration 1s --quiet --json "$T/r3.json" 2>"$T/r3.err" >/dev/null ||
  fail "third run failed"
[ "$(json_get "$T/r3.json" .previous_run)" = null ] || fail "the abrupt run was reported twice"
echo PASS
