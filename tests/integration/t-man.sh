#!/usr/bin/env bash
# The man page documents every option of every command: each option a command's --help defines (in
# its usage lines or at the start of a line) appears in that command's part of the page (RUN OPTIONS
# for run, the command's subsection under COMMANDS for the others). The page renders without groff
# warnings and has SEE ALSO. Args: $1 = stresswsl binary, $2 = source dir.
set -u
bin=$1
page=$2/man/stresswsl.1
fail() { echo "FAIL: $*"; exit 1; }
[ -f "$page" ] || fail "no $page"

# The options --help defines (the same rule the shell completions use).
help_options() {
  "$bin" "$1" --help 2>/dev/null | awk '/^usage:/ {u = 1} u && /^$/ {u = 0}
    {l = $0; if (!u) {if (l !~ /^ +-/) next; sub(/^ +/, "", l); sub(/  +.*/, "", l)}
     while (match(l, /(^|[^a-zA-Z0-9-])--?[a-zA-Z][a-zA-Z0-9-]*/)) {
       o = substr(l, RSTART, RLENGTH); sub(/^[^-]/, "", o); print o; l = substr(l, RSTART + RLENGTH)}}' | sort -u
}
# A part of the page, roff source with \- turned into -.
section() {   # start-regex
  awk -v start="$1" '$0 ~ start {on = 1; print; next} on && /^\.S[HS] / {exit} on {print}' "$page" | sed 's/\\-/-/g; s/\\f[BIRP]//g'
}
has_option() { grep -qE -- "(^|[^a-zA-Z0-9-])$1([^a-zA-Z0-9-]|\$)" <<<"$2"; }

intro=$(section '^\.SH COMMANDS')
for o in -h --help --color -V; do has_option "$o" "$intro" || fail "the COMMANDS introduction does not say every command takes $o"; done

cmds=$("$bin" help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}')
[ "$(echo $cmds | wc -w)" -ge 9 ] || fail "help lists too few commands: $cmds"
checked=0
for c in $cmds; do
  if [ "$c" = run ]; then text=$(section '^\.SH RUN OPTIONS'); else text=$(section "^\\.SS $c\$"); fi
  [ -n "$text" ] || fail "the man page has no section for '$c'"
  for o in $(help_options "$c"); do
    case $o in -h|--help|--color) continue ;; esac   # common to every command: the introduction has them
    has_option "$o" "$text" || fail "'$c --help' has $o but the man page's '$c' section does not"
    checked=$((checked + 1))
  done
done
[ $checked -ge 30 ] || fail "only $checked options found in the --help texts: the extraction is broken"
echo "ok: $checked options of $(echo $cmds | wc -w) commands are in the man page"

see=$(section '^\.SH SEE ALSO')
[ "$(grep -c '^\.BR ' <<<"$see")" -ge 3 ] || fail "SEE ALSO names fewer than 3 pages"
warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
[ -z "$warn" ] || fail "groff warnings: $warn"
echo PASS
