#!/usr/bin/env bash
# analyze keeps its memory flat on any input size (issue 9 bounds, issue 10): 300 MB of real kernel logs
# (every fixture and corpus log, over and over: events everywhere) streamed through a pipe peak below
# 64 MiB, and no more than a 3 MB stream of the same logs plus a little. Every line is still read and
# counted, and the events past the per-kind cap are counted, not kept. Not a timing test.
set -u
bin=$1 src=$2 fix=$3
[ -d "$fix/kmsg" ] || { echo "SKIP: no kmsg fixtures in $fix/kmsg"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat "$fix"/kmsg/*.log "$fix"/kmsg-more/*.log "$src"/tests/corpus/kmsg/*.log >"$tmp/one.log" ||
  fail "cannot read the logs"

# stream MB: analyze --json - of MB megabytes of the logs, fed through a pipe (never on disk); prints
# the peak RSS in KiB and the number of lines the logs held, leaves the report in $tmp/out.json
stream() {
  python3 - "$bin" "$tmp/one.log" "$1" "$tmp/out.json" <<'EOF'
import resource, subprocess, sys
binary, one, mb, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
data = open(one, "rb").read()
if not data.endswith(b"\n"):
    data += b"\n"
reps = mb * 1000 * 1000 // len(data) + 1
with open(out, "wb") as o:
    p = subprocess.Popen([binary, "analyze", "--json", "-"], stdin=subprocess.PIPE, stdout=o,
                         stderr=subprocess.DEVNULL)
    try:
        for _ in range(reps):
            p.stdin.write(data)
        p.stdin.close()
    except BrokenPipeError:
        pass
    rc = p.wait()
if rc not in (0, 1):
    sys.exit("analyze exited %d" % rc)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, reps * data.count(b"\n"))
EOF
}

read -r small_kib small_lines < <(stream 3) || fail "3 MB stream"
[ "$(jq '.files[0].lines' "$tmp/out.json")" = "$small_lines" ] || fail "3 MB: lines $(jq '.files[0].lines' "$tmp/out.json") != $small_lines"
read -r big_kib big_lines < <(stream 300) || fail "300 MB stream"
echo "peak RSS: 3 MB stream ${small_kib} KiB, 300 MB stream ${big_kib} KiB"
[ "$(jq '.files[0].lines' "$tmp/out.json")" = "$big_lines" ] || fail "300 MB: lines $(jq '.files[0].lines' "$tmp/out.json") != $big_lines"
[ "$big_kib" -lt $((64 * 1024)) ] || fail "300 MB stream peaked at $big_kib KiB (limit 64 MiB)"
[ "$big_kib" -lt $((small_kib + 8 * 1024)) ] || fail "memory grows with the input: $small_kib KiB -> $big_kib KiB"
# the cap: at most 100 events of a kind kept, the rest counted
max_kept=$(jq '[.files[0].events | group_by(.kernel.kind)[] | length] | max' "$tmp/out.json")
[ "$max_kept" -le 100 ] || fail "$max_kept events of one kind kept"
[ "$(jq '[.files[0].events_omitted[]] | add' "$tmp/out.json")" -gt 100000 ] || fail "omitted events not counted"
echo "ok"
