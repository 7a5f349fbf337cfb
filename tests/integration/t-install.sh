#!/usr/bin/env bash
# `cmake --install` into a temporary prefix: the binary, the profiles and the man page land where they
# should, and the installed binary lists the profiles from its own share/ directory (not the source
# tree it was built from). Args: $1 = stresswsl binary, $2 = source dir, $3 = fixtures dir.
set -u
bin=$1
src=$2

# The build directory is the first parent of the binary holding CMakeCache.txt.
build=$(dirname "$bin")
while [ "$build" != / ] && [ ! -f "$build/CMakeCache.txt" ]; do build=$(dirname "$build"); done
if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "SKIP: no CMake build directory above $bin"
  exit 77
fi

. "$(dirname "$0")/common.sh"
prefix=$(sw_tmpdir install)
trap 'rm -rf "$prefix"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cmake --install "$build" --prefix "$prefix" >"$prefix.log" 2>&1 || { cat "$prefix.log"; rm -f "$prefix.log"; fail "cmake --install failed"; }
rm -f "$prefix.log"

[ -x "$prefix/bin/stresswsl" ] || fail "no $prefix/bin/stresswsl"
[ -f "$prefix/share/man/man1/stresswsl.1" ] || fail "no man page under $prefix/share/man/man1"
[ -x "$prefix/libexec/stresswsl/stresswsl-exec-child" ] || fail "no helper in $prefix/libexec/stresswsl"
[ -e "$prefix/bin/stresswsl-exec-child" ] && fail "the helper is in bin/; it belongs in libexec/stresswsl"
for f in share/bash-completion/completions/stresswsl share/zsh/vendor-completions/_stresswsl \
         share/fish/vendor_completions.d/stresswsl.fish share/doc/stresswsl/README.md share/doc/stresswsl/rules.md; do
  [ -f "$prefix/$f" ] || fail "no $prefix/$f"
done
for p in "$src"/profiles/*.json; do
  cmp -s "$p" "$prefix/share/stresswsl/profiles/$(basename "$p")" || fail "profile $(basename "$p") not installed"
done

out=$(env -u STRESSWSL_PROFILE_DIR "$prefix/bin/stresswsl" list 2>&1) || fail "installed 'list' failed: $out"
echo "$out"
real=$(cd "$prefix/share/stresswsl/profiles" && pwd -P)
echo "$out" | grep -q "^profiles in $real:" || fail "list does not read $real"
echo "$out" | grep -q "^profiles in $src/profiles" && fail "installed binary read the source tree's profiles"
for name in compile quick memory cpu soak bios-validate; do
  echo "$out" | grep -Eq "^  $name +" || fail "list does not show profile '$name'"
done
# A name resolves to the installed file: a broken copy there must be the one that is read.
echo '{"schema": 1, "duration": "1m", "description": "installed copy"}' >"$prefix/share/stresswsl/profiles/quick.json"
out=$(env -u STRESSWSL_PROFILE_DIR "$prefix/bin/stresswsl" list profiles 2>&1)
echo "$out" | grep -q "quick .*installed copy" || fail "list did not read the installed quick.json: $out"
echo "PASS"
exit 0
