#!/usr/bin/env bash
# The compare and bundle commands as users run them: exit codes (0 stable and not worse, 1 otherwise,
# 2 bad input), the three output formats, and a bundle archive that tar can list.
# $1 = stresswsl binary, $2 = source dir, $3 = fixtures dir.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

report() {   # dir status bios firmware
  mkdir -p "$1"
  cat >"$1/report.json" <<JSON
{"schema_version": 1, "run": {"id": "$(basename "$1")", "status": "completed", "duration_s": 1200,
 "profile": "compile", "command": "stresswsl --profile compile"},
 "facts": {"before": {"firmware": {"bios_version": {"value": "$3", "source": "host-wmi"}},
                      "microcode": {"firmware": {"value": "$4", "source": "host-registry"}}}},
 "workloads": [{"name": "compile", "unit": "jobs", "rate_per_s": 10,
                "series": {"interval_s": 1, "ops": [10, 10, 11, 10, 9, 10, 10, 11, 10, 10, 10, 9, 10, 10, 11, 10, 10, 10, 10, 10, 10, 10, 9, 11]}}],
 "events": [], "findings": [], "verdict": {"status": "$2", "summary": "x"}}
JSON
}
for i in 1 2 3; do report "$tmp/before/r$i" unstable 1402 0x123; done
for i in 1 2 3 4 5; do report "$tmp/after/r$i" stable 1801 0x12f; done
report "$tmp/one-clean" stable 1801 0x12f

out=$("$bin" compare "$tmp/before" "$tmp/after"); rc=$?
[ $rc -eq 0 ] || fail "fixed compare exited $rc: $out"
echo "$out" | grep -q '^FIXED' || fail "no FIXED verdict: $out"
echo "$out" | grep -q '1402 -> 1801' || fail "BIOS change not shown: $out"

"$bin" compare "$tmp/before" "$tmp/one-clean" >"$tmp/o.txt"; rc=$?
[ $rc -eq 1 ] || fail "one clean run must not pass (rc $rc)"
grep -q '^INCONCLUSIVE' "$tmp/o.txt" || fail "one clean run: $(cat "$tmp/o.txt")"

"$bin" compare --json "$tmp/after/r1" "$tmp/after/r2" --vs "$tmp/before/r1" >"$tmp/o.json"; rc=$?
[ $rc -eq 1 ] || fail "regressed must exit 1 (rc $rc)"
grep -q '"verdict": "regressed"' "$tmp/o.json" || fail "json: $(head -c 400 "$tmp/o.json")"

"$bin" compare --markdown "$tmp/before" "$tmp/after" | grep -q '^# stresswsl compare: FIXED' || fail "markdown"

"$bin" compare "$tmp/before" 2>"$tmp/e.txt"; rc=$?
[ $rc -eq 2 ] || fail "one side only must exit 2 (rc $rc)"
"$bin" compare "$tmp/before" /nonexistent/x 2>"$tmp/e.txt"; rc=$?
[ $rc -eq 2 ] && grep -q '/nonexistent/x' "$tmp/e.txt" || fail "missing path: rc $rc $(cat "$tmp/e.txt")"
"$bin" compare --frobnicate a b 2>/dev/null; [ $? -eq 2 ] || fail "unknown option must exit 2"

mkdir -p "$tmp/state/runs"
cp -r "$tmp/after/r1" "$tmp/state/runs/20261123-100000-aaaa"
"$bin" bundle --out "$tmp/b.tar.gz" --state-dir "$tmp/state" >"$tmp/b.txt"; rc=$?
[ $rc -eq 0 ] || fail "bundle exited $rc: $(cat "$tmp/b.txt")"
tar tzf "$tmp/b.tar.gz" >"$tmp/list.txt" || fail "tar cannot list the bundle"
for f in MANIFEST probe.json runs/20261123-100000-aaaa/report.json runs/20261123-100000-aaaa/report.md; do
  grep -qx "stresswsl-bundle/$f" "$tmp/list.txt" || fail "bundle lacks $f: $(cat "$tmp/list.txt")"
done
tar xzf "$tmp/b.tar.gz" -O stresswsl-bundle/MANIFEST | grep -q 'Redaction: ON' || fail "MANIFEST"
"$bin" bundle --bogus 2>/dev/null; [ $? -eq 2 ] || fail "bundle: unknown option must exit 2"
# --out naming a descriptor (/dev/fd/1, as /dev/stdout is) is written into: the archive goes down the
# pipe and the messages to stderr (the atomic rename tried to put a temp file in /proc, and as root
# replaced /dev/stdout itself)
"$bin" bundle --out /dev/fd/1 --state-dir "$tmp/state" 2>"$tmp/bs.txt" | tar tzf - >"$tmp/pipe-list.txt" ||
  fail "bundle --out /dev/fd/1 | tar: $(cat "$tmp/bs.txt")"
grep -qx "stresswsl-bundle/MANIFEST" "$tmp/pipe-list.txt" || fail "bundle through a pipe lacks its MANIFEST"
grep -q "^wrote /dev/fd/1" "$tmp/bs.txt" || fail "bundle to stdout: no message on stderr: $(cat "$tmp/bs.txt")"
echo "ok"
