/* A runner's state without a run, for the unit tests of its parts (sampler, report): the plan of a
 * small compute job made against a recorded topology, the worker table, an in-process arena and the
 * event store. Nothing is forked; the tests play the workers by publishing into their slots. */
#ifndef SW_TEST_RUNNER_HARNESS_H
#define SW_TEST_RUNNER_HARNESS_H

#include "core/runner_state.h"

struct rh {
    struct runner *r;
    struct sw_run_opts o;
    struct sw_run_result res;
    struct sw_diag d;
};

/* Appends a workload to ph (SW_SKIPs the case when this build lacks it), with its default parameters. */
void rh_add_workload(struct sw_job_phase *ph, const char *name, enum sw_count_kind kind, int count, enum sw_pin pin);
/* A job of one phase "only" of ms with workers unpinned compute workers, seed 42, profile "unit". */
void rh_compute_job(struct sw_job *job, int workers, uint64_t ms);

/* One phase "only" of 1000 ms with workers compute workers; returns false (case failed) on error. */
bool rh_open(struct rh *h, int workers);
void rh_close(struct rh *h);

#endif
