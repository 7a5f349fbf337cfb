#!/usr/bin/env bash
# The live view in a real terminal (a tmux pane): while a short run with an injected fault goes, the
# pane shows trial k/N and phase k/N, a progress bar with the time left, each workload's rate, the
# CPU the cycling worker is on, the error count and the per-CPU error table; with colour unless
# NO_COLOR. Not on a terminal, or with TERM=dumb, it is one plain line per update with no escapes.
# Args: $1 = stresswsl binary.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fail() { echo "FAIL: $*"; exit 1; }
command -v tmux >/dev/null || fail "tmux is not installed (scripts/bootstrap.sh test installs it)"
tmp=$(mktemp -d /tmp/sw-live-XXXXXX)
sock="$tmp/tmux.sock"
cleanup() { tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# 2 trials of 2 phases: one worker cycling over the CPUs, then one worker; 2 s each.
cat >"$tmp/live.json" <<'JSON'
{"schema": 1, "name": "live", "description": "live view test", "duration": "8s", "trials": 2,
 "phases": [
   {"name": "cycling", "weight": 1, "workloads": [{"workload": "compute", "workers": 1, "pin": "cycle"}]},
   {"name": "steady", "weight": 1, "workloads": [{"workload": "compute", "workers": 1, "pin": "none"}]}]}
JSON

# Runs ARGS in a 150x40 pane with ENV, capturing it (with escapes) every 0.3 s until the run ends.
capture_run() {   # name env-assignments...
  local name=$1; shift
  : >"$tmp/$name.cap"
  tmux -S "$sock" new-session -d -s "$name" -x 150 -y 40 \
    "env $* '$bin' --profile '$tmp/live.json' --state-dir '$tmp/state' --inject wrong; echo RUN-ENDED; sleep 60"
  for _ in $(seq 1 150); do
    tmux -S "$sock" capture-pane -e -p -t "$name" >"$tmp/$name.now" 2>/dev/null || break
    cat "$tmp/$name.now" >>"$tmp/$name.cap"
    grep -q RUN-ENDED "$tmp/$name.now" && break
    sleep 0.3
  done
  grep -q RUN-ENDED "$tmp/$name.cap" || fail "$name: the run did not end within 45 s"
  tmux -S "$sock" kill-session -t "$name"
}

capture_run color TERM=xterm-256color
plain=$(sed 's/\x1b\[[0-9;]*[a-zA-Z]//g' "$tmp/color.cap")
need() { grep -Eq -- "$1" <<<"$plain" || { tail -40 <<<"$plain"; fail "the live view never showed: $2"; }; }
need 'trial 1/2  phase 1/2 cycling' "trial 1/2, phase 1/2"
need 'trial 2/2  phase 2/2 steady' "trial 2/2, phase 2/2"
need '\[#+-*\] +[0-9]+%  [0-9]+:[0-9]{2} / 0:08  [0-9]+:[0-9]{2} left' "a progress bar with elapsed / total and time left"
need 'phase [0-9]:[0-9]{2} / 0:02, [0-9]:[0-9]{2} left' "the phase's time left"
need '^  compute +[0-9.]+k? kernels/s' "the compute rate"
need 'cycling worker on CPU [0-9]+' "the cycling worker's CPU"
need '^  errors +[1-9][0-9]*' "a non-zero error count"
need '^ +CPU +errors$' "the per-CPU error table"
grep -A1 -E '^ +CPU +errors$' <<<"$plain" | grep -Eq '^ +[0-9]+ +[1-9][0-9]*$' || fail "the per-CPU table has no row"
grep -q $'\x1b\[32m#' "$tmp/color.cap" || fail "no colour in the bar on a colour terminal"
echo "ok: the live view shows trials, phases, bar, rates, the cycling CPU and the per-CPU error table"

capture_run nocolor TERM=xterm-256color NO_COLOR=1
grep -q 'trial 2/2  phase 2/2' "$tmp/nocolor.cap" || fail "NO_COLOR: no live view"
grep -q $'\x1b\[3[0-9]m\|\x1b\[1;31m' "$tmp/nocolor.cap" && fail "NO_COLOR: the pane has colour"
echo "ok: NO_COLOR keeps the live view without colour"

capture_run dumb TERM=dumb
grep -q '^stresswsl: trial 1/2 | phase 1/2 cycling' "$tmp/dumb.cap" || fail "TERM=dumb: no plain status lines"
grep -q '\[#' "$tmp/dumb.cap" && fail "TERM=dumb: the live view was drawn"
echo "ok: TERM=dumb gets plain lines"

# Not a terminal: one plain line per update, no escapes at all.
"$bin" --profile "$tmp/live.json" --state-dir "$tmp/state" --inject wrong 2>"$tmp/err.txt" >/dev/null
grep -q '^stresswsl: trial 1/2 | phase 1/2 cycling [0-9]*% | 0:0[0-9] / 0:08, 0:0[0-9] left | compute .* kernels/s' \
  "$tmp/err.txt" || { cat "$tmp/err.txt"; fail "no plain status line on a pipe"; }
grep -q $'\x1b' "$tmp/err.txt" && fail "escapes written to a pipe"
echo PASS
