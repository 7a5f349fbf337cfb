#!/usr/bin/env bash
# analyze on hostile and unusual input (issue 9 "analyze: bounded on any input") and the facts it explains
# a log with (issue 8 §1): directories, devices, binary and empty files are refused by name with exit 2
# and one line; /dev/zero answers at once; events per kind are capped and counted; every event carries
# its line; a log is explained with its own facts, never this machine's unless asked.
set -u
bin=$1 src=$2 fix=$3
k=$fix/kmsg
[ -d "$k" ] || { echo "SKIP: no kmsg fixtures in $k"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# refused(DESCRIPTION, EXPECTED-TEXT, ARGS...): exit 2, one line on stderr naming the problem, no stdout
refused() {
  local what=$1 text=$2
  shift 2
  "$bin" analyze "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  [ $rc -eq 2 ] || fail "$what: exit $rc, expected 2"
  grep -q -- "$text" "$tmp/err" || fail "$what: message: $(cat "$tmp/err")"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$what: more than one line: $(cat "$tmp/err")"
  [ -s "$tmp/out" ] && fail "$what: printed a report: $(head -3 "$tmp/out")"
  return 0
}
refused "directory" "is a directory" "$tmp"
refused "device" "is a device" /dev/null
start=$(date +%s%N)
refused "/dev/zero" "is a device" /dev/zero
[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 1000 ] || fail "/dev/zero took more than a second"
head -c 65536 /dev/zero >"$tmp/zeros"
refused "zeros in a file" "binary data" "$tmp/zeros"
refused "zeros on stdin" "binary data" - <"$tmp/zeros"
printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00' >"$tmp/elf"
head -c 4096 /dev/urandom >>"$tmp/elf"
refused "binary" "binary data" "$tmp/elf"
: >"$tmp/empty"
refused "empty" "is empty" "$tmp/empty"
mkfifo "$tmp/fifo"
refused "fifo by name" "pipe" "$tmp/fifo"
printf 'just some notes\nnothing from a kernel here\n' >"$tmp/notes.txt"
refused "text that is not a kernel log" "not a kernel log" "$tmp/notes.txt"

# Over-long lines (70 KiB, and 3 MiB: longer than the read buffer) are cut, not a reason to grow or fail;
# the lines after them are still read, with the right numbers.
for size in 70000 3000000; do
  { echo "[    1.0] Linux version 6.1.0 (b@h) #1 SMP"; head -c $size /dev/zero | tr '\0' 'x'; echo;
    echo "[    2.0] BUG: kernel NULL pointer dereference, address: 0000000000000008"; } >"$tmp/long.log"
  "$bin" analyze --json "$tmp/long.log" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ $rc -eq 1 ] || fail "long line $size: exit $rc: $(cat "$tmp/err")"
  [ "$(jq '.files[0].events | length' "$tmp/out")" = 1 ] || fail "long line $size: events $(jq -c '.files[0].events' "$tmp/out")"
  [ "$(jq '.files[0].events[0].kernel.line' "$tmp/out")" = 3 ] || fail "long line $size: line number"
  [ "$(jq '.files[0].lines' "$tmp/out")" = 3 ] || fail "long line $size: $(jq '.files[0].lines' "$tmp/out") lines"
done

# 150 segfaults: 100 kept, 50 counted, and the readable output says so.
for i in $(seq 150); do
  echo "[ $i.000000] a.out[$i]: segfault at 0 ip 0000000000401000 sp 00007ffc00000000 error 4 in a.out[400000+1000]"
done >"$tmp/many.log"
"$bin" analyze --json "$tmp/many.log" >"$tmp/out" 2>"$tmp/err"
[ "$(jq '.files[0].events | length' "$tmp/out")" = 100 ] || fail "cap: $(jq '.files[0].events | length' "$tmp/out") kept"
[ "$(jq '.files[0].events_omitted.user_segfault' "$tmp/out")" = 50 ] || fail "cap: omitted count"
"$bin" analyze "$tmp/many.log" >"$tmp/out" 2>&1
grep -q "and 50 more user_segfault events not listed" "$tmp/out" || fail "cap: readable note missing"

# Every event of analyze carries its line in the file.
log="$k/wsl2-divide-error-check-heap-object-gcc-5.15.153.1.log"
"$bin" analyze --json "$log" >"$tmp/out" 2>"$tmp/err"
[ "$(jq '[.files[].events[] | .kernel.line | numbers] | length' "$tmp/out")" = \
  "$(jq '[.files[].events[]] | length' "$tmp/out")" ] || fail "an event without its line"
line=$(jq '.files[0].events[0].kernel.line' "$tmp/out")
sed -n "${line}p" "$log" | grep -q 'divide error' || fail "line $line is not the headline: $(sed -n "${line}p" "$log")"

# The facts come from the log: its kernel, with the line they came from.
[ "$(jq -r '.facts.kernel.release.value' "$tmp/out")" = "5.15.153.1-microsoft-standard-WSL2" ] ||
  fail "log facts: release $(jq -c '.facts.kernel.release' "$tmp/out")"
jq -r '.facts.kernel.release.source' "$tmp/out" | grep -q '^log line [0-9]' || fail "log facts: no line source"
[ "$(jq -r '.facts.hypervisor.environment.value' "$tmp/out")" = wsl2 ] || fail "log facts: not wsl2"
# No verdict of `analyze FILE` cites a fact of this machine: its kernel release appears nowhere (readable
# and JSON), unless this machine runs that very kernel.
here=$(uname -r)
if [ "$here" != "5.15.153.1-microsoft-standard-WSL2" ]; then
  grep -qF "$here" "$tmp/out" && fail "analyze --json mentions this machine's kernel $here"
  "$bin" analyze "$log" >"$tmp/out2" 2>&1
  grep -qF "$here" "$tmp/out2" && fail "analyze mentions this machine's kernel $here"
  # ... and with --this-machine the difference is recorded, the log's release winning.
  "$bin" analyze --json --this-machine "$log" >"$tmp/out" 2>"$tmp/err"
  [ "$(jq -r '.fact_conflicts[] | select(.fact == "kernel.release") | .given' "$tmp/out")" = "$here" ] ||
    fail "--this-machine: no kernel.release conflict: $(jq -c .fact_conflicts "$tmp/out")"
  [ "$(jq -r '.facts.kernel.release.value' "$tmp/out")" = "5.15.153.1-microsoft-standard-WSL2" ] ||
    fail "--this-machine: the log's release must win"
fi
echo "ok"
