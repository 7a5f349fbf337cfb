#!/usr/bin/env bash
# A worker that stops making progress (here: frozen with SIGSTOP, as one stuck in the kernel would
# look) is reported as a stall after 10 s with its /proc state; at the deadline it does not stop by
# itself, so the runner escalates to SIGTERM and SIGKILL and still finishes the run cleanly. Also
# checks --mirror: the journal is written the same way into the mirror directory.
# The stall window is counted from when the worker really stopped: a busy machine can take seconds to
# start the workers, so the run is long enough for 10 s of silence plus the sampling second after a
# late stop, and the test fails with the measured delay if even that was not enough.
. "$(dirname "$0")/runner_lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }

"$BIN" --workload compute --workers 2 --duration 20s --quiet --out "$T/run" --mirror "$T/mirror" >/dev/null 2>&1 &
pid=$!
t_start=$(now_ms)
kids=$(wait_children $pid 2) || fail "workers did not start"
frozen=${kids%% *}
sleep 0.3
kill -STOP $frozen
# stopped for real (state T), and when: the window the runner needs starts here
for i in $(seq 1 100); do [ "$(awk '{print $3}' /proc/$frozen/stat 2>/dev/null)" = T ] && break; sleep 0.02; done
late=$(( $(now_ms) - t_start ))
[ $late -lt 8000 ] || fail "the worker stopped only ${late} ms into the 20 s run: no room for a 10 s stall window"
wait $pid
rc=$?
[ $rc -eq 6 ] || fail "exit $rc, want 6 (a stall is a warning, not instability; 20 s is inconclusive)"
r=$T/run/report.json
stall=$(json_get $r '[.events[] | select(.type == "stall")][0].text')
echo "$stall" | grep -q "made no progress for 1[0-9] s: state T" || fail "stall event: $stall"
json_get $r '[.events[] | select(.type == "note" and (.text | test("did not stop in time")))] | length' | grep -qx 1 ||
  fail "no escalation note"
[ "$(json_get $r '.workloads[0].worker_results | map(.exit) | sort | join(",")')" = "ok,signal SIGKILL" ] ||
  fail "worker exits: $(json_get $r '.workloads[0].worker_results | map(.exit)')"
alive $frozen && fail "the frozen worker is still there"
id=$(json_get $r .run.id)
cmp -s "$T/run/journal" "$T/mirror/$id/journal" || fail "the mirror journal differs from the journal"
echo PASS
