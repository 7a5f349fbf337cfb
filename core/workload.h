/* The workload interface (core owns the interface, stress/ the implementations). Each workload is one
 * file in stress/ that defines a const descriptor `sw_wl_<name>` and is listed once in
 * stress/workloads.def (an X-macro list: constructor self-registration would be silently dropped from
 * a static library); stress/registry.h finds them by name.
 *
 * A workload runs inside a worker process the runner forked, already pinned (core/bind) to its
 * planned CPUs and memory node. Contract:
 *  - check sw_keep_going() at least every ~10 ms of work (Ctrl-C must end a run within a second);
 *  - at the phase's deadline it may still verify what it holds (blocks, children's results): while
 *    it keeps calling sw_progress() the runner waits for it (up to 10 s; not after Ctrl-C);
 *  - verify its own results; report every error with sw_report_*() (no allocation, no locks);
 *  - publish progress with sw_progress() (cheap; call it often);
 *  - never exceed ctx->mem_budget bytes or ctx->proc_budget concurrent child processes;
 *  - back off and count (SW_EV_RESOURCE) on EAGAIN/ENOMEM/EMFILE rather than fail;
 *  - reap every child it creates and keep its files under ctx->tmpdir;
 *  - never use stdio (the runner prints); leave through return, never exit().  */
#ifndef SW_WORKLOAD_H
#define SW_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/params.h"

enum sw_wl_flags {
    SW_WL_SPAWNS = 1u << 0,    /* creates child processes                */
    SW_WL_MEMORY = 1u << 1,    /* sized against the memory budget        */
    SW_WL_THREADS = 1u << 2,   /* uses pthreads inside the worker        */
};

/* What run() returns. Errors found in the machine are reported as events, not as return codes:
 * SW_WL_OK with errors > 0 is a normal "found instability" outcome. */
enum sw_wl_result {
    SW_WL_OK = 0,
    SW_WL_NORESOURCE = 3,   /* could not get what it needs (memory, processes): not a machine fault */
    SW_WL_HARNESS = 4,      /* a bug or unexpected condition in the workload itself            */
};

/* Fault injection for `stresswsl selftest`: each workload documents which of these it honours. */
enum sw_inject {
    SW_INJ_NONE = 0,
    SW_INJ_BITFLIP = 1u << 0,    /* flip one bit behind the verifier's back           */
    SW_INJ_CORRUPT = 1u << 1,    /* corrupt a data block / argument / result          */
    SW_INJ_SEGV = 1u << 2,       /* a child (or the worker) dies from SIGSEGV           */
    SW_INJ_WRONG = 1u << 3,      /* a child produces a wrong but well-formed result   */
};

struct sw_ctx {
    const struct sw_workload *wl;
    int workload_id;             /* index in the registry                              */
    int worker;                  /* worker index in the plan                           */
    int phase;
    int cpu_planned;             /* -1: not pinned to one CPU                          */
    int node_planned;            /* -1: no memory binding                              */
    const int *cycle_cpus;       /* pin policy "cycle": CPUs to visit in turn, else NULL */
    int n_cycle_cpus;
    unsigned cycle_ms;           /* time on each CPU in the cycle                      */
    struct sw_params params;     /* resolved                                           */
    uint64_t seed;               /* per-worker, recorded in the report                 */
    uint64_t mem_budget;         /* bytes this worker may use                          */
    unsigned proc_budget;        /* concurrent child processes this worker may have    */
    unsigned threads;            /* threads this worker may use (SW_WL_THREADS)        */
    char tmpdir[256];            /* private, under the run's temp root                 */
    char self_exe[256];          /* for helpers re-executed as `stresswsl __child ...` */
    unsigned inject;             /* enum sw_inject mask; 0 unless `selftest`/--inject   */
    uint64_t deadline_ns;        /* CLOCK_MONOTONIC end of this phase                  */
    struct sw_slot *slot;
    struct sw_ring *ring;
    const atomic_uint *stop;
    /* worker-local running totals, published by sw_progress() */
    uint64_t ops, bytes, errors;
    uint64_t last_publish_ns;
};

struct sw_workload {
    const char *name;       /* "execve"                                        */
    const char *summary;    /* one line for `stresswsl list`                   */
    const char *unit;       /* what ops counts: "execs", "allocs", "bytes"     */
    unsigned flags;         /* enum sw_wl_flags                                */
    unsigned injects;       /* enum sw_inject bits it honours: `selftest` runs one case per bit */
    /* SW_PARAM_TABLE indexed by the workload's own parameter enum (core/params.h); code reads the
     * values by that enum (sw_param_int(&c->params, COMPUTE_MODE)). */
    const struct sw_param_def *params;
    /* Budget hooks: what one worker needs with these parameters. NULL = small/none. */
    uint64_t (*mem_per_worker)(const struct sw_params *p);
    unsigned (*procs_per_worker)(const struct sw_params *p);
    /* Checks that need the whole parameter set (lists, min <= max), so that a bad profile or --param
     * fails before anything starts; per-value checks come from the param defs. NULL = none. */
    int (*check_params)(const struct sw_params *p, struct sw_diag *d);
    /* Whether the workload can run here (kernel feature, sandbox, sysctl, a program it must exec);
     * false with why set to one line naming the cause. NULL = runs wherever the tool runs (memory,
     * heap, compute; exit and pressure degrade with a note instead: no exec, no cgroup). An
     * unsupported workload is skipped, not failed: its workers note why (sw_workload_skipped) and end
     * with no work; `list` and `selftest` say so. */
    bool (*supported)(char *why, size_t len);
    int (*run)(struct sw_ctx *c);   /* returns enum sw_wl_result */
    /* For helpers re-executed as `stresswsl __child <name> ...`: the child's main. NULL if none. */
    int (*child_main)(int argc, char **argv);
};

/* --- the hot-path API (stress/worker_api.c): no allocation, no locks, safe in signal handlers --- */
bool sw_keep_going(struct sw_ctx *c);
/* Adds to the local totals and publishes them to the slot at most every few ms. */
void sw_progress(struct sw_ctx *c, uint64_t ops, uint64_t bytes);
/* Memory miscompare. flags: SW_MEM_*. pattern: the pattern's name. */
void sw_report_mem_error(struct sw_ctx *c, const char *pattern, uintptr_t vaddr, uint64_t expected,
                         uint64_t actual, uint64_t reread, unsigned width, unsigned flags);
/* The full memory-miscompare record, for workloads that know more than sw_report_mem_error takes
 * (threads that saw it on another CPU, a physical address, an addressing-fault block). */
struct sw_mem_fault {
    const char *pattern;   /* the pattern's (or allocation kind's) name                          */
    uintptr_t vaddr;
    uint64_t paddr;        /* valid with SW_MEM_PADDR_OK; guest-physical when guest_phys        */
    uint64_t expected, actual, reread;
    unsigned width, flags; /* SW_MEM_*                                                           */
    int cpu;               /* CPU the thread that saw it ran on; -1: the caller's (getcpu)      */
    bool guest_phys;       /* running under a hypervisor: paddr is a guest-physical address     */
    const char *detail;    /* replaces "expected .. got .." in the text when set (blocks), or NULL */
};
void sw_report_mem_fault(struct sw_ctx *c, const struct sw_mem_fault *f);
/* A computed or received result differs from the known answer. */
void sw_report_verify_error(struct sw_ctx *c, const char *unit, uint64_t want, uint64_t got,
                            const char *detail);
/* A child of the worker died from a signal or exited badly (wstatus from waitpid). */
void sw_report_child_status(struct sw_ctx *c, const char *what, int pid, int wstatus);
/* A child of the worker did not end (or was not reaped) within its bound: an error (SW_EV_STALL). */
void sw_report_task_stuck(struct sw_ctx *c, const char *what, int pid, const char *text);
/* For a workload's wind-down that must finish (children to reap, a cgroup to remove): blocks the
 * runner's SIGTERM (sent 500 ms after the stop); its SIGKILL (800 ms) still ends the worker. */
void sw_hold_sigterm(void);
/* In a worker, before run(): true (with a warning note naming the cause) when the workload cannot
 * run here, so the worker ends at once with no work and no error. */
bool sw_workload_skipped(struct sw_ctx *c);
/* Informational or resource text (sev WARN/INFO); counts nothing as an error. */
void sw_report_note(struct sw_ctx *c, enum sw_ev_type type, enum sw_sev sev, const char *text);

#endif
