#!/usr/bin/env bash
# `stresswsl selftest` on the real binary: every case (clean runs and injected faults) must PASS and
# the command exit 0. Then the negative check that the selftest could fail at all: a plain run with
# a bit flip injected must exit 1 and carry a mem_error event whose flipped_bits has exactly one bit.
# Args: $1 = stresswsl binary, $2 = source dir, $3 = fixtures dir.
set -u
bin=$1
fail() { echo "FAIL: $*"; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the JSON"; exit 77; }

. "$(dirname "$0")/common.sh"
work=$(sw_tmpdir selftest)
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work

# 1. The selftest itself, human output.
timeout -k 5 120 "$bin" selftest >"$work/out.txt" 2>"$work/err.txt"
rc=$?
cat "$work/out.txt"
[ "$rc" = 0 ] || { cat "$work/err.txt"; fail "selftest exited $rc, want 0"; }
cases=$(grep -cE '^(PASS|FAIL|SKIP) ' "$work/out.txt")
[ "$cases" -ge 18 ] || fail "expected at least 18 case lines (8 clean + 10 injected), got $cases"
grep -E '^FAIL ' "$work/out.txt" && fail "a case line says FAIL"
[ "$(grep -cE '^(PASS|SKIP) ' "$work/out.txt")" = "$cases" ] || fail "not every case line says PASS or SKIP"
for c in memory/clean heap/clean execve/clean compile/clean compute/clean exit/clean pressure/clean memory/bitflip \
         memory/corrupt heap/corrupt execve/corrupt compile/segv compile/wrong compute/wrong exit/wrong pressure/bitflip; do
  grep -qE "^PASS +$c " "$work/out.txt" || fail "no PASS line for $c"
done
# io_uring is skipped, with the reason, where the kernel or a sandbox refuses it
for c in io_uring/clean io_uring/wrong; do
  grep -qE "^(PASS +$c |SKIP +$c +skipped, not available here: )" "$work/out.txt" || fail "no PASS or SKIP line for $c"
done
grep -qE '^PASS +compile/segv .*signal 11' "$work/out.txt" || fail "compile/segv line does not name signal 11"
grep -q '^selftest: 18 of 18 cases passed' "$work/out.txt" || fail "summary line missing or wrong"

# 2. A subset as JSON.
timeout -k 5 60 "$bin" selftest --workload compute --json >"$work/sub.json" 2>"$work/err.txt"
rc=$?
[ "$rc" = 0 ] || { cat "$work/err.txt"; fail "selftest --workload compute --json exited $rc"; }
python3 - "$work/sub.json" <<'EOF' || fail "selftest --json output is wrong"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["result"] == "pass" and d["failed"] == 0, d
names = [(c["workload"], c["fault"]) for c in d["cases"]]
assert names == [("compute", "clean"), ("compute", "wrong")], names
assert all(c["result"] == "pass" for c in d["cases"])
assert d["cases"][1]["exit_code"] == 1 and d["cases"][1]["matching_events"] >= 1
EOF

# 3. Bad usage: exit 2 and one line.
"$bin" selftest --workload nosuch >/dev/null 2>"$work/err.txt"
[ $? = 2 ] || fail "unknown workload did not exit 2"
grep -q "no self-test for 'nosuch'" "$work/err.txt" || fail "unknown workload message: $(cat "$work/err.txt")"
"$bin" selftest --bogus >/dev/null 2>&1
[ $? = 2 ] || fail "unknown option did not exit 2"

# 4. The negative check: the same detector outside the selftest, through `run --inject` (a 256M buffer:
#    the default, most of free memory, takes longer than 2 s just to set up).
timeout -k 5 60 "$bin" --workload memory --workers 1 --duration 2s --memory 256M --inject bitflip --state-dir "$work/state" \
  --quiet --json - >"$work/run.json" 2>"$work/err.txt"
rc=$?
[ "$rc" = 1 ] || { cat "$work/err.txt"; fail "an injected bit flip run exited $rc, want 1"; }
python3 - "$work/run.json" <<'EOF' || fail "the injected run's report has no single-bit mem_error"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["run"]["exit_code"] == 1, d["run"]
mem = [e for e in d["events"] if e["type"] == "mem_error"]
assert mem, "no mem_error event"
for e in mem:
    assert e["workload"] == "memory" and e["severity"] in ("error", "fatal"), e
    fb = int(e["mem"]["flipped_bits"], 16)
    assert fb != 0 and fb & (fb - 1) == 0, "flipped_bits %s is not exactly one bit" % e["mem"]["flipped_bits"]
    assert int(e["mem"]["expected"], 16) ^ int(e["mem"]["actual"], 16) == fb
print("negative check: %d mem_error event(s), flipped_bits %s" % (len(mem), mem[0]["mem"]["flipped_bits"]))
EOF

# Nothing left behind by the runs (the state dir of the plain run is ours to keep; temp roots are not).
left=$(find "$work" -mindepth 1 -maxdepth 1 ! -name '*.txt' ! -name '*.json' ! -name state | head -5)
[ -z "$left" ] || fail "temporary files left behind: $left"
echo "PASS"
