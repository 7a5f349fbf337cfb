#!/usr/bin/env bash
# Ctrl-C mid-run: the run stops within the one-second budget (checked generously at 1.5 s), exits 130
# with nothing found, still writes report.json (status interrupted), and leaves no process of the run
# and no temp directory behind. A second run with SIGTERM behaves the same.
. "$(dirname "$0")/runner_lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }

for sig in INT TERM; do
  out=$T/run-$sig
  "$BIN" --workload compute --workers 2 --duration 60s --quiet --out "$out" &
  pid=$!
  kids=$(wait_children $pid 2) || fail "workers did not start"
  sleep 1.2   # let a heartbeat and a sample happen
  ls "$TMPDIR" | grep -q '^stresswsl-' || fail "no per-run temp root under TMPDIR while running"
  t0=$(now_ms)
  kill -$sig $pid
  wait $pid
  rc=$?
  t1=$(now_ms)
  interrupted_rc_ok $rc "$out/report.json" || fail "SIG$sig: exit code $rc, want 130; error events: $(json_get "$out/report.json" '[.events[] | select(.severity == "error" or .severity == "fatal") | .text]')"
  [ $((t1 - t0)) -le 1500 ] || fail "SIG$sig: took $((t1 - t0)) ms to stop (bound 1500 ms)"
  [ -f "$out/report.json" ] || fail "no report.json after SIG$sig"
  [ "$(json_get "$out/report.json" .run.status)" = interrupted ] || fail "status is not interrupted"
  [ "$(json_get "$out/report.json" .run.exit_code)" = $rc ] || fail "report exit_code is not $rc"
  [ "$(json_get "$out/report.json" .run.interrupted_by)" = "SIG$sig" ] || fail "interrupted_by"
  [ $rc -ne 130 ] || [ "$(json_get "$out/report.json" .verdict.status)" = inconclusive ] || fail "verdict is not inconclusive"
  [ "$(json_get "$out/report.json" '.workloads[0].ops > 0')" = true ] || fail "partial results missing"
  for k in $kids; do alive $k && fail "worker $k still alive"; done
  no_process_in_groups $kids
  [ -z "$(ls -A "$TMPDIR")" ] || fail "temp files left: $(ls -A "$TMPDIR")"
  [ ! -e "$out/tmp" ] || fail "temp dir left in the run dir"
  echo "SIG$sig: stopped in $((t1 - t0)) ms, exit 130, report written, nothing left"
done

# A worker that cannot act on the stop request (frozen) and a second Ctrl-C: straight to SIGKILL. The
# second comes after the 250 ms in which a repeat is the same request (t-run-signal-twice) and before
# the SIGTERM stage at 500 ms.
"$BIN" --workload compute --workers 2 --duration 60s --quiet --out "$T/double" >/dev/null 2>&1 &
pid=$!
kids=$(wait_children $pid 2) || fail "workers did not start"
kill -STOP ${kids%% *}
sleep 0.3
kill -INT $pid
sleep 0.3
kill -INT $pid
wait $pid
rc=$?
interrupted_rc_ok $rc "$T/double/report.json" || fail "double Ctrl-C: exit $rc"
json_get "$T/double/report.json" '.events[].text' | grep -q "did not stop in time and got SIGKILL" ||
  fail "the frozen worker was not killed: $(json_get "$T/double/report.json" '.events[].text')"
for k in $kids; do alive $k && fail "worker $k still alive after a double Ctrl-C"; done
no_process_in_groups $kids

# The journal of an interrupted run is closed cleanly: the next run reports no previous_run.
"$BIN" --workload compute --workers 1 --duration 1s --quiet --json "$T/next.json" >/dev/null
[ $? -eq 6 ] || fail "next run failed (a clean 1 s run is inconclusive: exit 6)"
[ "$(json_get "$T/next.json" .previous_run)" = null ] || fail "an interrupted run was reported as abrupt"
echo PASS
