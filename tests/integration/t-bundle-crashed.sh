#!/usr/bin/env bash
# bundle after crashes, as a user meets it: a state dir with 10 runs killed by SIGKILL (real journals
# from the runner) and a run made with --out bundles in seconds; the archive holds the journals and
# the --out run, not this machine's host name; `bundle RUN_DIR...` works; bad --out and RUN_DIR
# arguments exit 2 with one line naming the path and the reason.
. "$(dirname "$0")/runner_lib.sh"
command -v tar >/dev/null || { echo "SKIP: tar not installed"; exit 77; }

"$BIN" --workload compute --workers 1 --duration 60s --quiet &
pid=$!
wait_children $pid 1 >/dev/null || fail "worker did not start"
sleep 1.2   # a heartbeat in the journal
kill -KILL $pid
wait $pid 2>/dev/null
runs=$XDG_STATE_HOME/stresswsl/runs
killed=$(ls "$runs")
[ -f "$runs/$killed/journal" ] || fail "no journal left by the killed run"
for i in 1 2 3 4 5 6 7 8 9; do cp -r "$runs/$killed" "$runs/${killed%-*}-000$i"; done

"$BIN" --workload compute --workers 1 --duration 1s --quiet --out "$T/before" >/dev/null 2>&1
[ $? -eq 6 ] || fail "the --out run failed (a clean 1 s run is inconclusive: exit 6)"
grep -qx "$T/before" "$XDG_STATE_HOME/stresswsl/external-runs" || fail "the --out run is not in external-runs"

start=$(now_ms)
timeout 60 "$BIN" bundle --out "$T/b.tar.gz" >"$T/b.txt" 2>&1 || fail "bundle failed: $(cat "$T/b.txt")"
ms=$(( $(now_ms) - start ))
echo "bundle of 10 crashed runs and a --out run: ${ms} ms"
[ $ms -lt 30000 ] || fail "bundle took ${ms} ms (hang guard)"
mkdir "$T/x" && tar xzf "$T/b.tar.gz" -C "$T/x" || fail "tar cannot unpack the bundle"
n=$(find "$T/x" -name journal | wc -l)
[ "$n" -ge 10 ] || fail "expected the 10 killed runs' journals, found $n"
ls "$T/x/stresswsl-bundle/out-runs/"*/report.json >/dev/null 2>&1 || fail "the --out run is missing: $(ls -R "$T/x")"
grep -q "Journals (" "$T/x/stresswsl-bundle/MANIFEST" || fail "MANIFEST says nothing about journals"
h=$(hostname)
case "$h" in localhost|ubuntu|debian|fedora|"") ;; *)
  ! grep -rqwiF -- "$h" "$T/x" || fail "this machine's host name '$h' is in the bundle: $(grep -rlwiF -- "$h" "$T/x")" ;;
esac
if [ -r /etc/machine-id ] && [ -s /etc/machine-id ]; then
  ! grep -rqiF -- "$(cat /etc/machine-id)" "$T/x" || fail "the machine id is in the bundle"
fi
! grep -rqiF -- "$(cat /proc/sys/kernel/random/boot_id)" "$T/x" || fail "the boot id is in the bundle"

# bundle RUN_DIR...
"$BIN" bundle --out "$T/c.tar.gz" "$T/before" "$runs/$killed" >/dev/null 2>"$T/c.err" || fail "bundle RUN_DIR: $(cat "$T/c.err")"
tar tzf "$T/c.tar.gz" | grep -q "runs/before/report.json" || fail "RUN_DIR not bundled: $(tar tzf "$T/c.tar.gz")"

# Bad input: exit 2, one line, the path and the reason.
"$BIN" bundle --out /nonexistent-dir/b.tar.gz 2>"$T/e1"; rc=$?
[ $rc -eq 2 ] || fail "missing --out dir: exit $rc"
[ "$(wc -l <"$T/e1")" -eq 1 ] && grep -q "/nonexistent-dir/b.tar.gz" "$T/e1" && grep -q "No such file or directory" "$T/e1" ||
  fail "missing --out dir: $(cat "$T/e1")"
"$BIN" bundle --out "$T" 2>"$T/e2"; rc=$?
[ $rc -eq 2 ] && grep -q "Is a directory" "$T/e2" || fail "--out a directory: rc $rc $(cat "$T/e2")"
ln -s "$T/before" "$T/link"
"$BIN" bundle --out "$T/d.tar.gz" "$T/link" 2>"$T/e3"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$T/e3")" -eq 1 ] && grep -q "symlink" "$T/e3" || fail "symlink RUN_DIR: rc $rc $(cat "$T/e3")"
"$BIN" bundle --out "$T/d.tar.gz" "$T/nothing-here" 2>"$T/e4"; rc=$?
[ $rc -eq 2 ] && grep -q "$T/nothing-here" "$T/e4" || fail "missing RUN_DIR: rc $rc $(cat "$T/e4")"
[ ! -e "$T/d.tar.gz" ] || fail "an archive was written for bad input"
ls "$T" | grep -q '\.tar\.gz\.' && fail "a temporary file was left: $(ls "$T")"
echo PASS
