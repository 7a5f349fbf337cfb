#!/usr/bin/env bash
# One short libFuzzer run of a target, from a fresh seed corpus: the recorded fixtures that target
# parses, tests/fuzz/seeds/<target>/ and the inputs of crashes fixed before (tests/fuzz/regress/<target>/,
# run first as a regression test). Usage: run.sh FUZZ_BIN TARGET SRC_DIR FIXTURES_DIR SECONDS
# A crash fails the test and its input is kept in ./fuzz-artifacts/ of the build directory.
set -u
bin=$1 target=$2 src=$3 fix=$4 secs=$5
T=$(mktemp -d "${TMPDIR:-/tmp}/sw-fuzz-$target-XXXXXX")
trap 'rm -rf "$T"' EXIT
corpus=$T/corpus
mkdir -p "$corpus"
export TMPDIR=$T   # the targets' scratch directories go with it, even after a crash

seed() {   # copies existing files into the corpus
  local f
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$corpus/$(basename "$(dirname "$f")")-$(basename "$f")"; done
  return 0
}

case $target in
kmsg)       seed "$fix"/kmsg/*.log "$fix"/kmsg-more/*.log "$fix"/host/dmesg*.txt "$fix"/host/hyperv*.txt \
                 "$fix"/host/wsl-crashes*.txt "$fix"/wsl/dmesg*.txt "$src"/tests/corpus/kmsg/*.log ;;
profile)    seed "$src"/profiles/*.json ;;
host_parse) seed "$fix"/host/*.txt "$fix"/wsl/*.txt ;;
sysroot)    seed "$fix"/wsl/cpuinfo*.txt "$fix"/host/cpuinfo*.txt
            # a composed root: cpuinfo, then @@2 /proc/version, @@3 osrelease, @@14 WSLInterop
            for c in "$fix"/wsl/cpuinfo-wsl2*.txt; do
              [ -f "$c" ] || continue
              { cat "$c"; printf '@@2\n'; head -c 300 "$fix/host/proc-version-wsl2-5.15.txt" 2>/dev/null
                printf '\n@@3\n5.15.153.1-microsoft-standard-WSL2\n@@14\n'
                cat "$fix/host/binfmt-wslinterop.txt" 2>/dev/null; } >"$corpus/composed-$(basename "$c")"
            done ;;
journal)    export SW_FUZZ_SEEDS=$corpus ;;   # the target writes its seed journals itself
compare)    seed "$src"/tests/fuzz/seeds/compare/*.json
            d=$src/tests/fuzz/seeds/compare   # before NUL after
            { cat "$d/compute-run.json"; printf '\0'; cat "$d/memory-run.json"; } >"$corpus/pair" 2>/dev/null
            { cat "$d/small-compute.json"; printf '\0'; cat "$d/small-memory.json"; } >"$corpus/pair-small" 2>/dev/null
            ;;
redact)     seed "$fix"/host/*.txt "$fix"/wsl/*.txt ;;
esac
seed "$src"/tests/fuzz/seeds/"$target"/* "$src"/tests/fuzz/regress/"$target"/*

mkdir -p fuzz-artifacts
"$bin" -max_total_time="$secs" -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 \
       -artifact_prefix="$PWD/fuzz-artifacts/$target-" "$corpus" >"$T/log" 2>&1
rc=$?
grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)|^#[0-9]+.*DONE|SUMMARY|ERROR" "$T/log" | head -20
if [ $rc -ne 0 ]; then
  tail -60 "$T/log"
  echo "FAIL: fuzz target $target found a problem (exit $rc); input kept in $PWD/fuzz-artifacts/" >&2
  exit 1
fi
echo "PASS: $target, ${secs}s"
