#!/bin/bash
# peers.sh - stresswsl's workloads side by side with their nearest peers (stress-ng, memtester,
# stressapptest) and with the machine's own limits (small C programs compiled on the fly), on the
# same machine, in the same run, INTERLEAVED: for every figure, ours then the peer then the limit,
# and the whole list again ROUNDS times. This VM's speed drifts by up to 2x over minutes, so only a
# ratio taken between neighbouring runs means anything; the summary gives the median of those
# per-round ratios. Not part of ctest.
#
# Output (stdout): "raw" lines as each run ends (round, figure, value, unit), then one "fig" line per
# figure: ours, the peer, the limit, ours/peer, ours/limit (medians over the rounds), the target.
# Chatter goes to stderr. Every tool call is bounded by timeout(1).
#
# Needs: bash, python3, a C compiler, stress-ng, memtester, stressapptest, util-linux runuser
#   apt-get install -y stress-ng memtester stressapptest
# Knobs (environment):
#   STRESSWSL=build-rel/cli/stresswsl  the binary to measure (the default build is optimised):
#                cmake -S . -B build-rel && cmake --build build-rel -j2
#   DUR=5        seconds per run (ours and the peers alike)
#   N=<nproc>    workers (ours) = instances (stress-ng) = threads (limits)
#   ROUNDS=2     how many times the whole interleaved list runs
#   MEMSIZE=512M memory buffer per worker (stress-ng gets --vm-bytes N*MEMSIZE, which it divides by N)
#   MTSIZE=128M  memtester / single-thread memory comparison size
#   ONLY="execve heap memory memtester sat cpu analyze kernel"   subset of groups ("kernel": io_uring, exit, pressure)
#   PATTERNS="address solid ..."  the memory patterns measured (default: all nine)
#   FIXTURES=../shared/fixtures  real kernel logs the analyze figure builds its 200 MB log from
#   TABLE=file   also write the README's performance table for this machine there (bench/peers_table.py)
# A full run (defaults, 2 CPUs) takes about 4 minutes per round.

set -u
export LC_ALL=C
BIN=${STRESSWSL:-build-rel/cli/stresswsl}
DUR=${DUR:-5}
N=${N:-$(nproc)}
ROUNDS=${ROUNDS:-2}
MEMSIZE=${MEMSIZE:-512M}
MTSIZE=${MTSIZE:-128M}
ONLY=${ONLY:-"execve heap memory memtester sat cpu analyze kernel"}
FIXTURES=${FIXTURES:-$(dirname "$(readlink -f "$0")")/../../shared/fixtures}

log() { echo "peers: $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
want() { case " $ONLY " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
[ -x "$BIN" ] || { log "no stresswsl binary at $BIN (set STRESSWSL=...)"; exit 2; }
BIN=$(readlink -f "$BIN")
have python3 || { log "python3 is needed to read report.json"; exit 2; }
CC=$(command -v cc || command -v gcc) || { log "a C compiler is needed for the limit programs"; exit 2; }

WORK=$(mktemp -d /tmp/peers.XXXXXX) || exit 1
chmod 1777 "$WORK"   # stress-ng --exec runs as nobody and writes its YAML here
trap 'rm -rf "$WORK"' EXIT
RES=$WORK/results.tsv
: >"$RES"
bytes_of() { numfmt --from=iec "${1%B}"; }
MEMBYTES=$(bytes_of "$MEMSIZE")
MTBYTES=$(bytes_of "$MTSIZE")
ROUND=0

# record KEY VALUE UNIT: one measurement of this round
record() {
	local v=${2:-NA}
	printf '%s\t%s\t%s\t%s\n' "$ROUND" "$1" "$v" "$3" >>"$RES"
	printf 'raw r%s %-28s %12s %s\n' "$ROUND" "$1" "$v" "$3"
}

# ---------------------------------------------------------------------------------------------
# The limit programs (written for this script).
cat >"$WORK/memlimit.c" <<'EOF'
/* memlimit BYTES THREADS REPS: the write-then-verify ceiling. Each thread (pinned to CPU i % ncpu)
 * owns a contiguous share of one buffer; a rep is one plain memset pass then one read pass over the
 * same share, between barriers. Prints the best rep in GB/s (1e9 B) of buffer (a ceiling: the best,
 * not the median, so a rep that lost its CPU to another process does not lower it): "wv" = bytes /
 * time of (write + read), i.e. one write-and-verify pass with nothing to verify; "w" and "r" alone.
 * A 4th figure: the seconds the slowest thread took to touch its fresh share the first time (outside
 * the reps): on a VM whose host backs guest memory on first touch this is most of a short run's
 * set-up, and every run of a memory tester pays it. Transparent huge pages where granted. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#define MAXR 64
static size_t share; static int nth, reps; static unsigned char *buf; static pthread_barrier_t bar;
static double t_start[256], t_mid[256], t_end[256], t_touch[256], wv[MAXR], w[MAXR], r[MAXR];
static volatile uint64_t sink;
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static uint64_t readsum(const uint64_t *p, size_t n) {
	uint64_t a = 0, b = 0, c = 0, d = 0;
	for (size_t i = 0; i + 4 <= n; i += 4) { a ^= p[i]; b ^= p[i + 1]; c ^= p[i + 2]; d ^= p[i + 3]; }
	return a ^ b ^ c ^ d;
}
static void *run(void *arg) {
	long id = (long)arg; cpu_set_t cs; CPU_ZERO(&cs); CPU_SET(id % sysconf(_SC_NPROCESSORS_ONLN), &cs);
	sched_setaffinity(0, sizeof cs, &cs);
	unsigned char *p = buf + id * share;
	double t0 = now();
	memset(p, 0x5a, share);   /* first touch by the owner, outside the reps' timing */
	t_touch[id] = now() - t0;
	for (int k = 0; k < reps; k++) {
		pthread_barrier_wait(&bar);
		t_start[id] = now(); memset(p, k, share); t_mid[id] = now();
		sink += readsum((const uint64_t *)p, share / 8); t_end[id] = now();
		pthread_barrier_wait(&bar);
		if (id == 0) {
			double s = t_start[0], m = t_mid[0], e = t_end[0], m0 = t_mid[0];
			for (int i = 1; i < nth; i++) {
				if (t_start[i] < s) s = t_start[i];
				if (t_mid[i] > m) m = t_mid[i];
				if (t_mid[i] < m0) m0 = t_mid[i];
				if (t_end[i] > e) e = t_end[i];
			}
			double tot = (double)share * nth;
			wv[k] = tot / (e - s) / 1e9; w[k] = tot / (m - s) / 1e9; r[k] = tot / (e - m0) / 1e9;
		}
	}
	return NULL;
}
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
int main(int argc, char **argv) {
	if (argc < 4) return 2;
	size_t bytes = strtoull(argv[1], 0, 10); nth = atoi(argv[2]); reps = atoi(argv[3]);
	if (nth < 1 || nth > 256 || reps < 1) return 2;
	if (reps > MAXR) reps = MAXR;
	share = bytes / nth / 4096 * 4096;
	/* huge pages where the kernel grants them, as the memory workload asks for: a ceiling uses the
	 * faster page size (on a guest whose hypervisor shadows page tables, 4 KiB pages cost more than a
	 * third of the bandwidth) */
	size_t huge = 2u << 20;
	unsigned char *raw = mmap(0, share * nth + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) return 1;
	buf = (unsigned char *)(((uintptr_t)raw + huge - 1) & ~(uintptr_t)(huge - 1));
	madvise(buf, share * nth, MADV_HUGEPAGE);
	pthread_barrier_init(&bar, 0, nth); pthread_t th[256];
	for (long i = 0; i < nth; i++) pthread_create(&th[i], 0, run, (void *)i);
	for (int i = 0; i < nth; i++) pthread_join(th[i], 0);
	qsort(wv, reps, sizeof *wv, cmp); qsort(w, reps, sizeof *w, cmp); qsort(r, reps, sizeof *r, cmp);
	double touch = 0;
	for (int i = 0; i < nth; i++) if (t_touch[i] > touch) touch = t_touch[i];
	printf("%.3f %.3f %.3f %.3f\n", wv[reps - 1], w[reps - 1], r[reps - 1], touch);
	return sink == 42;
}
EOF
cat >"$WORK/execlimit.c" <<'EOF'
/* execlimit NPROC SECS PROGRAM: NPROC independent loops, each vfork + execve(PROGRAM) + waitpid one
 * child at a time for SECS seconds, no verification. Prints children reaped per second (all loops). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv) {
	if (argc < 4) return 2;
	int np = atoi(argv[1]); double secs = atof(argv[2]); char *prog = argv[3];
	int fd[2]; if (pipe(fd)) return 1;
	double t0 = now();
	for (int i = 0; i < np; i++) {
		if (fork() == 0) {
			char *av[] = {prog, 0}, *env[] = {"PATH=/usr/bin:/bin", 0};
			long n = 0; double end = now() + secs;
			while ((n & 15) || now() < end) {
				pid_t p = vfork();
				if (p == 0) { execve(prog, av, env); _exit(127); }
				if (p < 0) continue;
				int st; waitpid(p, &st, 0); n++;
			}
			if (write(fd[1], &n, sizeof n) != sizeof n) _exit(1);
			_exit(0);
		}
	}
	long tot = 0, n;
	for (int i = 0; i < np; i++) if (read(fd[0], &n, sizeof n) == sizeof n) tot += n;
	while (wait(0) > 0) {}
	printf("%.0f\n", tot / (now() - t0));
	return 0;
}
EOF
# The smallest possible exec'd program: static, no libc, _start is exit(0).
printf 'void _start(void){__asm__ volatile("mov $60,%%eax\\n xor %%edi,%%edi\\n syscall");}\n' >"$WORK/tiny.c"
march=-march=native
echo 'int main(void){return 0;}' >"$WORK/t.c"
"$CC" $march -o "$WORK/t" "$WORK/t.c" 2>/dev/null || march=
"$CC" -O3 $march -pthread -o "$WORK/memlimit" "$WORK/memlimit.c" 2>"$WORK/cc.log" &&
	"$CC" -O2 -o "$WORK/execlimit" "$WORK/execlimit.c" 2>>"$WORK/cc.log" || { cat "$WORK/cc.log" >&2; exit 1; }
TINY=
[ "$(uname -m)" = x86_64 ] && "$CC" -O2 -static -nostdlib -o "$WORK/tiny" "$WORK/tiny.c" 2>>"$WORK/cc.log" && TINY=$WORK/tiny
HELPER=$(dirname "$BIN")/stresswsl-exec-child
[ -x "$HELPER" ] || HELPER=

# ---------------------------------------------------------------------------------------------
# ours KEY WORKLOAD [--param ...]: run stresswsl, record the workload's rate.
# Rates: ops / the phase's duration_s (report.json workloads[]), i.e. including start-up, the same
# way stress-ng's "bogo ops/s real time" does. For memory also "<key>.steady": the median of the
# per-second series without the first and last second (the limit programs time steady passes).
ours() {
	local key=$1 wl=$2; shift 2
	local j=$WORK/ours.json rc
	timeout -k 5 $((DUR + 60)) "$BIN" --workload "$wl" --workers "$N" --duration "${DUR}s" --quiet \
		--state-dir "$WORK/state" --json - "$@" >"$j" 2>"$WORK/ours.err"
	rc=$?
	# 6: a clean run shorter than a minute is inconclusive, which a benchmark run is by design
	[ "$rc" = 0 ] || [ "$rc" = 6 ] || log "$key: stresswsl exited $rc: $(head -c 300 "$WORK/ours.err")"
	python3 - "$j" "$key" "$wl" >"$WORK/ours.vals" <<'EOF'
import json, statistics, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    sys.exit(0)
key, wl = sys.argv[2], sys.argv[3]
w = [x for x in d.get("workloads", []) if x["name"] == wl]
if not w:
    sys.exit(0)
w = w[0]
dur = w.get("duration_s") or 0
unit = w.get("unit", "ops")
if wl == "memory":      # ops are 8-byte words checked: one per word per write-and-verify pass
    print(key, "%.3f" % (w["bytes"] / dur / 1e9), "GB/s")
    s = w["series"]["ops"][1:-1]
    if s:
        print(key + ".steady", "%.3f" % (statistics.median(s) * 8 / 1e9), "GB/s")
else:
    print(key, "%.0f" % (w["ops"] / dur), unit + "/s")
# io_uring and pressure also count what they verified besides their ops (from their summary notes)
import re
extra = {}
for ev in d.get("events", []):
    t = ev.get("text", "")
    m = re.match(r"io_uring: \d+ rings up and down, (\d+) completions verified", t)
    if m and wl == "io_uring":
        extra["completions"] = extra.get("completions", 0) + int(m.group(1)) / dur
    m = re.match(r"pressure: (\d+) children, (\d+) OOM kills", t)
    if m and wl == "pressure":
        extra["oom_kills"] = extra.get("oom_kills", 0) + int(m.group(2))
for k, v in extra.items():
    print(key + "." + k, "%.0f" % v, "/s" if k == "completions" else "count")
bad = [x["exit"] for x in w["worker_results"] if x["exit"] != "ok"]
if w.get("errors"):
    print(key + ".errors", w["errors"], "count")
if bad:
    print(key + ".worker_exits_not_ok", len(bad), "count")
EOF
	local k v u
	while read -r k v u; do record "$k" "$v" "$u"; done <"$WORK/ours.vals"
	[ -s "$WORK/ours.vals" ] || record "$key" NA "-"
	rm -rf "$WORK/state"
}

yaml_get() { awk -v k="$2:" '$1 == k { print $2; exit }' "$1" 2>/dev/null; }

# sng KEY AS_NOBODY BYTES_PER_OP stress-ng-args...: one stress-ng run; records bogo ops/s (real
# time), or with BYTES_PER_OP > 0, GB/s of buffer = bogo-ops * BYTES_PER_OP / wall-clock time.
sng() {
	local key=$1 nobody=$2 bpo=$3; shift 3
	local y=$WORK/sng.yaml l=$WORK/sng.log rc
	rm -f "$y"
	# SNG_CWD_TEMP=1: run in $WORK without --temp-path (stress-ng 0.15's io-uring statx uses a path
	# relative to the working directory and fails every request under --temp-path)
	local tp=(--temp-path "$WORK")
	[ "${SNG_CWD_TEMP:-0}" = 1 ] && tp=()
	local cmd=(stress-ng "$@" -t "${DUR}s" --metrics-brief "${tp[@]}" -Y "$y")
	if [ "$nobody" = 1 ] && [ "$(id -u)" = 0 ]; then
		timeout -k 5 $((DUR + 60)) runuser -u nobody -- "${cmd[@]}" >"$l" 2>&1
	else
		timeout -k 5 $((DUR + 60)) "${cmd[@]}" >"$l" 2>&1
	fi
	rc=$?
	local fails
	fails=$(grep -c ' fail: ' "$l")
	[ "$rc" = 0 ] && [ "$fails" = 0 ] || log "$key: stress-ng rc=$rc fail-lines=$fails"
	if [ "$bpo" -gt 0 ]; then
		local ops wall
		ops=$(yaml_get "$y" bogo-ops) wall=$(yaml_get "$y" wall-clock-time)
		record "$key" "$(awk -v o="$ops" -v b="$bpo" -v w="$wall" 'BEGIN{ if (w > 0) printf "%.3f", o*b/w/1e9; else print "NA" }')" GB/s
	else
		local v
		v=$(yaml_get "$y" bogo-ops-per-second-real-time)
		record "$key" "$(awk -v v="$v" 'BEGIN{ if (v == "") print "NA"; else printf "%.0f", v }')" bogo_ops/s
	fi
}

# memlimit KEY BYTES THREADS: the write-then-verify ceiling for that buffer and thread count, and
# KEY.touch: how long a plain first memset of the fresh buffer took (context: what getting fresh
# memory costs on this machine; on a guest whose host backs memory on first touch it is seconds).
memlimit() {
	local out
	out=$(timeout -k 5 120 "$WORK/memlimit" "$2" "$3" 9)
	set -- "$1" $out
	record "$1" "${2:-NA}" GB/s
	record "$1.write" "${3:-NA}" GB/s
	record "$1.read" "${4:-NA}" GB/s
	record "$1.touch" "${5:-NA}" s
}

calib() {
	have stress-ng || return
	local y=$WORK/calib.yaml
	timeout -k 5 60 stress-ng --cpu 1 --cpu-method int64 -t 3s --metrics-brief -Y "$y" >/dev/null 2>&1
	local v; v=$(yaml_get "$y" bogo-ops-per-second-real-time)
	echo "calib.cpu_int64_1cpu.$1 ${v:-NA} bogo_ops/s (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
	printf '0\tcalib.%s\t%s\tbogo_ops/s\n' "$1" "${v:-NA}" >>"$RES"
}

# stress-ng vm methods beside our patterns. Bytes per bogo-op (stress-vm.c: bogo-op = counter >> 12):
# zero-one, rand-set and move-inv count one per 8-byte word per write-and-verify sweep (zero-one:
# memset + popcount check per phase; rand-set: one write loop + one check loop; move-inv: 4 counted
# sweeps that each write and check) -> 32 KiB/op; checkerboard counts one per 64 B -> 256 KiB/op;
# walk-1d/walk-0d count one per byte, each byte set-and-tested 8 times in place (L1 store-to-load,
# one sweep of the buffer) -> 4 KiB/op. Our memory workload counts one per 8-byte word per check
# pass (moving inversions: per sweep), so both sides count a buffer byte once per write-and-verify pass.
declare -A VM_PEER=([solid]=zero-one [checkerboard]=checkerboard [moving-inversions]=move-inv [random]=rand-set
	[walking-ones]=walk-1d [walking-zeros]=walk-0d)
declare -A VM_BPO=([zero-one]=32768 [checkerboard]=262144 [move-inv]=32768 [rand-set]=32768 [walk-1d]=4096
	[walk-0d]=4096)
PATTERNS=${PATTERNS:-"address solid checkerboard walking-ones walking-zeros bit-spread moving-inversions random block-copy"}
MEM_PARAMS=(--param "memory.size=$MEMSIZE" --param memory.threads=1)
HEAP_MAX32=$((65536 / N))   # stress-ng --malloc: sizes up to --malloc-bytes (64 KiB) / N

# analyze at disk speed (issue 10): a 200 MB log of the real kernel logs (fixtures kmsg/, kmsg-more/ and
# tests/corpus/kmsg, concatenated: events everywhere) and a 200 MB log of their lines that belong to no
# event (report-looking lines dropped, then every line `analyze` still makes an event of, until it finds
# none), each read once by `grep -c kernel` (the peer: reading and splitting the lines) and by
# `stresswsl analyze --json`; MB/s from wall time, peak RSS from /usr/bin/time. grep writes to a file:
# GNU grep stops at the first match when its output is /dev/null. Built once per run in $WORK.
analyze_logs() {
	local corpus
	corpus=$(dirname "$(readlink -f "$0")")/../tests/corpus/kmsg
	cat "$FIXTURES"/kmsg/*.log "$FIXTURES"/kmsg-more/*.log "$corpus"/*.log >"$WORK/one.log" 2>/dev/null
	python3 - "$BIN" "$WORK/one-clean.log" "$FIXTURES"/kmsg/*.log "$FIXTURES"/kmsg-more/*.log "$corpus"/*.log \
		"$FIXTURES"/host/dmesg-*.txt <<'PYEOF'
import json, re, subprocess, sys
binary, out, logs = sys.argv[1], sys.argv[2], sys.argv[3:]
report = re.compile(r"BUG|WARNING|Oops|panic|segfault|trap|[Ee]rror|[Ff]ault|Call Trace|RIP|Code:|"
                    r"^\s*\S*\s*[A-Z0-9]{2,3}: [0-9a-f]{4}|\+0x|\[<|lockup|LOCKUP|stall|blocked for|oom|"
                    r"Killed|Kill process|Bad |corruption|---\[|cut here|Hardware|Machine|EDAC|mce|MCE|"
                    r"Tainted|tainted|CPU: |PID: |Modules linked|\[\s*pid\s*\]|^\s*\[\s*\d+\]|"
                    r"(?:\b[0-9a-f]{16}\b.*){2}|<TASK>|</TASK>|<IRQ>|KASAN|UBSAN|lockdep|refcount|usercopy|"
                    r"page allocation|Hardware name|invalid opcode|divide error|general protection")
lines = [raw if raw.endswith(b"\n") else raw + b"\n" for path in logs for raw in open(path, "rb")
         if not report.search(raw.decode("utf-8", "replace"))]
events = []
for _ in range(30):
    open(out, "wb").writelines(lines)
    r = subprocess.run([binary, "analyze", "--json", out], capture_output=True)
    events = json.loads(r.stdout)["files"][0]["events"] if r.stdout else []
    if not events:
        break
    drop = {e["kernel"]["line"] for e in events}
    lines = [l for i, l in enumerate(lines, 1) if i not in drop]
sys.exit(1 if events else 0)
PYEOF
	[ $? = 0 ] || log "analyze: the no-event log still has events"
	local f src reps
	for f in events clean; do
		src=$WORK/one.log
		[ $f = clean ] && src=$WORK/one-clean.log
		reps=$((200 * 1024 * 1024 / $(stat -c %s "$src") + 1))
		python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); o = open(sys.argv[2], "wb"); [o.write(d) for _ in range(int(sys.argv[3]))]' \
			"$src" "$WORK/kmsg-$f.log" "$reps"
	done
}

analyze_fig() {
	[ -s "$WORK/kmsg-events.log" ] || analyze_logs
	local f mb t0 t1
	for f in events clean; do
		mb=$(awk -v b="$(stat -c %s "$WORK/kmsg-$f.log")" 'BEGIN{printf "%.3f", b / 1e6}')
		cat "$WORK/kmsg-$f.log" >"$WORK/grep.out"   # page cache warm for both
		t0=$(date +%s.%N)
		timeout -k 5 120 grep -c kernel "$WORK/kmsg-$f.log" >"$WORK/grep.out"
		t1=$(date +%s.%N)
		record "analyze.$f.grep" "$(awk -v a="$t0" -v b="$t1" -v m="$mb" 'BEGIN{printf "%.1f", m/(b-a)}')" MB/s
		t0=$(date +%s.%N)
		timeout -k 5 300 /usr/bin/time -f %M -o "$WORK/analyze.rss" "$BIN" analyze --json "$WORK/kmsg-$f.log" \
			>"$WORK/analyze.json" 2>"$WORK/analyze.err"
		t1=$(date +%s.%N)
		record "analyze.$f.ours" "$(awk -v a="$t0" -v b="$t1" -v m="$mb" 'BEGIN{printf "%.1f", m/(b-a)}')" MB/s
		record "analyze.$f.rss" "$(tail -1 "$WORK/analyze.rss" 2>/dev/null | awk '{printf "%.1f", $1/1024}')" MiB
		record "analyze.$f.events" "$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["files"][0]["events"]))' \
			"$WORK/analyze.json" 2>/dev/null)" count
	done
	rm -f "$WORK/grep.out" "$WORK/analyze.json"
}

# The machine, for the README table (bench/peers_table.py): CPU and its CPUID signature, memory, kernel.
MACHINE=$WORK/machine.txt
{
	awk -F': *' '/^model name/ && !m { m = $2 } /^cpu family/ && !f { f = $2 } /^model\t/ && !o { o = $2 }
		/^stepping/ && !s { s = $2 }
		END { bf = f > 15 ? 15 : f; ef = f > 15 ? f - 15 : 0
			printf "cpu=%s\nsignature=family 0x%X model 0x%X, signature 0x%X\n", m, f, o,
				s + (o % 16) * 16 + bf * 256 + int(o / 16) * 65536 + ef * 1048576 }' /proc/cpuinfo
	echo "cpus=$(nproc)"
	echo "mem=$(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
	echo "kernel=$(uname -r)"
	echo "virt=$( (systemd-detect-virt --vm 2>/dev/null || echo unknown) | head -1) guest"
	echo "start=$(date -u '+%F %H:%M')"
	echo "load_start=$(cut -d' ' -f1 /proc/loadavg)"
	echo "memsize=$MEMSIZE"
	echo "mtsize=$MTSIZE"
} >"$MACHINE"
log "$(date -u +%FT%TZ) $(uname -r) cpus=$(nproc) mem=$(awk '/MemTotal/{printf "%.1fGiB", $2/1048576}' /proc/meminfo) N=$N DUR=$DUR ROUNDS=$ROUNDS MEMSIZE=$MEMSIZE"
log "$("$BIN" --version 2>&1 | head -1); $(stress-ng --version 2>&1 | head -1)"
calib start

for ROUND in $(seq 1 "$ROUNDS"); do
	log "round $ROUND"
	if want execve; then
		ours execve.ours execve
		ours execve.ours.args64 execve --param execve.max_bytes=64
		have stress-ng && sng exec.stress-ng 1 0 --exec "$N" --verify
		[ -n "$TINY" ] && record lim.vfork-tiny "$(timeout -k 5 60 "$WORK/execlimit" "$N" "$DUR" "$TINY")" execs/s
		[ -n "$HELPER" ] && record lim.vfork-helper "$(timeout -k 5 60 "$WORK/execlimit" "$N" "$DUR" "$HELPER")" execs/s
	fi
	if want heap; then
		ours heap.ours.32K heap --param heap.min_size=1 --param "heap.max_size=$HEAP_MAX32"
		have stress-ng && sng malloc.stress-ng 0 0 --malloc "$N" --verify
		ours heap.ours.128K heap --param heap.min_size=1 --param heap.max_size=128K
		ours heap.ours.1M heap --param heap.min_size=1 --param heap.max_size=1M
		ours heap.ours.4M heap --param heap.min_size=1 --param heap.max_size=4M
	fi
	if want memory; then
		for p in $PATTERNS; do
			memlimit "lim.wv.$p" $((MEMBYTES * N)) "$N"
			ours "mem.ours.$p" memory "${MEM_PARAMS[@]}" --param "memory.patterns=$p"
			m=${VM_PEER[$p]:-}
			[ -n "$m" ] && have stress-ng &&
				sng "vm.$m.stress-ng" 0 "${VM_BPO[$m]}" --vm "$N" --vm-bytes $((MEMBYTES * N)) --vm-keep --verify --vm-method "$m"
		done
	fi
	if want memtester && have memtester; then
		# memtester is single-threaded: against one worker with one thread, same size. Its Solid Bits
		# test is 64 sweeps (write the whole buffer, read-compare it), and Stuck Address (always run
		# first) 16: GB/s = 80 * size / wall time of the whole process (allocation and mlock included,
		# like ours). MEMTESTER_TEST_MASK=0x100 selects Solid Bits only.
		memlimit lim.wv.1thread "$MTBYTES" 1
		N_SAVE=$N N=1
		ours mem1.ours.solid memory --param "memory.size=$MTSIZE" --param memory.threads=1 --param memory.patterns=solid
		N=$N_SAVE
		t0=$(date +%s.%N)
		MEMTESTER_TEST_MASK=0x100 timeout -k 5 300 memtester "$MTSIZE" 1 >"$WORK/mt.log" 2>&1 || log "memtester rc=$?"
		t1=$(date +%s.%N)
		record memtester.solid "$(awk -v a="$t0" -v b="$t1" -v s="$MTBYTES" 'BEGIN{printf "%.3f", 80*s/(b-a)/1e9}')" GB/s
	fi
	if want sat && have stressapptest; then
		# stressapptest's "Stats: Completed" figure counts every byte a copy thread copies TWICE, as
		# read plus written (worker.h: CopyThread::GetMemoryCopiedData() = GetCopiedData() * 2), so
		# bytes copied per second are half of it: that is what sat.copy records. Each copy reads and
		# checks a source page and writes a destination page that is checked again when it is copied
		# on: one byte copied = one write-and-verify pass. Our block-copy counts the same thing: each leg copies a half
		# region, verifying the source blocks' checksums as it reads them, and the next leg (or the
		# round's last sweep) verifies what it wrote; the round's address pass counts its own
		# write-and-verify passes. Its clock starts after its set-up: sat.cc fills every page
		# (InitializePages) before the worker threads start their timers (worker.cc StartRoutine), so
		# like for like is our steady-state rate (without the first second, our set-up); ours still
		# runs the address pass in every round, stressapptest has nothing like it.
		ours mem.ours.block-copy.sat memory "${MEM_PARAMS[@]}" --param memory.patterns=block-copy
		timeout -k 5 $((DUR + 60)) stressapptest -M $((MEMBYTES * N / 1048576)) -s "$DUR" -m "$N" >"$WORK/sat.log" 2>&1 ||
			log "stressapptest rc=$?"
		record sat.copy "$(awk '/Stats: Completed:/ { for (i = 1; i <= NF; i++) if ($i ~ /MB\/s,$/) { v = $i; sub(/MB\/s,/, "", v); printf "%.3f", v / 2 / 1000 } }' "$WORK/sat.log")" GB/s
	fi
	if want analyze && [ -d "$FIXTURES/kmsg" ]; then
		analyze_fig
	fi
	if want cpu; then
		# Different work on both sides: stresswsl runs whole compile trees / known-answer kernels;
		# stress-ng counts normalised cpu bogo-ops. Context only, no ratio.
		ours compile.ours compile
		ours compute.ours compute
		have stress-ng && sng cpu.int64.stress-ng 0 0 --cpu "$N" --cpu-method int64 --verify
		have stress-ng && sng cpu.matrixprod.stress-ng 0 0 --cpu "$N" --cpu-method matrixprod --verify
	fi
	if want kernel; then
		# Like for like where the work is alike:
		# io_uring: stress-ng's bogo-op is one request submitted and waited for on ONE ring per instance,
		#   set up once for the whole run; it checks only that a completion is not an error. Ours sets
		#   up and tears down a ring (in a short-lived process, with requests still in flight) as its op
		#   and verifies every completion's user_data and result. So two figures: ring set-ups+teardowns
		#   per second (stress-ng: N rings / DUR, counted, not measured) and completions per second
		#   (ours: verified; stress-ng: requests completed = its bogo-ops).
		# exit: ours counts processes ended and reaped with their exit status checked (each family, and
		#   an orphan family's grandchild); stress-ng exit-group's bogo-op is one child process ended by
		#   exit_group with its threads, status not checked. Both: processes ended per second.
		# pressure: pages checked after they came back vs stress-ng's own bogo-ops: context only.
		ours uring.ours io_uring
		if have stress-ng; then
			(cd "$WORK" && SNG_CWD_TEMP=1 sng io_uring.stress-ng 0 0 --io-uring "$N" --verify)
			record io_uring.stress-ng.rings "$(awk -v n="$N" -v d="$DUR" 'BEGIN{printf "%.1f", n / d}')" rings/s
		fi
		ours exit.ours exit
		have stress-ng && sng exit_group.stress-ng 0 0 --exit-group "$N"
		have stress-ng && sng clone.stress-ng 0 0 --clone "$N"
		have stress-ng && sng fork.stress-ng 0 0 --fork "$N"
		ours pressure.ours pressure --param pressure.max=256M
		have stress-ng && sng vm_keep.stress-ng 0 0 --vm "$N" --vm-keep --vm-bytes $((256 * N))M --verify
		have stress-ng && sng madvise.stress-ng 0 0 --madvise "$N" --verify
		have stress-ng && sng pagein.stress-ng 0 0 --vm "$N" --page-in --vm-bytes $((256 * N))M
	fi
done
calib end

# ---------------------------------------------------------------------------------------------
# Summary: per figure the median over rounds of each value and of the per-round ratios.
echo
BENCH_DIR=$(dirname "$(readlink -f "$0")") python3 - "$RES" "$N" "$MEMSIZE" "$MTSIZE" <<'EOF'
import os, sys
sys.path.insert(0, os.environ["BENCH_DIR"])
from peers_table import Results
res, n, memsize, mtsize = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
R = Results(res)
val, unit, med, ratio = R.val, R.unit, R.med, R.ratio   # key -> round -> value; medians over rounds

def f(x, nd=0):
    return "NA" if x is None else ("%.*f" % (nd, x))

def f_(x):
    return f(x, 1)

def row(label, ours, peer=None, limit=None, target=None, nd=0, ours_limit_key=None):
    o, p, l = med(ours), med(peer) if peer else None, med(limit) if limit else None
    rp = ratio(ours, peer) if peer else None
    rl = ratio(ours_limit_key or ours, limit) if limit else None
    t = ""
    if target is not None:
        t = "target ours/limit>=%.2g: %s" % (target, "NA" if rl is None else ("met" if rl >= target else "MISSED"))
    print("fig %-34s ours=%-9s %-9s peer=%-9s limit=%-9s ours/peer=%-6s ours/limit=%-6s %s" % (
        label, f(o, nd), unit.get(ours, ""), f(p, nd) if peer else "-", f(l, nd) if limit else "-",
        f(rp, 2) if peer else "-", f(rl, 2) if limit else "-", t))

print("# N=%s; medians over rounds; ratios are medians of per-round ratios of neighbouring runs" % n)
print("fig calibration start=%s end=%s (stress-ng --cpu 1 int64 bogo_ops/s; >10%% apart = drifting host or other load)" % (
    f(med("calib.start")), f(med("calib.end"))))
if "execve.ours" in val:
    row("execve (peer: stress-ng exec; limit: vfork+exec tiny static)", "execve.ours", "exec.stress-ng",
        "lim.vfork-tiny", 0.5)
    row("execve max_bytes=64", "execve.ours.args64", "exec.stress-ng", "lim.vfork-tiny", 0.5)
    row("execve vs bare loop of our helper", "execve.ours", None, "lim.vfork-helper")
    row("execve max_bytes=64 vs helper loop", "execve.ours.args64", None, "lim.vfork-helper")
if "heap.ours.32K" in val:
    row("heap <=%dB (peer: stress-ng malloc)" % (65536 // int(n)), "heap.ours.32K", "malloc.stress-ng")
    for s in ("128K", "1M", "4M"):
        row("heap sizes <=" + s, "heap.ours." + s)
for p in ("address", "solid", "checkerboard", "walking-ones", "walking-zeros", "bit-spread", "moving-inversions",
          "random", "block-copy"):
    k = "mem.ours." + p
    if k not in val:
        continue
    peer = {"solid": "zero-one", "checkerboard": "checkerboard", "moving-inversions": "move-inv",
            "random": "rand-set", "walking-ones": "walk-1d", "walking-zeros": "walk-0d"}.get(p)
    # targets (issue 10): simple patterns >= 0.8 of the limit, random and block copy >= 0.6
    tgt = 0.8 if p in ("address", "solid", "checkerboard", "walking-ones", "walking-zeros", "bit-spread") else \
        0.6 if p in ("random", "block-copy") else None
    row("memory %s (%sx%s)%s" % (p, n, memsize, " vs vm " + peer if peer else ""), k,
        "vm.%s.stress-ng" % peer if peer else None, "lim.wv." + p, tgt, 2)
    row("memory %s steady-state" % p, k + ".steady", None, "lim.wv." + p, tgt, 2)
if "mem1.ours.solid" in val:
    row("memory solid 1 thread %s vs memtester" % mtsize, "mem1.ours.solid", "memtester.solid", "lim.wv.1thread",
        0.7, 2)
if "sat.copy" in val:
    row("memory block-copy vs stressapptest (both after set-up)", "mem.ours.block-copy.sat.steady", "sat.copy",
        None, None, 2)
    row("memory block-copy whole run vs stressapptest", "mem.ours.block-copy.sat", "sat.copy", None, None, 2)
if "compile.ours" in val:
    row("compile (context: different work)", "compile.ours")
    row("compute (context: different work)", "compute.ours")
    row("stress-ng cpu int64 --verify", "cpu.int64.stress-ng")
    row("stress-ng cpu matrixprod --verify", "cpu.matrixprod.stress-ng")
if "analyze.events.ours" in val:
    # targets (issue 10): >= 100 MB/s and peak RSS < 64 MiB on the fixture log; within 2x of grep -c
    # (ours/peer >= 0.5) on the log with no events
    for kind, what in (("events", "200 MB of real fixture logs"), ("clean", "200 MB with no events")):
        row("analyze %s (peer: grep -c)" % what, "analyze.%s.ours" % kind, "analyze.%s.grep" % kind, None, None, 1)
        rss = med("analyze.%s.rss" % kind)
        print("fig analyze %s peak RSS %s MiB (target < 64: %s)" % (kind, f_(rss), "NA" if rss is None else
              ("met" if rss < 64 else "MISSED")))
    ev = med("analyze.clean.events")
    print("fig analyze no-event log: %s events kept (must be 0)" % f(ev))
    o = med("analyze.events.ours")
    print("fig analyze fixture log %s MB/s (target >= 100: %s)" % (f_(o), "NA" if o is None else
          ("met" if o >= 100 else "MISSED")))
    rc = ratio("analyze.clean.ours", "analyze.clean.grep")
    print("fig analyze no-event log ours/grep %s (target >= 0.5, within 2x of grep -c: %s)" % (
        "NA" if rc is None else "%.2f" % rc, "NA" if rc is None else ("met" if rc >= 0.5 else "MISSED")))
if "uring.ours" in val:
    row("io_uring ring set-ups+teardowns/s (peer: one ring per stress-ng instance)", "uring.ours",
        "io_uring.stress-ng.rings", None, None, 1)
    row("io_uring completions/s (ours verified: user_data+result; peer: requests completed)",
        "uring.ours.completions", "io_uring.stress-ng")
    row("exit processes ended+reaped/s (ours: status checked; peer: stress-ng exit-group)", "exit.ours",
        "exit_group.stress-ng")
    row("stress-ng clone (context)", "clone.stress-ng")
    row("stress-ng fork (context)", "fork.stress-ng")
    row("pressure pages checked (peer: stress-ng vm --vm-keep)", "pressure.ours", "vm_keep.stress-ng")
    row("pressure OOM kills inside its cgroup", "pressure.ours.oom_kills")
    row("stress-ng madvise (context)", "madvise.stress-ng")
    row("stress-ng vm --page-in (context)", "pagein.stress-ng")
print("fig memory write-then-verify limit %sx%s: %s GB/s (memset %s, read %s); a plain first memset of the fresh buffer took %s s" % (
    n, memsize, f(med("lim.wv.solid"), 2), f(med("lim.wv.solid.write"), 2), f(med("lim.wv.solid.read"), 2),
    f(med("lim.wv.solid.touch"), 2)))
bad = [k for k in val if k.endswith(".errors") or k.endswith(".worker_exits_not_ok")]
for k in sorted(bad):
    print("fig WARNING %s = %s (median over rounds)" % (k, f(med(k))))
EOF
{
	echo "end=$(date -u '+%H:%M')"
	echo "load_end=$(cut -d' ' -f1 /proc/loadavg)"
} >>"$MACHINE"
echo
echo "# README table for this machine (bench/peers_table.py):"
python3 "$(dirname "$(readlink -f "$0")")/peers_table.py" "$RES" "$MACHINE" "$N" "$DUR" "$ROUNDS" | tee "${TABLE:-/dev/null}"
log "done $(date -u +%FT%TZ)"
