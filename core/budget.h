/* Budgets: how much memory and how many processes a run may use, decided before anything starts.
 * sw_budget_read gathers the inputs (MemAvailable, cgroup memory.max / pids.max, RLIMIT_NPROC);
 * sw_budget_resolve is a pure function from those inputs and a job to worker counts and per-worker
 * shares: "auto" counts are scaled down with a notice, an explicit request that does not fit is
 * refused with the numbers. Nothing ever plans past MemAvailable (or the cgroup's room) minus a
 * safety margin, which is a share of the memory limit (the machine's or the cgroup's) with a floor. */
#ifndef SW_BUDGET_H
#define SW_BUDGET_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/job.h"

#define SW_BUDGET_DEFAULT_MEM_PERCENT 50u    /* share of the usable memory without --memory    */
#define SW_BUDGET_SMALL_MEM (16ull << 20)     /* a worker whose workload declares no need       */
#define SW_BUDGET_MAX_NOTES 16
#define SW_BUDGET_MARGIN_PERCENT 5u           /* safety margin: this share of the memory limit ...  */
#define SW_BUDGET_MARGIN_FLOOR (128ull << 20)  /* ... at least this, or an eighth of a smaller limit */

struct sw_budget_inputs {
    uint64_t mem_total;           /* MemTotal                                         */
    uint64_t mem_available;       /* MemAvailable                                     */
    uint64_t cgroup_mem_max;      /* 0 = no limit                                     */
    bool cgroup_mem_v1;           /* cgroup_mem_max is v1 memory.limit_in_bytes       */
    uint64_t cgroup_mem_current;
    int64_t pids_max;             /* -1 = no limit                                    */
    uint64_t pids_current;
    uint64_t rlimit_nproc;        /* 0 = unlimited                                    */
    uint64_t nproc_current;       /* threads on the system: an upper bound for ours   */
    bool nproc_enforced;          /* false for root (the kernel does not apply it)    */
    int online_cpus;              /* CPUs this process may run on                     */
    int cgroup_version;           /* 2, 1, or 0 when none was found                   */
};

struct sw_worker_budget {
    uint64_t mem;        /* bytes one worker may use                          */
    unsigned procs;      /* concurrent child processes one worker may have     */
    unsigned threads;    /* threads one worker may use (SW_WL_THREADS)         */
};

struct sw_budget {
    struct sw_budget_inputs in;
    uint64_t mem_headroom;     /* min(MemAvailable, cgroup max - current)              */
    uint64_t mem_margin;       /* kept free for the system and for stresswsl itself    */
    uint64_t mem_usable;       /* headroom - margin                                    */
    uint64_t mem_budget;       /* what the workers of one phase may use together       */
    uint64_t proc_room;        /* processes still allowed (UINT64_MAX: no limit known) */
    uint64_t proc_budget;      /* what the workers of one phase may have together      */
    struct sw_worker_budget wb[SW_JOB_MAX_PHASES][SW_PHASE_MAX_WORKLOADS];
    int nnotes;
    char notes[SW_BUDGET_MAX_NOTES][256];
};

/* Reads the live inputs; root prefixes every path ("" or NULL for the real system; tests pass a
 * directory with proc/meminfo, proc/self/cgroup and sys/fs/cgroup/...). */
int sw_budget_read(struct sw_budget_inputs *in, const char *root, struct sw_diag *d);
/* Pure: fills job->phases[*].wl[*].workers and b. An "auto" count is the workload's preset
 * workers (the pin policy's eligible CPUs, from placement) or, when 0, the online CPUs. Returns 0, or -E2BIG with a one-line refusal that
 * names the numbers (exit 2), or -EINVAL for a malformed job. */
int sw_budget_resolve(const struct sw_budget_inputs *in, struct sw_job *job, struct sw_budget *b,
                      struct sw_diag *d);
/* The file the cgroup memory limit came from: "memory.max" (v2) or "memory.limit_in_bytes" (v1). */
const char *sw_budget_cgroup_mem_file(const struct sw_budget_inputs *in);
/* The safety margin kept free under a memory limit (MemTotal or the cgroup's limit, the smaller). */
uint64_t sw_budget_margin(uint64_t limit);
/* The plan.budget object of report.json. */
json_t *sw_budget_to_json(const struct sw_budget *b);
/* In a worker: the address-space safety net (skipped under AddressSanitizer, whose shadow memory
 * reserves terabytes of address space). Returns 0 or -errno. */
int sw_budget_apply_worker_limits(uint64_t mem_budget);

#endif
