/* A run's plan, built once from the caller's job (never modified): the job resolved (trials, each
 * phase's duration, "auto" worker counts, the seed), the budget, where each worker goes, the names
 * the events use, and the plan object of report.json. A dry run is just this; the runner executes
 * it. The plan points into itself (names -> its job copy): build it in place and do not copy it. */
#ifndef SW_RUN_PLAN_H
#define SW_RUN_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/budget.h"
#include "core/diag.h"
#include "core/event_json.h"
#include "core/job.h"

struct sw_run_plan {
    struct sw_job job;            /* the caller's job, resolved                                   */
    struct sw_budget budget;
    struct sw_plan place[SW_JOB_MAX_PHASES][SW_PHASE_MAX_WORKLOADS];
    int first_worker[SW_JOB_MAX_PHASES][SW_PHASE_MAX_WORKLOADS];   /* global worker index       */
    int nworkers;
    uint64_t planned_ms;          /* all phases of all trials                                     */
    struct sw_ev_names names;
    bool is_vm;                   /* this CPU reports the hypervisor flag (false for --topology)  */
    char topo_source[600];        /* "live" or the --topology file                               */
    json_t *json;                 /* report.json's "plan"                                         */
};

/* Builds p from job. topology_xml plans for another machine (only with dry_run). A job without a
 * seed gets a random one (entropy_fallback mixes in when getrandom has none); p->job.seed is set
 * even when planning fails. Returns 0 or a negative errno with d saying what and how to fix. */
int sw_run_plan_build(struct sw_run_plan *p, const struct sw_job *job, const char *topology_xml, bool dry_run,
                      uint64_t entropy_fallback, struct sw_diag *d);
void sw_run_plan_free(struct sw_run_plan *p);
/* One line for the journal header: "steady 60s: memory x4 spread; ...". */
void sw_run_plan_summary(const struct sw_run_plan *p, char *buf, size_t cap);
/* The mixing function behind seeds (a worker's seed is derived from the run's and its index). */
uint64_t sw_splitmix64(uint64_t x);

#endif
