/* See runner_harness.h. */
#include "tests/harness/runner_harness.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stress/registry.h"
#include "tests/harness/check.h"

void rh_add_workload(struct sw_job_phase *ph, const char *name, enum sw_count_kind kind, int count, enum sw_pin pin)
{
    int id;
    const struct sw_workload *wl = sw_workload_find(name, &id);
    if (!wl)
        SW_SKIP("no %s workload in this build", name);
    struct sw_job_workload *w = &ph->wl[ph->n++];
    w->wl = wl;
    w->workload_id = id;
    w->count_kind = kind;
    w->count = count;
    w->pin = pin;
    struct sw_diag d;
    sw_params_defaults(&w->params, wl->params, &d);
}

void rh_compute_job(struct sw_job *job, int workers, uint64_t ms)
{
    memset(job, 0, sizeof *job);
    snprintf(job->profile, sizeof job->profile, "unit");
    snprintf(job->profile_source, sizeof job->profile_source, "test");
    job->duration_ms = ms;
    job->seed = 42;
    job->nphases = 1;
    snprintf(job->phases[0].name, sizeof job->phases[0].name, "only");
    job->phases[0].duration_ms = ms;
    rh_add_workload(&job->phases[0], "compute", SW_COUNT_EXACT, workers, SW_PIN_NONE);
}

const atomic_uint *rh_stop_word;

int rh_child_cooperative(void *arg)
{
    (void)arg;
    while (!atomic_load(rh_stop_word))
        usleep(1000);
    return 0;
}

int rh_child_sleeper(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return 0;
}

int rh_child_ignores_term(void *arg)
{
    (void)arg;
    signal(SIGTERM, SIG_IGN);
    for (;;)
        pause();
    return 0;
}

bool rh_open(struct rh *h, int workers)
{
    memset(h, 0, sizeof *h);
    const char *xml = sw_test_fixture("topology/generated-hwloc-2.9/Intel-RaptorLake-Corei7-1370P.hwloc29.xml");
    struct sw_job job;
    rh_compute_job(&job, workers, 1000);
    h->o.progress = SW_PROGRESS_QUIET;
    h->o.command_line = "unit test";
    struct runner *r = h->r = calloc(1, sizeof *r);
    r->priv = calloc(1, sizeof *r->priv);
    r->priv->sigfd = -1;
    r->job = &r->plan.job;
    r->o = &h->o;
    r->res = &h->res;
    r->d = &h->d;
    sw_progress_init(&r->prog, SW_PROGRESS_QUIET, -1);
    snprintf(h->res.run_id, sizeof h->res.run_id, "unit-run");
    int rc = sw_run_plan_build(&r->plan, &job, xml, true, 0, &h->d);
    if (rc == 0) {
        r->nworkers = r->plan.nworkers;
        rc = runner_prepare_workers(r);
    }
    if (rc == 0)
        rc = sw_event_store_init(&r->events, 8);
    if (rc == 0)
        rc = sw_arena_create(&r->arena, (unsigned)r->nworkers, 16);
    r->arena_ok = rc == 0;
    CHECK_MSG(rc == 0, "cannot set up a runner: %s", h->d.msg);
    return rc == 0;
}

void rh_close(struct rh *h)
{
    struct runner *r = h->r;
    if (!r)
        return;
    runner_free(r);
    free(r->priv);
    free(r);
    h->r = NULL;
}
