#!/usr/bin/env bash
# The bash, zsh and fish completions offer what the program itself says: commands from `help`,
# a command's options from its --help, profile and workload names from `list --names`, pin
# policies from `run --help`. Each shell completes the same lines; the expected words are read
# from the binary here too, so a new profile or option is checked without editing this test.
# Args: $1 = stresswsl binary, $2 = source dir.
set -u
bin=$1
src=$2
fail() { echo "FAIL: $*"; exit 1; }
for sh in fish zsh; do
  command -v $sh >/dev/null || fail "$sh is not installed (scripts/bootstrap.sh test installs it)"
done
tmp=$(mktemp -d /tmp/sw-compl-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
ln -s "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" "$tmp/bin/stresswsl"
export PATH="$tmp/bin:$PATH"

profiles=$(stresswsl list profiles --names) || fail "list profiles --names"
workloads=$(stresswsl list workloads --names) || fail "list workloads --names"
[ "$(wc -l <<<"$profiles")" -ge 6 ] && grep -qx compile <<<"$profiles" || fail "list --names profiles: $profiles"
grep -qx memory <<<"$workloads" || fail "list --names workloads: $workloads"
[ "$(sort <<<"$profiles" | uniq -d)" = "" ] || fail "a profile name is listed twice"
grep -q ' ' <<<"$profiles$workloads" && fail "--names printed more than names"

# Each shell: complete LINE -> the words, one a line, sorted.
complete_bash() {
  ( source "$src/completions/stresswsl.bash"
    read -ra COMP_WORDS <<<"$1"; [[ $1 == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    _stresswsl; printf '%s\n' "${COMPREPLY[@]}" ) | sort
}
complete_fish() {
  fish -c "source '$src/completions/stresswsl.fish'; complete -C '$1'" | cut -f1 | sort
}
# zsh: the completion function with zsh's completion builtins replaced by printers.
complete_zsh() {
  local -a w; read -ra w <<<"$1"; [[ $1 == *" " ]] && w+=("")
  zsh -f -c '
    # compadd keeps the words that start with PREFIX; _sequence completes after the last comma.
    compadd() {
      local -a w; if [[ $1 == -a ]]; then w=(${(P)2}); else w=("$@"); fi
      print -l -- ${IPREFIX}${^${(M)w:#${PREFIX}*}}
    }
    _files() { : }
    _sequence() {
      if [[ $PREFIX == *,* ]]; then local IPREFIX=${PREFIX%,*}, PREFIX=${PREFIX##*,}; fi
      "$@"
    }
    _alternatives() { local a; for a in "$@"; do eval "${a#*:*:}"; done }
    source "$1" >/dev/null; shift
    words=("$@"); CURRENT=${#words}; PREFIX=${words[CURRENT]}; IPREFIX=
    _stresswsl' zsh "$src/completions/_stresswsl" "${w[@]}" | sort
}

expect() {   # LINE EXPECTED-WORDS (newline separated): every shell gives exactly these
  local line=$1 want got
  want=$(sort <<<"$2" | grep -v '^$')
  for sh in bash fish zsh; do
    got=$(complete_$sh "$line" | grep -v '^$')
    [ "$got" = "$want" ] || fail "$sh: '$line' completes to [$(echo $got)], expected [$(echo $want)]"
  done
  echo "ok: '$line' -> $(echo $want)"
}
commands=$(stresswsl help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}')
expect "stresswsl pro" "probe"
expect "stresswsl help " "$commands"
expect "stresswsl --profile " "$profiles"
expect "stresswsl --profile c" "$(grep '^c' <<<"$profiles")"
expect "stresswsl -p c" "$(grep '^c' <<<"$profiles")"
expect "stresswsl run --workload " "$workloads"
expect "stresswsl --workload compute,me" "compute,memory"
expect "stresswsl --pin c" "compact
cycle"
expect "stresswsl list " "profiles
workloads"
expect "stresswsl probe --host" "--host-replay
--host-timeout"
expect "stresswsl analyze --no" "--no-facts"
expect "stresswsl compare --" "--color
--help
--json
--markdown
--vs"
expect "stresswsl --dr" "--dry-run"
expect "stresswsl bundle --" "--color
--help
--no-redact
--out
--state-dir"
expect "stresswsl run --st" "--state-dir
--stop-on-error"
echo PASS
