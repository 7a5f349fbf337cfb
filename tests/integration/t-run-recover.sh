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
[ $rc -eq 6 ] || fail "second run exit $rc, want 6 (a clean 1 s run: inconclusive): $(cat "$T/r2.err")"
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
"$BIN" --workload compute --workers 1 --duration 1s --quiet --json "$T/r3.json" 2>"$T/r3.err" >/dev/null
[ $? -eq 6 ] || fail "third run failed (a clean 1 s run is inconclusive: exit 6)"
[ "$(json_get "$T/r3.json" .previous_run)" = null ] || fail "the abrupt run was reported twice"
# A run that left a journal cut to 100 bytes and no report: reported as damaged, not dropped. A run
# directory that is a symlink is not followed (one warning line), and its target is left alone.
dead=$XDG_STATE_HOME/stresswsl/runs/20260101-000000-dead
mkdir -p "$dead" "$T/elsewhere/tmp"
head -c 100 /dev/urandom >"$dead/journal"
touch -d "1 hour ago" "$dead/journal"   # a fresh damaged journal may be a run starting: left alone
touch "$T/elsewhere/tmp/precious"
cp "$dead/journal" "$T/elsewhere/journal"
ln -s "$T/elsewhere" "$XDG_STATE_HOME/stresswsl/runs/link"
# (exit 1 is accepted here: this check is about the start of the run, and on a shared machine the kernel
# log watcher may see another process crash during the run)
"$BIN" --workload compute --workers 1 --duration 1s --quiet --json "$T/r4.json" 2>"$T/r4.err" >"$T/r4.out"
rc=$?
[ $rc -eq 6 ] || [ $rc -eq 1 ] || fail "fourth run failed (exit $rc): $(cat "$T/r4.err" "$T/r4.out")"
grep -q "the previous run ended abruptly and its journal is damaged" "$T/r4.err" ||
  fail "no damaged-journal warning: $(cat "$T/r4.err")"
grep -q "is a symbolic link" "$T/r4.err" || fail "no warning about the symlinked run dir: $(cat "$T/r4.err")"
[ "$(json_get "$T/r4.json" '.previous_run.damaged')" = true ] || fail "previous_run.damaged"
[ "$(json_get "$T/r4.json" '.previous_run.id')" = 20260101-000000-dead ] || fail "previous_run.id"
[ "$(json_get "$dead/report.json" .run.journal_damaged)" = true ] || fail "no abrupt report for the damaged run"
[ -e "$T/elsewhere/tmp/precious" ] && [ ! -e "$T/elsewhere/report.json" ] || fail "followed the symlinked run dir"
echo PASS
