#!/usr/bin/env bash
# The command-line conventions people type without thinking, through the real binary: `--` ends the
# options, "did you mean" for a misspelt command or option, help within 80 columns for every command,
# NO_COLOR / TERM=dumb / --color, the --trials hint, --quiet still printing the verdict and report
# path, exit 6 for an inconclusive run, --stop-on-error, and one line with exit 2 for each bad input of
# issue 13 (a directory to analyze, a missing --topology file, --workers over 100%, a bad bundle --out,
# --state-dir naming a file). Args: $1 = stresswsl binary, $2 = source dir.
. "$(dirname "$0")/runner_lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
unset NO_COLOR

# expect_usage_error WANT-TEXT CMD...: exit 2, one line on stderr, containing WANT-TEXT.
expect_usage_error() {
  local want=$1 out rc
  shift
  out=$("$@" 2>&1 >/dev/null)
  rc=$?
  [ $rc -eq 2 ] || fail "$*: exit $rc, want 2 ($out)"
  [ "$(wc -l <<<"$out")" -eq 1 ] || fail "$*: not one line: $out"
  grep -qF -- "$want" <<<"$out" || fail "$*: '$want' missing from: $out"
}

# A small kernel log with one oops line: analyze calls it unstable (exit 1).
mkdir -p "$T/logs"
cat >"$T/logs/-dash.log" <<'LOG'
[    0.000000] Linux version 6.6.36.3-microsoft-standard-WSL2 (root@buildhost) #1 SMP
[   12.345678] BUG: kernel NULL pointer dereference, address: 0000000000000008
[   12.345690] Oops: 0002 [#1] PREEMPT SMP NOPTI
LOG

# -- ends the options: a file whose name starts with a dash
(cd "$T/logs" && "$BIN" analyze -- -dash.log >"$T/dash.out" 2>&1)
rc=$?
[ $rc -eq 1 ] || fail "analyze -- -dash.log: exit $rc, want 1: $(cat "$T/dash.out")"
grep -q "^-dash.log:" "$T/dash.out" || fail "analyze -- -dash.log did not read the file: $(cat "$T/dash.out")"
(cd "$T/logs" && expect_usage_error "unknown option '-d'" "$BIN" analyze -dash.log)
(cd "$T/logs" && "$BIN" analyze --json -- -dash.log | jq -e '.files[0].path == "-dash.log"' >/dev/null) ||
  fail "analyze --json -- -dash.log"
echo "ok: -- ends the options"

# did you mean: commands and options; ambiguous abbreviations name the candidates
expect_usage_error "unknown command 'anlyze' (did you mean 'analyze'?)" "$BIN" anlyze x.log
expect_usage_error "no such command 'bundel' (did you mean 'bundle'?)" "$BIN" help bundel
expect_usage_error "unknown option '--duratoin' (did you mean '--duration'?)" "$BIN" -p quick --duratoin 2m
expect_usage_error "unknown option '--no-fatcs' (did you mean '--no-facts'?)" "$BIN" analyze --no-fatcs k.log
expect_usage_error "'--p' is ambiguous: it could be --profile, --pin, --param" "$BIN" --p quick
expect_usage_error "unknown command 'frobnicate': see 'stresswsl help'" "$BIN" frobnicate
# abbreviations, --opt=value, short options and clusters reach the same plan
"$BIN" --prof=quick --dur 2m -w2 -n >"$T/abbr.out" 2>&1 || fail "abbreviated options: $(cat "$T/abbr.out")"
"$BIN" run --profile quick --duration 2m --workers 2 --dry-run >"$T/full.out" 2>&1 || fail "full options"
diff "$T/abbr.out" "$T/full.out" >/dev/null || fail "abbreviated and full options plan differently"
grep -q "plan for profile 'quick'" "$T/abbr.out" || fail "no plan: $(cat "$T/abbr.out")"
[ "$("$BIN" -V | head -1)" = "$("$BIN" version | head -1)" ] || fail "-V is not version"
echo "ok: did you mean, abbreviations, short options"

# help within 80 columns: every command, the overview, and list (with --params, once 326 columns)
cmds=$("$BIN" help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}')
[ "$(echo $cmds | wc -w)" -ge 9 ] || fail "help lists too few commands: $cmds"
check_width() {   # NAME: stdin within 80 columns
  local long
  long=$(awk 'length($0) > 80 {printf "%d: %s\n", length($0), $0}')
  [ -z "$long" ] || fail "$1 has lines over 80 columns:
$long"
}
for c in $cmds; do "$BIN" "$c" --help | check_width "$c --help"; done
"$BIN" help | check_width "help"
"$BIN" list | check_width "list"
"$BIN" list workloads --params | check_width "list --params"
[ "$("$BIN" list workloads --params | wc -l)" -gt 20 ] || fail "list --params printed too little"
echo "ok: help and lists within 80 columns for: $(echo $cmds)"

# colour: auto is off on a pipe; always/never; on a terminal NO_COLOR and TERM=dumb turn it off
esc=$(printf '\033[')
has_color() { grep -qF "$esc"; }
"$BIN" analyze "$T/logs/-dash.log" | has_color && fail "colour on a pipe"
"$BIN" analyze --color=always "$T/logs/-dash.log" | has_color || fail "--color=always on a pipe: no colour"
NO_COLOR=1 "$BIN" analyze --color "$T/logs/-dash.log" | has_color || fail "--color (always) lost to NO_COLOR"
tty_run() { script -qec "$*" /dev/null; }
if command -v script >/dev/null; then
  TERM=xterm tty_run "$BIN analyze '$T/logs/-dash.log'" | has_color || fail "no colour on a terminal"
  TERM=xterm NO_COLOR=1 tty_run "$BIN analyze '$T/logs/-dash.log'" | has_color && fail "colour with NO_COLOR"
  TERM=dumb tty_run "$BIN analyze '$T/logs/-dash.log'" | has_color && fail "colour with TERM=dumb"
  TERM=xterm tty_run "$BIN analyze --color=never '$T/logs/-dash.log'" | has_color && fail "colour with --color=never"
  # the run's live view and summary on a terminal: coloured by default, not with --color=never
  sgr=$(printf '\033\\[[0-9;]*m')
  TERM=xterm tty_run "$BIN --workload compute -w 1 -d 2s --state-dir '$T/cs'" >"$T/tty1.out"
  grep -q "$sgr" "$T/tty1.out" || fail "a run on a terminal has no colour: $(head -c 300 "$T/tty1.out")"
  TERM=xterm tty_run "$BIN --workload compute -w 1 -d 2s --color=never --state-dir '$T/cs'" >"$T/tty2.out"
  grep -q "phase 1/1" "$T/tty2.out" || fail "no live view on a terminal: $(head -c 300 "$T/tty2.out")"
  grep -q "$sgr" "$T/tty2.out" && fail "--color=never: the run's output has colour: $(grep -a "$sgr" "$T/tty2.out" | head -3)"
  echo "ok: colour (terminal, NO_COLOR, TERM=dumb, --color, the run's live view)"
else
  echo "SKIP: no script(1) for a terminal: only the pipe cases ran"
fi
expect_usage_error "--color: give auto, always or never (got 'sometimes')" "$BIN" list --color=sometimes

# --trials: the refusal gives the ways out, and the way out works
expect_usage_error "duration 10s is too short for profile 'compile': 3 trials of" "$BIN" -p compile -d 10s
out=$("$BIN" -p compile -d 10s 2>&1)
grep -q -- "--trials 1" <<<"$out" && grep -q "'quick' profile" <<<"$out" || fail "trials hint: $out"
"$BIN" -p compile -d 10s --trials 1 -n >"$T/t1.out" 2>&1 || fail "--trials 1: $(cat "$T/t1.out")"
grep -q ", 1 trial, 10 s in all" "$T/t1.out" || fail "--trials 1 plan: $(head -1 "$T/t1.out")"
"$BIN" -p compile --trials 2 -n | grep -q ", 2 trials, 600 s in all" || fail "--trials 2 plan"
echo "ok: --trials and its hint"

# --quiet: no progress or per-workload lines, but the verdict and the report path; an inconclusive
# (2-second) run exits 6, not 0
"$BIN" --workload compute -w 1 -d 2s -q --out "$T/q" >"$T/q.out" 2>"$T/q.err"
rc=$?
[ $rc -eq 6 ] || fail "a 2 s clean run: exit $rc, want 6 (inconclusive): $(cat "$T/q.out" "$T/q.err")"
grep -q "^INCONCLUSIVE: " "$T/q.out" || fail "--quiet hid the verdict: $(cat "$T/q.out")"
grep -qF "Report: $T/q/report.md" "$T/q.out" || fail "--quiet hid the report path: $(cat "$T/q.out")"
grep -q "compute: " "$T/q.out" && fail "--quiet printed the per-workload summary: $(cat "$T/q.out")"
[ ! -s "$T/q.err" ] || fail "--quiet wrote to stderr: $(cat "$T/q.err")"
[ "$(json_get "$T/q/report.json" .verdict.status)" = inconclusive ] || fail "verdict of a 2 s run"
[ "$(json_get "$T/q/report.json" .verdict.exit_code)" = 6 ] || fail "verdict.exit_code of a 2 s run"
echo "ok: --quiet keeps the verdict and the report path; inconclusive exits 6"

# --stop-on-error: the first wrong result ends a 30 s run early, exit 1, and the report says why
t0=$(now_ms)
"$BIN" --workload compute -w 1 -d 30s -q --inject wrong --stop-on-error --out "$T/stop" >"$T/stop.out" 2>&1
rc=$?
el=$(( $(now_ms) - t0 ))
[ $rc -eq 1 ] || fail "--stop-on-error: exit $rc, want 1: $(cat "$T/stop.out")"
[ $el -lt 10000 ] || fail "--stop-on-error: the run went on for $el ms of 30 s"
[ "$(json_get "$T/stop/report.json" '[.events[] | select(.text | test("stopped at the first error"))] | length')" = 1 ] ||
  fail "--stop-on-error: no note in the report"
echo "ok: --stop-on-error ended the run after $el ms"

# the misc items: each one line and exit 2, naming the problem
expect_usage_error "is a directory" "$BIN" analyze "$T/logs"
expect_usage_error "cannot read topology file '$T/none.xml'" "$BIN" -p quick -n --topology "$T/none.xml"
expect_usage_error "share of the CPUs from 1% to 100% (got '150%'" "$BIN" -p quick -n --workers 150%
cat >"$T/share.json" <<'JSON'
{"schema": 1, "name": "share", "description": "x", "duration": "10s",
 "phases": [{"name": "p", "weight": 1, "workloads": [{"workload": "compute", "workers": "150%", "pin": "none"}]}]}
JSON
expect_usage_error '"150%"' "$BIN" -p "$T/share.json" -n
expect_usage_error "No such file or directory" "$BIN" bundle --out "$T/nodir/x.tar.gz"
expect_usage_error "Is a directory" "$BIN" bundle --out "$T"
touch "$T/afile"
out=$("$BIN" --state-dir "$T/afile" --workload compute -w 1 -d 2s 2>&1 >/dev/null)
rc=$?
[ $rc -eq 2 ] || fail "--state-dir FILE: exit $rc, want 2: $out"
grep -q "not a directory" <<<"$out" && ! grep -q -- "--out" <<<"$out" || fail "--state-dir FILE message: $out"
# --json alone is stdout everywhere; --json FILE where a command takes no operands
"$BIN" probe --no-host --json | jq -e '.cpu' >/dev/null || fail "probe --json (stdout)"
"$BIN" probe --no-host --json "$T/p.json" >/dev/null && jq -e '.cpu' "$T/p.json" >/dev/null || fail "probe --json FILE"
"$BIN" probe --no-host --json="$T/p2.json" >/dev/null && jq -e '.cpu' "$T/p2.json" >/dev/null || fail "probe --json=FILE"
"$BIN" analyze --json "$T/logs/-dash.log" | jq -e '.verdict' >/dev/null || fail "analyze --json (stdout)"
# --json into a FIFO or device (e.g. /dev/null) writes into it: the atomic rename used for files
# replaced the device node (as root, /dev/null became a regular file)
mkfifo "$T/fifo"
timeout 30 cat "$T/fifo" >"$T/fifo.out" &
catpid=$!
"$BIN" --workload compute -w 1 -d 1s -q --json "$T/fifo" --out "$T/f" >/dev/null 2>&1
wait $catpid
[ -p "$T/fifo" ] || fail "--json FIFO: the FIFO was replaced"
jq -e '.verdict.status' "$T/fifo.out" >/dev/null || fail "--json FIFO: no report came through it"
echo "ok: misc items"
echo PASS
