#!/usr/bin/env bash
# stresswsl analyze on saved kernel logs: readable and --json output, exit codes, a non-log file,
# a missing file, stdin.
set -u
bin=$1 src=$2 fix=$3
k=$fix/kmsg
. "$(dirname "$0")/common.sh"
need_fixture "$k"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# A kernel oops: exit 1, one readable line naming the kind, CPU, task and symbol.
"$bin" analyze "$k/wsl2-divide-error-check-heap-object-gcc-5.15.153.1.log" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "divide-error log: exit $rc, expected 1"
grep -q 'oops+divide_error error cpu 3 task gcc\[44492\] in __check_heap_object' "$tmp/out" || fail "readable line: $(cat "$tmp/out")"

# --json on two files parses and carries the kernel block.
"$bin" analyze --json "$k/slub-bug-kfree-afl-qemu-syslog.log" "$k/mce-corrected-bank0-i9-9900k-docker-journal.log" \
  >"$tmp/json" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "json: exit $rc"
[ -s "$tmp/json" ] || fail "json output empty"
if command -v python3 >/dev/null; then
  python3 - "$tmp/json" <<'PY' || fail "json content"
import json, sys
d = json.load(open(sys.argv[1]))
f = d["files"]
assert len(f) == 2, f
assert f[0]["format"] == "syslog", f[0]["format"]
e = f[0]["events"]
assert len(e) == 1 and e[0]["type"] == "kernel" and e[0]["kernel"]["kind"] == "bug", e
assert e[0]["kernel"]["also"] == "slab_corruption" and e[0]["kernel"]["where"] == "mm/slub.c:3995", e
assert e[0]["cpu"] == 7 and e[0]["kernel"]["task"] == "afl-qemu-trace" and "kfree" in e[0]["kernel"]["symbols"]
assert e[0]["time"] is None and e[0]["kernel"]["ts"] > 5462
m = f[1]["events"]
assert len(m) == 2 and all(x["kernel"]["kind"] == "mce" and x["cpu"] == 4 for x in m), m
assert [x["seq"] for x in e + m] == [1, 2, 3]
PY
fi

# A clean boot log: exit 0. A non-log file: one line saying so, exit 2 (issue 8: not a kernel log).
if have_fixture "$fix/host/dmesg-wsl2-hyperv-boot-win10host.txt"; then
  "$bin" analyze "$fix/host/dmesg-wsl2-hyperv-boot-win10host.txt" >"$tmp/out" 2>&1 || fail "clean log: exit $?"
  grep -q 'no kernel errors found' "$tmp/out" || fail "clean log: $(cat "$tmp/out")"
fi
"$bin" analyze "$src/CMakeLists.txt" >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "non-log file: exit $rc"
grep -q "CMakeLists.txt' is not a kernel log: no kernel log lines" "$tmp/out" || fail "non-log message: $(cat "$tmp/out")"
[ "$(wc -l <"$tmp/out")" -eq 1 ] || fail "non-log file: more than one line: $(cat "$tmp/out")"

# stdin, and a user-space trap alone is not a kernel oops.
printf '[  5.0] traps: rustc[77] trap invalid opcode ip:55 sp:7ff error:0 in rustc[55+1000]\n' \
  | "$bin" analyze - >"$tmp/out" 2>&1
grep -q 'user_trap error task rustc\[77\]' "$tmp/out" || fail "stdin trap: $(cat "$tmp/out")"
grep -q 'oops' "$tmp/out" && fail "user trap reported as an oops"

# Missing file and bad option: exit 2 with a one-line reason.
"$bin" analyze "$tmp/does-not-exist.log" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "missing file: exit $rc"
grep -q "cannot read" "$tmp/err" || fail "missing file message: $(cat "$tmp/err")"
"$bin" analyze --bogus x >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "bad option"
"$bin" analyze >/dev/null 2>&1
[ $? -eq 2 ] || fail "no file"
# The correlator runs on what analyze found: the WSL2 execve crash signature becomes a finding, with or
# without facts; a user's probe snapshot given with --facts is used (and a broken one is refused).
heap="$fix/kmsg/wsl2-check-heap-object-calltrace-guestlog-tsv.log"
if have_fixture "$heap"; then
  "$bin" analyze --no-facts --json "$heap" >"$tmp/out" 2>"$tmp/err"
  [ $? -eq 1 ] || fail "heap log: expected exit 1"
  grep -q '"rule": "wsl-check-heap-object-divide-error"' "$tmp/out" || fail "no WSL finding: $(head -c 600 "$tmp/out")"
  grep -q '"status": "unstable"' "$tmp/out" || fail "verdict not unstable"
  "$bin" probe --no-host --json "$tmp/facts.json" >/dev/null 2>&1 || fail "probe --json FILE"
  "$bin" analyze --facts "$tmp/facts.json" "$heap" >"$tmp/out" 2>&1
  grep -q "facts about the machine: $tmp/facts.json" "$tmp/out" || fail "--facts not used: $(cat "$tmp/out")"
  grep -q 'WSL2 kernel crash in __check_heap_object' "$tmp/out" || fail "readable finding missing"
  echo '{broken' >"$tmp/bad.json"
  "$bin" analyze --facts "$tmp/bad.json" "$heap" >/dev/null 2>"$tmp/err"
  [ $? -eq 2 ] || fail "broken --facts: expected exit 2"
  grep -q 'bad.json' "$tmp/err" || fail "broken --facts message: $(cat "$tmp/err")"
  # a --facts file is read no further than a report can be: an endless one was read for ever
  timeout 60 "$bin" analyze --facts <(yes ' ') "$heap" >/dev/null 2>"$tmp/err"
  [ $? -eq 2 ] || fail "--facts ENDLESS: expected exit 2: $(cat "$tmp/err")"
  grep -q "larger than 64 MiB" "$tmp/err" || fail "--facts ENDLESS message: $(cat "$tmp/err")"
fi
echo "ok"
