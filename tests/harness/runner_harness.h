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

/* Bodies for children (sw_spawn) that stand in for workers in the stop tests: one that ends with
 * status 0 once *rh_stop_word is set, one that only SIGTERM (or worse) ends, one that ignores SIGTERM. */
extern const atomic_uint *rh_stop_word;
int rh_child_cooperative(void *arg);
int rh_child_sleeper(void *arg);
int rh_child_ignores_term(void *arg);

/* One phase "only" of 1000 ms with workers compute workers; returns false (case failed) on error. */
bool rh_open(struct rh *h, int workers);
void rh_close(struct rh *h);

#endif
