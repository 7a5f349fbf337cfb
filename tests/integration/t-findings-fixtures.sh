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
grep -qE '^(guest-machine-check|mce-corrected-cpu)$' <<<"$r" || fail "13900K machine checks: no machine-check finding: $(echo $r)"
grep -q "WHEA" <<<"$(jq -r '.findings[] | select(.rule == "guest-machine-check" or .rule == "mce-corrected-cpu") | .advice' "$tmp/out")" ||
  fail "the machine-check finding does not say which host record would confirm it"
# Real logs from public reports, judged from the log alone (--no-facts: nothing of this machine): the
# lean each thread's conclusion supports, the rule that carries it, and never the opposite lean.
# lean LOG WANT_LEAN WANT_RULE [FORBIDDEN_LEAN]
lean() {
  local log=$1 want=$2 rule=$3 never=${4:-}
  "$bin" analyze --json --no-facts "$log" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  case $rc in 0|1|5) ;; *) fail "analyze $(basename "$log"): exit $rc: $(cat "$tmp/err")" ;; esac
  local got
  got=$(jq -r .verdict.lean "$tmp/out")
  [ "$got" = "$want" ] || fail "$(basename "$log"): lean $got, want $want ($(jq -r '.verdict.summary' "$tmp/out"))"
  [ -z "$rule" ] || jq -r '.findings[].rule' "$tmp/out" | grep -qx "$rule" ||
    fail "$(basename "$log"): no finding $rule, got: $(jq -r '[.findings[].rule]|join(" ")' "$tmp/out")"
  [ -z "$never" ] || [ "$got" != "$never" ] || fail "$(basename "$log"): opposite lean $never"
  [ "$(jq -r '.verdict.exit_code' "$tmp/out")" = "$rc" ] || fail "$(basename "$log"): exit $rc but verdict says $(jq -r .verdict.exit_code "$tmp/out")"
  # The first sentence of the summary says the lean (or that it is open).
  jq -r .verdict.summary "$tmp/out" | grep -q -E '^(Unstable|Inconclusive|Stable): ' || fail "$(basename "$log"): summary"
}
k=$fix/kmsg m=$fix/kmsg-more
lean "$k/null-deref-zfs-no-timestamps.log" software driver-zfs-crash hardware
lean "$m/slub-bug-slab-free-zfs-interleaved.log" software driver-zfs-crash hardware
lean "$k/hung-task-io-uring-exit-work-5.12.log" software io-uring-hung-task hardware
lean "$m/hung-task-io-uring-ring-leak-d-state-5.18.log" software io-uring-hung-task hardware
lean "$k/wsl2-divide-error-check-heap-object-gcc-5.15.153.1.log" software wsl-check-heap-object-divide-error
lean "$k/bad-page-state-omicli-hyperv-rhel77-syslog.log" software memory-corruption-signs hardware
lean "$m/bad-page-state-rfc3339-syslog-zfs.log" software "" hardware
lean "$k/slub-bug-driver-insmod-ebbchar.log" software "" hardware
lean "$m/null-deref-kvm-tdp-mmu-journal-truncated.log" software kernel-null-deref hardware
lean "$k/gpf-non-canonical-bad-ram-shredos-syslog.log" hardware kernel-address-bit-flip software
lean "$k/raptorlake-13900k-mce-bank0-trap-divide-error-notes.log" hardware "" software
lean "$k/rcu-stall-kthread-starved-vm-ci.log" environment host-starved-stall hardware
lean "$m/invalid-opcode-userspace-traps-ryzen-rustc-tests.log" software user-invalid-opcode-one-program hardware
lean "$k/segfault-cc1-cc1plus-lkml-2005-wrapped.log" software "" hardware
lean "$k/oom-panic-on-oom-vmware-rhel7.log" configuration panic-on-oom
lean "$k/wsl2-oom-task-dump-compile-claude.log" configuration oom-kills
lean "$m/wsl2-oom-memcg-bsdtar-import.log" configuration oom-kills
[ "$(jq -r .verdict.exit_code "$tmp/out")" = 5 ] || fail "an OOM-only log must exit 5 (a limit, not instability)"
# A stall whose frames run through Hyper-V's VMBus driver: a guest whose vCPU the host did not run.
lean "$m/wsl2-arm64-rcu-stall-snapd.log" environment vm-stall hardware
# The io_uring rule compares the LOG's kernel (5.12-rc6), not this machine's, and says where it read it.
"$bin" analyze --json "$k/hung-task-io-uring-exit-work-5.12.log" >"$tmp/out" 2>"$tmp/err"
jq -r '.findings[].rule' "$tmp/out" | grep -qx io-uring-hung-task-old-kernel ||
  fail "io_uring on the log's 5.12 kernel: $(jq -r '[.findings[].rule]|join(" ")' "$tmp/out") $(cat "$tmp/err")"
jq -r '.findings[] | select(.rule == "io-uring-hung-task-old-kernel") | .evidence.fact_sources[] |
       select(.fact == "kernel.release") | .source' "$tmp/out" | grep -q "^log line [0-9]" ||
  fail "the kernel version in the io_uring finding does not say it came from the log"
# A stall where the log does not say whether it ran in a VM: no lean, and the finding asks.
lean "$k/soft-lockup-frigate-syslog.log" unknown kernel-stall-unknown-environment
echo PASS
