/* The environment probe: every fact about the CPU, firmware, hypervisor, kernel, memory, WSL and the
 * Windows host that a stability report needs, each with where it came from (docs/facts-schema.md).
 * Library code: never prints; replayable from recorded data (sysroot, CPUID dump, host outputs). */
#ifndef SW_PROBE_H
#define SW_PROBE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/diag.h"

struct sw_probe_env {
    const char *sysroot;      /* NULL, "" or "/" = live; else read /proc and /sys under it      */
    const char *cpuid_dump;   /* libcpuid raw dump file instead of live CPUID (NULL = live)    */
    const char *host_replay;  /* dir (or dir:dir...) of recorded host outputs instead of
                                 running Windows tools (see probes/README.md)                   */
    int host_timeout_ms;      /* one budget for all host queries; <= 0 means 30000             */
    uint64_t window_start_ns, window_end_ns; /* CLOCK_REALTIME window for host event queries;
                                                both 0 = no window (most recent events)        */
    bool skip_host;           /* never run Windows tools (e.g. while stress is running)        */
};

/* The FACTS object of docs/facts-schema.md. NULL only for bad input (unreadable CPUID dump, sysroot
 * that is not a directory): d names the file and what is accepted. Missing facts are not errors:
 * they come back as {"value": null, "unavailable": "why"}. */
json_t *sw_probe_snapshot(const struct sw_probe_env *env, struct sw_diag *d);

/* Host-side evidence of a guest crash or hardware error in [from_ns, to_ns] (CLOCK_REALTIME):
 * Hyper-V-Worker 18590 events (with the guest message), WHEA-Logger 17/18/19/47 events and the
 * wsl-crashes folder listing, as an array of {"kind": "guest_crash"|"whea"|"wsl_crash_file", ...}.
 * Returns an empty array when the host cannot be asked (not WSL2, interop off, timed out); then d
 * says why. NULL only on allocation failure. Never call it while stress is running. */
json_t *sw_host_crash_evidence(const struct sw_probe_env *env, uint64_t from_ns, uint64_t to_ns,
                               struct sw_diag *d);

#endif
