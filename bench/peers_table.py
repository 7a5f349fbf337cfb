#!/usr/bin/env python3
"""peers_table.py RESULTS.tsv MACHINE.txt N DUR ROUNDS: the README's performance table for one machine,
in Markdown, from a bench/peers.sh run (called by it at the end; TABLE=file keeps a copy).

RESULTS.tsv: round, key, value, unit (peers.sh's results). MACHINE.txt: key=value lines peers.sh
wrote about the machine and the run (cpu, signature, mem, kernel, virt, start, end, load_start,
load_end). Values are medians over rounds; ratios are medians of per-round ratios of neighbouring
runs, as in peers.sh's own summary."""
import statistics
import sys
from collections import defaultdict


class Results:
    """peers.sh's results: val[key][round] = value, unit[key]; medians and per-round ratios."""

    def __init__(self, path):
        self.val, self.unit = defaultdict(dict), {}
        for line in open(path):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                continue
            r, k, v, u = parts
            self.unit[k] = u
            try:
                self.val[k][int(r)] = float(v)
            except ValueError:
                pass

    def med(self, k):
        x = list(self.val.get(k, {}).values())
        return statistics.median(x) if x else None

    def ratio(self, a, b):
        """The median of the per-round ratios a/b (neighbouring runs)."""
        va, vb = self.val.get(a, {}), self.val.get(b, {})
        rs = [va[r] / vb[r] for r in va if r in vb and vb[r] > 0]
        return statistics.median(rs) if rs else None


def main():
    res, machine, n, dur, rounds = sys.argv[1:6]
    results = Results(res)
    unit, med, ratio = results.unit, results.med, results.ratio
    info = {}
    for line in open(machine):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            info[k] = v

    def num(x, nd=2):
        if x is None:
            return "NA"
        if nd == 0:
            return "{:,.0f}".format(x)
        return "%.*f" % (nd, x)

    def target(r, t, what):
        if t is None:
            return None
        return "%s ≥ %g: %s" % (what, t, "NA" if r is None else ("met" if r >= t else "**missed**"))

    rows = []

    def row(label, ours, peer=None, peer_label="", limit=None, limit_label="", t_limit=None, t_peer=None, nd=2,
            t_abs=None, below=None):
        o = med(ours)
        if o is None:
            return
        rp = ratio(ours, peer) if peer else None
        rl = ratio(ours, limit) if limit else None
        u = unit.get(ours, "")
        p = "%s %s" % (peer_label, num(med(peer), nd)) if peer and med(peer) is not None else "–"
        lim = "%s%s" % (limit_label, num(med(limit), nd)) if limit and med(limit) is not None else "–"
        ts = [x for x in (target(rl, t_limit, "limit"), target(rp, t_peer, "peer")) if x]
        if t_abs is not None:   # a floor on our own figure
            ts.append("≥ %g %s: %s" % (t_abs, u, "met" if o >= t_abs else "**missed**"))
        if below is not None:   # a ceiling on it
            ts.append("< %g %s: %s" % (below, u, "met" if o < below else "**missed**"))
        rows.append("| %s | %s %s | %s | %s | %s | %s | %s |" % (
            label, num(o, nd), u, p, lim, num(rp, 2) if peer else "–", num(rl, 2) if limit else "–",
            "; ".join(ts) if ts else "–"))

    row("execve storm, every child verified", "execve.ours", "exec.stress-ng", "stress-ng exec",
        "lim.vfork-helper", "bare loop of our helper ", 0.75, None, 0)
    row("execve storm, `max_bytes=64`", "execve.ours.args64", "exec.stress-ng", "stress-ng exec",
        "lim.vfork-tiny", "no-libc program ", 0.5, None, 0)
    row("heap, sizes ≤ %d B, every byte verified" % (65536 // int(n)), "heap.ours.32K", "malloc.stress-ng",
        "stress-ng malloc --verify", None, "", None, 50, 0)
    for s in ("128K", "1M", "4M"):
        row("heap, sizes ≤ %s" % s, "heap.ours." + s, nd=0)
    peers = {"solid": "zero-one", "checkerboard": "checkerboard", "moving-inversions": "move-inv",
             "random": "rand-set", "walking-ones": "walk-1d", "walking-zeros": "walk-0d"}
    simple = ("address", "solid", "checkerboard", "walking-ones", "walking-zeros", "bit-spread")
    for p in simple + ("moving-inversions", "random", "block-copy"):
        m = peers.get(p)
        t_lim = 0.8 if p in simple else 0.6 if p in ("random", "block-copy") else None
        # walk-1d/0d test single bytes in L1, a different test: no peer target there
        t_peer = 1.5 if m and not m.startswith("walk") else None
        row("memory %s (%s × %s)" % (p, n, info.get("memsize", "?")), "mem.ours." + p,
            "vm.%s.stress-ng" % m if m else None, "vm " + (m or ""), "lim.wv." + p, "write+verify ", t_lim, t_peer)
    row("memory block-copy vs stressapptest, both after set-up (bytes copied and verified)",
        "mem.ours.block-copy.sat.steady", "sat.copy", "stressapptest copy", None, "", None, 1.0)
    row("… same, our whole run (set-up included; stressapptest's figure excludes its own)",
        "mem.ours.block-copy.sat", "sat.copy", "stressapptest copy", None, "", None, None)
    row("memory solid, 1 thread, %s, vs memtester" % info.get("mtsize", "?"), "mem1.ours.solid", "memtester.solid",
        "memtester", "lim.wv.1thread", "write+verify ", None, 1.5)
    # analyze: grep -c over the same file is its limit line (reading and splitting the lines)
    row("analyze, 200 MB of real kernel logs (events everywhere)", "analyze.events.ours", None, "",
        "analyze.events.grep", "grep -c ", None, None, 1, t_abs=100)
    row("… its peak memory", "analyze.events.rss", nd=1, below=64)
    row("analyze, 200 MB of the same logs' lines that belong to no event", "analyze.clean.ours", None, "",
        "analyze.clean.grep", "grep -c ", 0.5, None, 1)
    row("… its peak memory", "analyze.clean.rss", nd=1, below=64)
    row("compile-like trees (context)", "compile.ours", nd=0)
    row("compute, verified kernels (context)", "compute.ours", nd=0)
    row("stress-ng cpu int64 --verify (context: different work, no ratio)", "cpu.int64.stress-ng", nd=0)

    print("**%s** (%s), %s vCPUs, %s memory, kernel %s, %s; run %s – %s UTC, `DUR=%s ROUNDS=%s N=%s`; "
          "load average %s at the start, %s at the end; calibration (stress-ng `--cpu 1 int64`) %s → %s; "
          "memory write-then-verify limit %s GB/s (memset %s, read %s); a plain first memset of a fresh %s × %s "
          "buffer took %s s." % (
              info.get("cpu", "?"), info.get("signature", "?"), info.get("cpus", "?"), info.get("mem", "?"),
              info.get("kernel", "?"), info.get("virt", "?"), info.get("start", "?"), info.get("end", "?"),
              dur, rounds, n, info.get("load_start", "?"), info.get("load_end", "?"), num(med("calib.start"), 0),
              num(med("calib.end"), 0), num(med("lim.wv.solid")), num(med("lim.wv.solid.write")),
              num(med("lim.wv.solid.read")), n, info.get("memsize", "?"), num(med("lim.wv.solid.touch"))))
    print()
    print("| workload (%s workers, %s s) | stresswsl | peer | limit | ours/peer | ours/limit | target |" % (n, dur))
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(r)


if __name__ == "__main__":
    main()
