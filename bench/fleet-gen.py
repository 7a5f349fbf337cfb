#!/usr/bin/env python3
"""Generates a fleet of report.json files shaped like real ones, for benchmarking and testing
`stresswsl fleet`.

Each report is a copy of a real report.json (--template, made by `stresswsl` on this machine) with the
machine's identity and environment facts replaced (CPU, signature, firmware microcode, BIOS, kernel,
WSL), the per-second series stretched to the run length (--duration, default 600 s like the compile
profile's 10 minutes), and, for failing runs, verification-error events, a finding and an "unstable"
verdict. Failure odds depend on the cohort (Raptor Lake i9 below microcode 0x12B fails most), so the
answer is known: see --truth.

Layout: OUT/<host>/<run-id>/report.json (what Ansible's fetch leaves). With --labels A,B each machine
runs once per label and machines in the bad cohort get BIOS/microcode updates between labels.
"""
import argparse
import copy
import json
import os
import random
import uuid

CPUS = [  # brand, signature, microcode ladder (firmware), weight, base failure odds at the low microcode
    ("13th Gen Intel(R) Core(TM) i9-13900K", "0xb0671", ["0x123", "0x129", "0x12b", "0x12f"], 3, 0.45),
    ("Intel(R) Core(TM) i9-14900K", "0xb0671", ["0x125", "0x129", "0x12b", "0x12f"], 2, 0.40),
    ("13th Gen Intel(R) Core(TM) i7-13700", "0xb0671", ["0x129", "0x12f"], 2, 0.10),
    ("12th Gen Intel(R) Core(TM) i7-12700K", "0x90672", ["0x35", "0x3a"], 2, 0.02),
    ("AMD Ryzen 9 7950X 16-Core Processor", "0xa60f12", ["0xa601203", "0xa601206"], 2, 0.02),
    ("AMD EPYC 7763 64-Core Processor", "0xa00f11", ["0xa0011d1"], 1, 0.01),
]
KERNELS = ["5.15.167.4-microsoft-standard-WSL2", "6.6.36.6-microsoft-standard-WSL2", "6.6.87.2-microsoft-standard-WSL2"]
WSL = ["2.3.26.0", "2.4.13.0", "2.5.9.0"]


def set_fact(snap, path, value, source="generated"):
    sec, name = path.split(".", 1)
    snap.setdefault(sec, {})[name] = {"value": value, "source": source}


def failure_odds(cpu, ucode_index):
    brand, sig, ladder, _, base = cpu
    if sig == "0xb0671" and ladder[ucode_index] < "0x12b":
        return base
    return base * 0.08 if sig == "0xb0671" else base


def make(tpl, host, cpu, uidx, bios, kernel, wsl, label, start, rng, duration):
    r = copy.deepcopy(tpl)
    run = r["run"]
    run_id = "%s-%04x" % (start.replace("-", "").replace(":", "").replace("T", "-")[:15], rng.getrandbits(16))
    run.update({"id": run_id, "hostname": host, "boot_id": str(uuid.UUID(int=rng.getrandbits(128))), "start": start, "duration_s": float(duration),
                "planned_duration_s": float(duration), "status": "completed", "exit_code": 0,
                "run_dir": "/home/user/.local/state/stresswsl/runs/" + run_id})
    if label:
        run["label"] = label
    else:
        run.pop("label", None)
    for when in ("before", "after"):
        snap = r["facts"].get(when)
        if not isinstance(snap, dict):
            continue
        set_fact(snap, "cpu.brand", cpu[0], "cpuid")
        set_fact(snap, "cpu.signature", cpu[1], "cpuid")
        set_fact(snap, "microcode.firmware", cpu[2][uidx], "host-registry")
        set_fact(snap, "microcode.visible", None)
        set_fact(snap, "firmware.bios_version", bios, "host-wmi")
        set_fact(snap, "kernel.release", kernel, "/proc/sys/kernel/osrelease")
        snap.setdefault("wsl", {})["versions"] = {"value": {"wsl": wsl, "kernel": kernel.split("-")[0]},
                                                  "source": "wsl.exe"}
        set_fact(snap, "hypervisor.name", "hyperv", "cpuid")
        set_fact(snap, "hypervisor.environment", "wsl2", "cpuid")
    for w in r.get("workloads", []):   # stretch the per-second series to the run length
        ops = w["series"]["ops"] or [0]
        w["series"]["ops"] = [ops[i % len(ops)] + rng.randint(0, 3) for i in range(duration)]
        w["series"]["errors"] = [0] * duration
        w["ops"] = sum(w["series"]["ops"])
        w["duration_s"] = float(duration)
    failed = rng.random() < failure_odds(cpu, uidx)
    events = [e for e in r.get("events", []) if e.get("severity") in ("info", "warn")][:20]
    findings = []
    ucode = cpu[2][uidx]
    if cpu[1] == "0xb0671" and "i9" in cpu[0] and ucode < "0x12b":
        fix = "0x125" if ucode < "0x125" else "0x129" if ucode < "0x129" else "0x12b"
        findings.append({"rule": "rpl-vmin-fw-below-" + fix, "class": "firmware", "confidence": "high",
                         "title": "Raptor Lake CPU with firmware microcode below " + fix.upper().replace("0X", "0x"),
                         "summary": "generated", "advice": "update the BIOS", "evidence": {"facts": [], "events": []},
                         "confounders": [], "references": []})
    if failed:
        seq = len(events) + 1
        for k in range(rng.randint(1, 6)):
            events.append({"seq": seq + k, "time": start, "t_ns": 0, "type": "verify_error", "severity": "error",
                           "workload": "compile", "worker": k % 4, "cpu": rng.randint(0, 31), "node": 0,
                           "pid": 1000 + k, "phase": "build", "what": "object-digest",
                           "text": "compile job output differs from the reference",
                           "verify": {"want": "0x1234", "got": "0x1235"}})
        run["exit_code"] = 1
        findings.append({"rule": "verify-errors-generic", "class": "hardware-cpu", "confidence": "medium",
                         "title": "Computations gave wrong results", "summary": "generated", "advice": "see",
                         "evidence": {"facts": [], "events": []}, "confounders": [], "references": []})
    r["events"] = events
    r["findings"] = findings
    r["verdict"] = {"status": "unstable" if failed else "stable",
                    "summary": "Unstable: generated." if failed else "Stable: generated."}
    return r, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("template", help="a real report.json")
    ap.add_argument("out", help="directory to fill")
    ap.add_argument("-n", type=int, default=10000, help="reports (default 10000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--duration", type=int, default=600, help="run length in seconds (series length)")
    ap.add_argument("--labels", default="", help="comma-separated labels: each machine runs once per label")
    ap.add_argument("--truth", help="write the generated outcome per machine (JSON) here")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    tpl = json.load(open(a.template))
    labels = [l for l in a.labels.split(",") if l] or [""]
    weights = [c[3] for c in CPUS]
    machines = max(1, a.n // len(labels))
    truth = {}
    made = 0
    for m in range(machines):
        host = "ws-%05d" % m
        cpu = rng.choices(CPUS, weights)[0]
        uidx = rng.randrange(len(cpu[2]) - 1) if len(cpu[2]) > 1 else 0
        bios = "%d" % (1000 + 100 * uidx + rng.randrange(3))
        kernel, wsl = rng.choice(KERNELS), rng.choice(WSL)
        for li, label in enumerate(labels):
            if li > 0 and failure_odds(cpu, uidx) > 0.2:   # the update: the top of the microcode ladder
                uidx, bios = len(cpu[2]) - 1, "%d" % (1000 + 100 * (len(cpu[2]) - 1))
            start = "2026-11-%02dT%02d:%02d:00Z" % (1 + li * 7 + m % 5, m % 24, m % 60)
            r, failed = make(tpl, host, cpu, uidx, bios, kernel, wsl, label, start, rng, a.duration)
            d = os.path.join(a.out, host, r["run"]["id"])
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "report.json"), "w") as f:
                json.dump(r, f, indent=2)
            truth.setdefault(host, []).append({"label": label, "failed": failed, "cpu": cpu[0]})
            made += 1
    if a.truth:
        json.dump(truth, open(a.truth, "w"))
    print("generated %d reports from %d machines in %s" % (made, machines, a.out))


if __name__ == "__main__":
    main()
