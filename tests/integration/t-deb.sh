#!/usr/bin/env bash
# The Debian package: `cpack -G DEB` builds it; its Depends come from the linked libraries; it puts the
# program in /usr/bin, the execve helper in /usr/libexec/stresswsl (not bin), the profiles, rules, man
# page, docs and completions where Debian keeps them. Installed with `dpkg -i`, the program runs from
# those paths: version, list (the installed profiles), a dry run, a short execve run that must use the
# installed helper, and analyze reading the installed rules. Removed with `dpkg -r` afterwards.
# Needs root (dpkg -i); SKIPs with the reason otherwise. Args: $1 = stresswsl binary.
set -u
bin=$1
fail() { echo "FAIL: $*"; exit 1; }
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: installing a .deb with dpkg -i needs root"; exit 77; fi
for t in cpack dpkg-deb dpkg-shlibdeps; do
  command -v $t >/dev/null || fail "$t not found (dpkg-dev; scripts/bootstrap.sh test installs it)"
done
build=$(dirname "$bin")
while [ "$build" != / ] && [ ! -f "$build/CPackConfig.cmake" ]; do build=$(dirname "$build"); done
[ -f "$build/CPackConfig.cmake" ] || fail "no CPackConfig.cmake above $bin"

# One package install at a time on this machine, and never over a stresswsl someone installed.
exec 9>/tmp/stresswsl-deb-test.lock
flock -w 600 9 || fail "another package test holds /tmp/stresswsl-deb-test.lock"
if dpkg-query -W -f='${Status}' stresswsl 2>/dev/null | grep -q "install ok installed"; then
  echo "SKIP: a stresswsl package is already installed here; not replacing it"; exit 77
fi
tmp=$(mktemp -d /tmp/sw-deb-XXXXXX)
installed=0
cleanup() {
  [ $installed -eq 1 ] && { dpkg -r stresswsl >/dev/null 2>&1 || echo "WARN: dpkg -r stresswsl failed"; }
  rm -rf "$tmp"
}
trap cleanup EXIT

(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg") >"$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log"; fail "cpack -G DEB failed"; }
deb=$(ls "$tmp"/pkg/stresswsl_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { cat "$tmp/cpack.log"; fail "cpack made no stresswsl_*.deb"; }
echo "built $(basename "$deb")"

info=$(dpkg-deb -f "$deb" Package Depends Section)
echo "$info"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libhwloc libnuma libcpuid libjansson libarchive; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib (dpkg-shlibdeps): $depends"
done
files=$(dpkg-deb -c "$deb" | awk '{print $NF}')
for f in ./usr/bin/stresswsl ./usr/libexec/stresswsl/stresswsl-exec-child ./usr/share/man/man1/stresswsl.1 \
         ./usr/share/stresswsl/profiles/compile.json ./usr/share/stresswsl/rules/rules.json \
         ./usr/share/doc/stresswsl/README.md ./usr/share/doc/stresswsl/profiles.md \
         ./usr/share/bash-completion/completions/stresswsl ./usr/share/zsh/vendor-completions/_stresswsl \
         ./usr/share/fish/vendor_completions.d/stresswsl.fish; do
  grep -qx -- "$f" <<<"$files" || fail "the package has no $f"
done
grep -qx ./usr/bin/stresswsl-exec-child <<<"$files" && fail "the helper is in /usr/bin; it belongs in /usr/libexec/stresswsl"

dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i failed"; }
installed=1
sw=/usr/bin/stresswsl
cd "$tmp"
out=$(env -u STRESSWSL_PROFILE_DIR -u STRESSWSL_RULES $sw version 2>&1) || fail "installed version: $out"
echo "$out" | head -2
grep -q "0\.[0-9]" <<<"$out" || fail "version prints no version: $out"
out=$(env -u STRESSWSL_PROFILE_DIR $sw list 2>&1) || fail "installed list: $out"
grep -q "^profiles in /usr/share/stresswsl/profiles:" <<<"$out" || fail "list does not read /usr/share/stresswsl/profiles: $out"
grep -Eq "^  compile +" <<<"$out" || fail "list shows no compile profile"
out=$(env -u STRESSWSL_PROFILE_DIR $sw --profile compile --duration 2m --dry-run --state-dir "$tmp/state" 2>&1) ||
  fail "installed dry run: $out"
grep -qi "phase" <<<"$out" || fail "the dry run printed no plan: $out"
# The execve workload must find its helper in /usr/libexec/stresswsl (child=helper refuses otherwise).
$sw --workload execve --param execve.child=helper --workers 1 --duration 2s --quiet \
    --out "$tmp/run" --state-dir "$tmp/state" >"$tmp/run.log" 2>&1
rc=$?
grep -q "not installed" "$tmp/run.log" "$tmp/run/report.json" 2>/dev/null && fail "the installed program did not find its helper"
# a clean 2 s run is inconclusive (exit 6: too little tested), not a failure
[ $rc -eq 6 ] || { cat "$tmp/run.log"; fail "installed execve run: exit $rc, want 6"; }
ops=$(jq '[.workloads[]? | select(.name == "execve") | .ops] | add // 0' "$tmp/run/report.json" 2>/dev/null)
echo "execve through the installed helper: $ops execs"
[ "${ops:-0}" -gt 0 ] 2>/dev/null || fail "no execve operations counted (report: $(head -c 300 "$tmp/run/report.json"))"
# The rules come from /usr/share/stresswsl/rules: a broken copy there must be the one that is read.
printf '{ broken' >/usr/share/stresswsl/rules/rules.json
printf 'kernel: hello\n' >"$tmp/k.log"
out=$(env -u STRESSWSL_RULES $sw analyze "$tmp/k.log" 2>&1)
grep -Eq "rules file /usr/(bin/\.\./)?share/stresswsl/rules/rules.json: line 1" <<<"$out" ||
  fail "analyze did not read the installed rules: $out"
installed=0
dpkg -r stresswsl >/dev/null 2>&1 || fail "dpkg -r stresswsl failed"
[ -e /usr/bin/stresswsl ] && fail "/usr/bin/stresswsl is still there after dpkg -r"
echo PASS
