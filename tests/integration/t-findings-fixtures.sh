#!/usr/bin/env bash
# Findings from recorded real data, end to end through the real binary: CPUID dumps of real CPUs, a
# WSL2 guest's /proc (recorded), recorded Windows host outputs, and kernel logs from public bug
# reports go through probe -> classifier -> correlator, and the findings must be the ones a support
# engineer would expect, including the ones that must NOT fire (Alder Lake die, mobile parts).
bin=$1 fix=$3
. "$(dirname "$0")/common.sh"
need_fixture "$fix/cpuid" "$fix/kmsg" "$fix/host"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# A WSL2 guest's /proc as recorded (microcode hidden as 0xffffffff, a 5.15 WSL2 kernel).
mkdir -p "$tmp/root/proc"
cp "$fix/host/cpuinfo-wsl2-microcode.txt" "$tmp/root/proc/cpuinfo"
cp "$fix/host/proc-version-wsl2-5.15.txt" "$tmp/root/proc/version"
rpl="$fix/cpuid/libcpuid-master/intel/x86-64/raptor-cove"
heap="$fix/kmsg/wsl2-check-heap-object-calltrace-guestlog-tsv.log"
clean="$fix/host/dmesg-wsl2-hyperv-boot-win10host.txt"

# rules DUMP LOG [more analyze args] -> the rule ids found, one per line
rules() {
  local dump=$1 log=$2
  shift 2
  "$bin" analyze --json --sysroot "$tmp/root" --cpuid-dump "$dump" "$@" "$log" 2>"$tmp/err" >"$tmp/out"
  local rc=$?
  [ $rc -le 1 ] || fail "analyze $(basename "$dump") $(basename "$log"): exit $rc: $(cat "$tmp/err")"
  jq -r '.findings[].rule' "$tmp/out"
}
has() { grep -qx "$1" <<<"$2" || fail "$3: expected finding $1, got: $(echo $2)"; }
hasnt() { grep -q "$1" <<<"$2" && fail "$3: finding $1 must not fire, got: $(echo $2)"; return 0; }

# 14th-gen i9 (brand without "14th Gen"), microcode hidden by WSL2, the WSL2 execve crash in the log.
r=$(rules "$rpl/intel-core-i9-14900k.test" "$heap")
has rpl-vmin-fw-unknown "$r" "i9-14900K in WSL2"
has wsl-check-heap-object-divide-error "$r" "i9-14900K in WSL2"
[ "$(jq -r .verdict.status "$tmp/out")" = unstable ] || fail "heap crash log: verdict not unstable"
grep -q "14900K" <<<"$(jq -r '.findings[] | select(.rule == "rpl-vmin-fw-unknown") | .summary' "$tmp/out")" ||
  fail "the Vmin finding does not name the CPU"

# 13th-gen i9 K: same; with a clean log the platform risk is still named but nothing is 'unstable'.
r=$(rules "$rpl/13th-gen-intel-core-i9-13900kf.test" "$clean")
has rpl-vmin-fw-unknown "$r" "i9-13900KF"
hasnt wsl-check-heap-object "$r" "i9-13900KF clean log"
[ "$(jq -r .verdict.status "$tmp/out")" = inconclusive ] || fail "clean log: verdict $(jq -r .verdict.status "$tmp/out")"

# Look-alikes: the i5-13500 (0xB06F2, Alder Lake die) and the mobile i7-1370P are not Vmin-shift parts.
r=$(rules "$rpl/13th-gen-intel-core-i5-13500.test" "$heap")
has rpl-lookalike-alder-lake-die "$r" "i5-13500"
hasnt rpl-vmin "$r" "i5-13500"
r=$(rules "$rpl/13th-gen-intel-coret-i7-1370p.test" "$heap")
has rpl-lookalike-mobile "$r" "i7-1370P"
hasnt rpl-vmin "$r" "i7-1370P"

# An AMD desktop part with a user-space compile crash: no Intel rule fires.
amd=$(ls "$fix"/cpuid/libcpuid-master/amd/zen4/amd-ryzen-9-7900x-12-core-processor.test 2>/dev/null)
if [ -n "$amd" ]; then
  r=$(rules "$amd" "$fix/kmsg/segfault-cc1-cc1plus-lkml-2005-wrapped.log")
  hasnt rpl- "$r" "Ryzen 9 7900X"
fi

# With the recorded Windows host outputs (WHEA-Logger record, Hyper-V guest-crash events), the host's
# hardware-error record is named.
r=$(rules "$rpl/intel-core-i9-14900k.test" "$clean" --host-replay "$fix/host")
has host-whea-hardware-errors "$r" "host replay"
has wsl2-no-crash-capture "$r" "host replay (WSL2 has no kdump)"

# Guest machine checks (real log from a 13900K) are evidence, not proof: named with what would confirm.
r=$(rules "$rpl/13th-gen-intel-core-i9-13900kf.test" "$fix/kmsg/raptorlake-13900k-mce-bank0-trap-divide-error-notes.log")
has guest-machine-check "$r" "13900K machine checks"
grep -q "WHEA" <<<"$(jq -r '.findings[] | select(.rule == "guest-machine-check") | .advice' "$tmp/out")" ||
  fail "the machine-check finding does not say which host record would confirm it"
echo PASS
