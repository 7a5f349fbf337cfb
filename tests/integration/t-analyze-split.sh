#!/usr/bin/env bash
# analyze reads a big log's second half on a second CPU (cli/cli_analyze_split.c) and says exactly what
# one pass says. Every fixture and corpus log, and logs built so the middle falls inside a report, are
# analyzed split (STRESSWSL_ANALYZE_SPLIT_MIN=0: any size) and in one pass: the JSON report, the readable
# report and the exit code must be the same. The split must really happen: on most logs the halves join,
# and on the logs cut inside a report they join after it, past the seam. (A log of a few dozen lines
# has its seam among the first lines, read before the format is known: it is not split, only compared.)
set -u
bin=$1 src=$2 fix=$3
[ -d "$fix/kmsg" ] || { echo "SKIP: no kmsg fixtures in $fix/kmsg"; exit 77; }
if [ "$(nproc)" -lt 2 ]; then echo "SKIP: one CPU: analyze never splits here"; exit 77; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

joined=0 past=0 logs=0 wrapped=0
# same FILE: split and one pass agree; counts the joins
same() {
  local f=$1 m
  for m in --json ""; do
    STRESSWSL_ANALYZE_SPLIT_MIN=0 "$bin" analyze $m "$f" >"$tmp/split.out" 2>"$tmp/split.err"
    local rc1=$?
    "$bin" analyze $m "$f" >"$tmp/one.out" 2>"$tmp/one.err"
    local rc2=$?
    [ "$rc1" = "$rc2" ] || fail "$f ($m): exit $rc1 split, $rc2 in one pass"
    cmp -s "$tmp/split.out" "$tmp/one.out" || {
      diff "$tmp/one.out" "$tmp/split.out" | head -20
      fail "$f ($m): the split report differs from one pass"
    }
    grep -v "second half joined" "$tmp/split.err" | cmp -s - "$tmp/one.err" || fail "$f ($m): stderr differs"
  done
  if grep -q "second half joined" "$tmp/split.err"; then
    joined=1
    grep -q "(1 past the seam)" "$tmp/split.err" || past=$((past + 1))
  fi
  logs=$((logs + 1))
}

reports=0
for f in "$fix"/kmsg/*.log "$fix"/kmsg-more/*.log "$src"/tests/corpus/kmsg/*.log "$fix"/host/dmesg*.txt \
  "$fix"/wsl/dmesg*.txt; do
  [ -f "$f" ] || continue
  same "$f"
  # the same report with quiet lines around it, its middle at the file's middle: the seam is inside
  # the report, the second half starts in its middle and must not be taken before the report ends
  n=$(wc -l <"$f")
  if [ "$n" -ge 4 ] && grep -qE "Call Trace|BUG|WARNING|Oops|stall|segfault|Machine check|oom" "$f"; then
    reports=$((reports + 1))
    { for i in $(seq 40); do echo "[    1.$(printf %06d "$i")] usb 1-1: quiet line $i"; done
      cat "$f"
      for i in $(seq 40); do echo "[99999.$(printf %06d "$i")] usb 1-1: quiet line $i"; done; } >"$tmp/wrapped.log"
    joined=0 && same "$tmp/wrapped.log"
    [ "$joined" = 1 ] && wrapped=$((wrapped + 1))
  fi
done
# one-line events (an end-of-trace marker makes and ends a report on its own line; a segfault) on every
# other line, starting either way: the halves join on an event line, and more events than the per-kind
# cap lie on both sides of the seam
for first in 0 1; do
  for ev in "---[ end trace %016x ]---" "a.out[%d]: segfault at 0 ip 0000000000401136 sp 00007ffd3e0 error 6 in a.out[401000+1000]"; do
    python3 - "$first" "$ev" >"$tmp/alt.log" <<'EOF'
import sys
first, ev = int(sys.argv[1]), sys.argv[2]
for i in range(301):
    quiet = "[  %3d.%06d] usb 1-1: quiet line %d" % (i, 2 * i, i)
    event = "[  %3d.%06d] " % (i, 2 * i + 1) + (ev % (1000 + i))
    print("\n".join([event, quiet] if first else [quiet, event]))
EOF
    same "$tmp/alt.log"
  done
done
# every log at once, twice: events on both sides of the seam, the facts of many boots
cat "$fix"/kmsg/*.log "$fix"/kmsg-more/*.log "$src"/tests/corpus/kmsg/*.log >"$tmp/all.log"
cat "$tmp/all.log" "$tmp/all.log" >"$tmp/all2.log"
same "$tmp/all2.log"

echo "$logs logs compared; of $reports reports cut in the middle, $wrapped joined; $past joined past the seam"
[ "$logs" -ge 100 ] || fail "only $logs logs compared"
# (a report cut in a log without timestamps keeps the second half's orphan fragment open to the end:
# no join there, one pass instead, which is the fallback working)
[ $((wrapped * 2)) -ge "$reports" ] || fail "only $wrapped of $reports cut reports joined: the split is not tested"
[ "$past" -ge 5 ] || fail "only $past logs joined past the seam: the window is not tested"
echo "PASS"
