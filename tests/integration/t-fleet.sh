#!/usr/bin/env bash
# `stresswsl fleet` over real runs made here: three short clean runs and one with an injected fault,
# laid out as Ansible's fetch leaves them (DEST/<host>/<run>/); the fault is named first, in every
# output format; a bundle (`stresswsl bundle`) is read as one machine and a run seen twice counts once;
# bad input exits 2.
. "$(dirname "$0")/runner_lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }

F=$T/fleet
for i in 1 2 3; do
  "$BIN" --workload compute --workers 1 --duration 2s --quiet --label smoke --out "$F/hostA/clean-$i" >/dev/null 2>&1
  [ -f "$F/hostA/clean-$i/report.json" ] || fail "clean run $i wrote no report"
done
"$BIN" --workload compute --workers 1 --duration 2s --quiet --label smoke --inject wrong --out "$F/hostA/faulty" \
  >/dev/null 2>&1; [ $? -eq 1 ] || fail "the injected run did not exit 1"
bad=$(json_get "$F/hostA/faulty/report.json" .run.id)

"$BIN" fleet --out "$T/out" "$F" >"$T/stdout.md" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] || fail "fleet with a failed run must exit 1 (got $rc): $(cat "$T/err")"
for f in fleet.md fleet.html fleet.json fleet.csv; do [ -s "$T/out/$f" ] || fail "no $f"; done
J=$T/out/fleet.json
[ "$(json_get $J .fleet.reports)" = 4 ] || fail "reports: $(json_get $J .fleet)"
[ "$(json_get $J '.failed_runs[0].run_id')" = "$bad" ] || fail "the faulty run is not named first: $(jq -c .failed_runs $J)"
[ "$(json_get $J '.failed_runs[0].workload_errors')" -ge 1 ] || fail "workload errors of the faulty run"
# The clean runs fail only through kernel events of other processes on this shared machine, if at all.
[ "$(jq '[.failed_runs[1:][] | select(.workload_errors > 0)] | length' $J)" = 0 ] || fail "a clean run has workload errors"
grep -q "$bad" "$T/out/fleet.md" && grep -q "$bad" "$T/out/fleet.html" || fail "faulty run missing from md/html"
grep -q "^Report: $T/out/fleet.md" "$T/stdout.md" || fail "stdout with --out: $(cat "$T/stdout.md")"
"$BIN" fleet --quiet "$F" | grep -q "^## Failure rate per cohort" || fail "stdout is not the Markdown report"
sig=$(json_get "$F/hostA/faulty/report.json" .facts.before.cpu.signature.value)
grep -q "^cpu,.*($sig),1,1,0,1.0000,0.2065,1.0000,4," "$T/out/fleet.csv" || fail "csv cohort row: $(cat "$T/out/fleet.csv")"
[ "$(jq -r '.cohorts[] | select(.dimension == "cpu") | .rows[0].machines' $J)" = 1 ] || fail "one machine"

# The same runs once more, through a directory given twice: counted once.
"$BIN" fleet --format json --quiet "$F" "$F/hostA/faulty" >"$T/twice.json"; [ $? -eq 1 ] || fail "rc twice"
[ "$(json_get "$T/twice.json" .fleet.reports)" = 4 ] || fail "duplicate run counted twice"
[ "$(json_get "$T/twice.json" .fleet.duplicates)" = 1 ] || fail "duplicates"

# A bundle of one machine's state: its run is read from the archive; with the directory it is a duplicate.
cid=$(json_get "$F/hostA/clean-1/report.json" .run.id)
mkdir -p "$T/state/runs" && cp -r "$F/hostA/clean-1" "$T/state/runs/$cid"
"$BIN" bundle --out "$T/ws-42.tar.gz" --state-dir "$T/state" >/dev/null 2>&1 || fail "bundle"
"$BIN" fleet --format json --quiet "$T/ws-42.tar.gz" >"$T/b.json"
[ "$(json_get "$T/b.json" .fleet.reports)" = 1 ] || fail "bundle: $(jq -c .fleet "$T/b.json")"
[ "$(jq -r '.cohorts[0].rows[0].machines' "$T/b.json")" = 1 ] || fail "bundle machine"
"$BIN" fleet --format json --quiet "$F" "$T/ws-42.tar.gz" >"$T/b2.json"
[ "$(json_get "$T/b2.json" .fleet.duplicates)" = 1 ] || fail "bundle copy of a run counted twice"

# Clean runs only: exit 0.
mkdir -p "$T/clean" && cp -r "$F/hostA/clean-1" "$T/clean/"
own=$(jq '[.events[] | select(.severity == "error" and .type != "kernel")] | length' "$T/clean/clean-1/report.json")
"$BIN" fleet --format csv --quiet "$T/clean" >/dev/null; rc=$?
v=$(json_get "$T/clean/clean-1/report.json" .verdict.status)
if [ "$v" != unstable ]; then [ $rc -eq 0 ] || fail "clean fleet exit $rc"; fi

# A symlink given as the PATH itself is the user's choice and is followed.
ln -s "$F/hostA/faulty/report.json" "$T/given.json"
"$BIN" fleet --format json --quiet "$T/given.json" >"$T/g.json"; [ $? -eq 1 ] || fail "symlink argument"
[ "$(json_get "$T/g.json" .fleet.reports)" = 1 ] || fail "symlink argument not read"

# Hostile and bad input: skipped with a warning, or exit 2 with one line.
mkdir -p "$T/hostile/h1/r1" "$T/hostile/h2"
echo '{"run": {"id": "x"' >"$T/hostile/h1/r1/report.json"
ln -s "$F/hostA/faulty" "$T/hostile/h2/link"
"$BIN" fleet "$T/hostile" >/dev/null 2>"$T/e1"; [ $? -eq 2 ] || fail "no reports must exit 2"
grep -q "no stresswsl report" "$T/e1" || fail "message: $(cat "$T/e1")"
"$BIN" fleet /nonexistent/dir 2>"$T/e2"; [ $? -eq 2 ] && grep -q /nonexistent/dir "$T/e2" || fail "missing path"
"$BIN" fleet --format pdf "$F" 2>/dev/null; [ $? -eq 2 ] || fail "bad format"
"$BIN" fleet 2>/dev/null; [ $? -eq 2 ] || fail "no path"
"$BIN" fleet --bogus "$F" 2>/dev/null; [ $? -eq 2 ] || fail "unknown option"
"$BIN" help fleet | grep -q "usage: stresswsl fleet" || fail "help fleet"
echo ok
