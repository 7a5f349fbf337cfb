/* The run plan from a const job: the caller's job is left byte for byte as it was while the plan's
 * copy is resolved (trials, phase durations, "auto" counts, a seed), workers are numbered across
 * phases, the plan object describes the placement, and bad jobs are refused with one line. Planned
 * against a recorded topology (a dry run's --topology) so the numbers do not depend on this machine. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/run_plan.h"
#include "tests/harness/check.h"
#include "tests/harness/runner_harness.h"

#define TOPO "topology/generated-hwloc-2.9/Intel-RaptorLake-Corei7-1370P.hwloc29.xml"

static void one_phase_job(struct sw_job *job)
{
    memset(job, 0, sizeof *job);
    snprintf(job->profile, sizeof job->profile, "unit");
    job->duration_ms = 6000;   /* no trials given, no phase duration: the plan derives both */
    job->nphases = 1;
    snprintf(job->phases[0].name, sizeof job->phases[0].name, "only");
    rh_add_workload(&job->phases[0], "compute", SW_COUNT_AUTO, 0, SW_PIN_SPREAD);
}

static const char *topo(void)
{
    return sw_test_fixture(TOPO);
}

static void caller_job_unchanged(void)
{
    const char *xml = topo();
    struct sw_job job, before;
    one_phase_job(&job);
    memcpy(&before, &job, sizeof job);
    struct sw_run_plan *p = calloc(1, sizeof *p);
    struct sw_diag d = {0};
    int rc = sw_run_plan_build(p, &job, xml, true, 12345, &d);
    CHECK_MSG(rc == 0, "%s", d.msg);
    CHECK_MSG(memcmp(&before, &job, sizeof job) == 0, "the caller's job was modified");
    if (rc == 0) {
        CHECK_INT(p->job.trials, 1);
        CHECK(p->job.phases[0].duration_ms == 6000);
        CHECK(p->planned_ms == 6000);
        int n = p->job.phases[0].wl[0].workers;
        CHECK_MSG(n > 1, "auto gave %d workers", n);
        CHECK_INT(p->nworkers, n);
        CHECK_INT(p->place[0][0].nworkers, n);
        CHECK(p->job.seed != 0 && p->job.seed <= 0x7fffffffffffffffull);
        CHECK(!p->is_vm);   /* the file's machine, not this one */
        CHECK(p->names.phase[0] == p->job.phases[0].name);   /* names point into the plan, not the caller */
        CHECK_STR(sw_ev_names_wl(&p->names, job.phases[0].wl[0].workload_id), "compute");
        json_t *ph = json_array_get(json_object_get(p->json, "phases"), 0);
        json_t *wl = json_array_get(json_object_get(ph, "workloads"), 0);
        CHECK_INT((int)json_array_size(json_object_get(wl, "placement")), n);
        CHECK_STR(json_string_value(json_object_get(wl, "pin")), "spread");
        CHECK_STR(json_string_value(json_object_get(json_object_get(p->json, "topology"), "source")), xml);
        CHECK_INT(json_integer_value(json_object_get(p->json, "trials")), 1);
        char line[256];
        sw_run_plan_summary(p, line, sizeof line);
        char want[64];
        snprintf(want, sizeof want, "only 6s: compute x%d spread", n);
        CHECK_STR(line, want);
    }
    sw_run_plan_free(p);
    free(p);
}

/* Workers are numbered across phases and workloads; a given seed is kept; trials split the duration. */
static void numbering_and_seed(void)
{
    const char *xml = topo();
    struct sw_job job;
    one_phase_job(&job);
    job.seed = 77;
    job.trials = 2;
    job.nphases = 2;
    job.phases[0].wl[0].count_kind = SW_COUNT_EXACT;
    job.phases[0].wl[0].count = 3;
    job.phases[0].duration_ms = 1000;
    rh_add_workload(&job.phases[0], "compute", SW_COUNT_EXACT, 2, SW_PIN_NONE);
    snprintf(job.phases[1].name, sizeof job.phases[1].name, "second");
    job.phases[1].duration_ms = 2000;
    rh_add_workload(&job.phases[1], "compute", SW_COUNT_EXACT, 4, SW_PIN_COMPACT);
    struct sw_run_plan *p = calloc(1, sizeof *p);
    struct sw_diag d = {0};
    int rc = sw_run_plan_build(p, &job, xml, true, 0, &d);
    CHECK_MSG(rc == 0, "%s", d.msg);
    if (rc == 0) {
        CHECK(p->job.seed == 77);
        CHECK_INT(p->first_worker[0][0], 0);
        CHECK_INT(p->first_worker[0][1], 3);
        CHECK_INT(p->first_worker[1][0], 5);
        CHECK_INT(p->nworkers, 9);
        CHECK(p->planned_ms == 6000);   /* (1 s + 2 s) x 2 trials */
        CHECK_INT(p->names.nphases, 2);
        CHECK_STR(json_string_value(json_object_get(p->json, "pin")), "mixed");
        json_t *ph = json_array_get(json_object_get(p->json, "phases"), 1);
        json_t *pl = json_object_get(json_array_get(json_object_get(ph, "workloads"), 0), "placement");
        CHECK_INT(json_integer_value(json_object_get(json_array_get(pl, 3), "worker")), 8);
        char line[256];
        sw_run_plan_summary(p, line, sizeof line);
        CHECK_STR(line, "only 1s: compute x3 spread compute x2 none; second 2s: compute x4 compact; 2 trials");
    }
    sw_run_plan_free(p);
    free(p);
}

static void refusals(void)
{
    const char *xml = topo();
    struct sw_job job;
    struct sw_run_plan *p = calloc(1, sizeof *p);
    struct sw_diag d = {0};
    one_phase_job(&job);
    job.nphases = 0;
    CHECK_INT(sw_run_plan_build(p, &job, xml, true, 0, &d), -EINVAL);
    CHECK(strstr(d.msg, "phases") != NULL);
    CHECK(p->job.seed != 0);   /* chosen before anything can fail: a caller may print it */
    sw_run_plan_free(p);

    one_phase_job(&job);
    CHECK_INT(sw_run_plan_build(p, &job, xml, false, 0, &d), -EINVAL);
    CHECK(strstr(d.msg, "--dry-run") != NULL);
    sw_run_plan_free(p);

    one_phase_job(&job);
    job.nphases = 2;
    snprintf(job.phases[1].name, sizeof job.phases[1].name, "later");
    rh_add_workload(&job.phases[1], "compute", SW_COUNT_EXACT, 1, SW_PIN_NONE);
    job.phases[0].duration_ms = 1000;
    CHECK_INT(sw_run_plan_build(p, &job, xml, true, 0, &d), -EINVAL);
    CHECK(strstr(d.msg, "'later' has no duration") != NULL);
    sw_run_plan_free(p);

    one_phase_job(&job);
    job.phases[0].wl[0].count_kind = SW_COUNT_EXACT;
    job.phases[0].wl[0].count = 5000;
    CHECK_INT(sw_run_plan_build(p, &job, xml, true, 0, &d), -EINVAL);
    sw_run_plan_free(p);
    free(p);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {{"caller_job_unchanged", caller_job_unchanged},
                                                {"numbering_and_seed", numbering_and_seed},
                                                {"refusals", refusals},
                                                {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
