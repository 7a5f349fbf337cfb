#!/usr/bin/env bash
# Exit codes: 0 for a clean completed run, 1 when a worker is killed by SIGSEGV (an event with the
# signal; the other worker goes on) or a workload finds wrong results, 2 for bad usage and for a
# request over the memory budget (refused with the numbers). 130 is covered by t-run-interrupt.
. "$(dirname "$0")/runner_lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }

# 6: a clean run too short to call the machine stable is inconclusive, not a pass
"$BIN" --workload compute --workers 2 --duration 2s --out "$T/ok" >"$T/ok.out" 2>&1
rc=$?
[ $rc -eq 6 ] || fail "clean 2 s run exit $rc, want 6: $(cat "$T/ok.out")"
r=$T/ok/report.json
[ "$(json_get $r .run.status)" = completed ] || fail "status"
# A 2-second clean run proves little: the correlator calls it inconclusive (exit 6).
[ "$(json_get $r .verdict.status)" = inconclusive ] || fail "verdict of a 2 s clean run: $(json_get $r .verdict.status)"
[ "$(json_get $r '.facts.before.cpu.signature.value | startswith("0x")')" = true ] || fail "facts.before has no CPU signature"
[ "$(json_get $r '.facts.after.hypervisor.present.value')" = true ] || fail "facts.after missing (this CI machine is a VM)"
[ "$(json_get $r '.findings | length')" = 0 ] || fail "findings on a clean run: $(json_get $r '.findings[].rule')"
[ "$(json_get $r '.workloads[0].series.ops | add') " = "$(json_get $r '.workloads[0].ops') " ] || fail "series sum != ops"
[ "$(json_get $r '.workloads[0].worker_results | map(.exit) | unique | .[0]')" = ok ] || fail "worker exits"
[ "$(json_get $r '.plan.phases[0].workloads[0].workers')" = 2 ] || fail "plan"
[ "$(json_get $r '.schema_version')" = 1 ] || fail "schema_version"
grep -q "completed" "$T/ok.out" && grep -q "Report: $T/ok/report.md" "$T/ok.out" || fail "summary: $(cat "$T/ok.out")"
grep -q '"journal"' $r || fail "journal path"

# 1: a worker dies from SIGSEGV
"$BIN" --workload compute --workers 2 --duration 4s --quiet --out "$T/segv" >/dev/null 2>&1 &
pid=$!
kids=$(wait_children $pid 2) || fail "workers did not start"
victim=${kids%% *}
sleep 0.5
kill -SEGV $victim
wait $pid
rc=$?
[ $rc -eq 1 ] || fail "SIGSEGV run exit $rc, want 1"
r=$T/segv/report.json
[ "$(json_get $r '[.events[] | select(.type == "worker_signal" and .fault.signal == "SIGSEGV" and .severity == "error")] | length')" = 1 ] ||
  fail "no worker_signal SIGSEGV event"
[ "$(json_get $r '.verdict.status')" = unstable ] || fail "verdict not unstable"
[ "$(json_get $r '.run.status')" = completed ] || fail "the run did not go on to completion"
[ "$(json_get $r '[.workloads[0].worker_results[] | select(.exit == "ok")] | length')" = 1 ] ||
  fail "the other worker did not finish normally"

# 1: wrong results (fault injection in the compute workload)
"$BIN" --workload compute --workers 1 --duration 2s --quiet --inject wrong --out "$T/wrong" >/dev/null 2>&1
rc=$?
[ $rc -eq 1 ] || fail "injected wrong results: exit $rc, want 1"
[ "$(json_get $T/wrong/report.json '[.events[] | select(.type == "verify_error")] | length > 0')" = true ] ||
  fail "no verify_error events"

# 1: a real fault in a worker's child (the compile workload's injected NULL store in a job)
"$BIN" --workload compile --workers 1 --duration 2s --quiet --inject segv --out "$T/cc" >/dev/null 2>&1
rc=$?
[ $rc -eq 1 ] || fail "injected SIGSEGV in a compile job: exit $rc, want 1"
[ "$(json_get $T/cc/report.json '[.events[] | select(.type == "worker_signal" and .severity == "error")] | length > 0')" = true ] ||
  fail "no worker_signal event for the crashed job"

# 2: bad usage, and a request over the memory budget
"$BIN" --workload compute --bogus-option >/dev/null 2>&1
[ $? -eq 2 ] || fail "bad option did not exit 2"
"$BIN" --workload compute --workers 1 --memory 900T --duration 2s >"$T/big.out" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "over-budget --memory exit $rc, want 2"
grep -q "more than this run may use" "$T/big.out" && grep -q "MemAvailable" "$T/big.out" || fail "refusal: $(cat "$T/big.out")"
[ $(wc -l <"$T/big.out") -eq 1 ] || fail "refusal is not one line"
[ ! -d "$XDG_STATE_HOME/stresswsl/runs" ] || [ -z "$(ls "$XDG_STATE_HOME/stresswsl/runs")" ] || fail "a refused run left a run dir"
# Parameters that are each valid but wrong together (or a bad list) fail before anything starts,
# from the command line and from a profile file, with the JSON path.
"$BIN" --workload heap --param min_size=1M --param max_size=64K --duration 2s >"$T/p.out" 2>&1
[ $? -eq 2 ] || fail "min_size > max_size: not refused with 2"
grep -q "min_size (1M) is larger than max_size (64K)" "$T/p.out" || fail "min/max message: $(cat "$T/p.out")"
"$BIN" --workload memory --param patterns=walking-twos --duration 2s >"$T/p.out" 2>&1
[ $? -eq 2 ] || fail "unknown pattern: not refused with 2"
grep -q "unknown pattern 'walking-twos'" "$T/p.out" || fail "pattern message: $(cat "$T/p.out")"
cat >"$T/bad.json" <<'JSON'
{"schema": 1, "name": "bad", "description": "x", "duration": "10s",
 "phases": [{"name": "p", "weight": 1,
             "workloads": [{"workload": "memory", "workers": 1, "pin": "none", "params": {"patterns": "solid,nope"}}]}]}
JSON
"$BIN" --profile "$T/bad.json" --dry-run >"$T/p.out" 2>&1
[ $? -eq 2 ] || fail "bad profile params: not refused with 2"
grep -q "bad.json.*phases\[0\].workloads\[0\].params.*unknown pattern 'nope'" "$T/p.out" || fail "profile message: $(cat "$T/p.out")"
[ $(wc -l <"$T/p.out") -eq 1 ] || fail "profile refusal is not one line"
# 3: the run found nothing but its --json could not be written (a short run too: not 6, which would
# hide the failure from a script that then reads a missing file)
"$BIN" --workload compute --workers 1 --duration 1s -q --json "$T/nodir/x.json" --out "$T/j" >"$T/j.out" 2>&1
rc=$?
[ $rc -eq 3 ] || fail "--json into a missing directory: exit $rc, want 3: $(cat "$T/j.out")"
grep -q "cannot write $T/nodir/x.json" "$T/j.out" || fail "--json failure message: $(cat "$T/j.out")"
# 3: a run refused before it starts (no temp directory) leaves no run directory and remembers none
mkdir -p "$T/refused"
TMPDIR=/nonexistent/sw-tmp "$BIN" --workload compute --workers 1 --duration 1s -q --state-dir "$T/refused/state" \
  >"$T/r.out" 2>&1
rc=$?
[ $rc -eq 3 ] || fail "no temp directory: exit $rc, want 3: $(cat "$T/r.out")"
TMPDIR=/nonexistent/sw-tmp "$BIN" --workload compute --workers 1 --duration 1s -q --state-dir "$T/refused/state" \
  --out "$T/refused/out" >"$T/r.out" 2>&1
rc=$?
[ $rc -eq 3 ] || fail "no temp directory (--out): exit $rc, want 3: $(cat "$T/r.out")"
left=$(cd "$T/refused" && find . -mindepth 1 ! -path ./state ! -path ./state/runs)
[ -z "$left" ] || fail "a refused run left: $left"
# A run refused by its --mirror (tmpfs does not survive the crash it would record) leaves no journal:
# the next run must not report it as a crash
S="$T/refused2"
if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
  "$BIN" --workload compute --workers 1 --duration 1s -q --state-dir "$S" --mirror "/dev/shm/sw-integ-$$" \
    >"$T/r2.out" 2>&1
  rc=$?
  left_mirror=$(ls -A "/dev/shm/sw-integ-$$" 2>/dev/null)
  rm -rf "/dev/shm/sw-integ-$$"
  [ $rc -eq 2 ] || fail "--mirror on tmpfs: exit $rc, want 2: $(cat "$T/r2.out")"
  [ -z "$(ls -A "$S/runs" 2>/dev/null)" ] || fail "the refused run left: $(ls -A "$S/runs")"
  [ -z "$left_mirror" ] || fail "the refused run left in the mirror: $left_mirror"
  "$BIN" --workload compute --workers 1 --duration 1s -q --state-dir "$S" >"$T/r3.out" 2>&1
  grep -q "ended abruptly" "$T/r3.out" && fail "a refused run was reported as a crash: $(cat "$T/r3.out")"
else
  echo "note: /dev/shm is not tmpfs: the refused --mirror case did not run"
fi
echo PASS
