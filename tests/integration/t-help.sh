#!/usr/bin/env bash
# Every command listed by `stresswsl help` answers --help (and `help COMMAND`) with its usage, examples
# and exit 0; an unknown command or help topic is one line and exit 2.
bin=$1
fail() { echo "FAIL: $*"; exit 1; }
cmds=$("$bin" help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}')
[ "$(echo $cmds | wc -w)" -ge 9 ] || fail "help lists too few commands: $cmds"
for c in $cmds; do
  out=$("$bin" "$c" --help 2>&1) || fail "$c --help: exit $?"
  grep -q "^usage: stresswsl" <<<"$out" || fail "$c --help: no usage line"
  grep -q "^examples:" <<<"$out" || fail "$c --help: no examples"
  [ "$("$bin" help "$c" 2>&1)" = "$out" ] || fail "help $c differs from $c --help"
done
msg=$("$bin" frobnicate 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] || fail "unknown command: exit $rc"
[ "$(wc -l <<<"$msg")" -eq 1 ] && grep -q "unknown command 'frobnicate'" <<<"$msg" || fail "unknown command message: $msg"
"$bin" help frobnicate >/dev/null 2>&1
[ $? -eq 2 ] || fail "help on an unknown command"
echo PASS
