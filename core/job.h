/* A job: what the runner carries out, fully resolved from a profile and the command line (profile
 * loading and validation live in core/profile; the runner only executes). */
#ifndef SW_JOB_H
#define SW_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/params.h"
#include "core/placement.h"
#include "core/workload.h"

#define SW_JOB_MAX_PHASES 16
#define SW_PHASE_MAX_WORKLOADS 8

/* How many workers: an exact count, "auto" (one per CPU, scaled to the budget) or a share of CPUs. */
enum sw_count_kind { SW_COUNT_EXACT = 0, SW_COUNT_AUTO, SW_COUNT_SHARE };

struct sw_job_workload {
    const struct sw_workload *wl;
    int workload_id;
    enum sw_count_kind count_kind;
    int count;            /* EXACT: the number                              */
    double share;         /* SHARE: fraction of online CPUs (0 < share <= 4) */
    int workers;          /* resolved by the runner's budget step            */
    enum sw_pin pin;
    struct sw_params params;
};

struct sw_job_phase {
    char name[32];
    uint64_t duration_ms;   /* resolved: its share of one trial (total/trials) */
    double weight;          /* share of the run's duration (profiles give it)  */
    unsigned duty_on_ms, duty_off_ms;   /* 0/0: continuous load; else bursts    */
    int n;
    struct sw_job_workload wl[SW_PHASE_MAX_WORKLOADS];
};

struct sw_job {
    char profile[64];          /* name                                        */
    char profile_source[512];  /* file path, or "built-in"                     */
    char description[256];
    uint64_t duration_ms;      /* total of all trials, after --duration        */
    uint64_t seed;
    uint64_t mem_limit;        /* --memory in bytes (0 = default share)        */
    unsigned mem_percent;      /* --memory NN%                                 */
    unsigned inject;           /* enum sw_inject, selftest only                */
    unsigned trials;           /* run the phases this many times (>= 1)        */
    int nphases;
    struct sw_job_phase phases[SW_JOB_MAX_PHASES];
};

#endif
