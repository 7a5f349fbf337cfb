/* The run record's JSON from a runner state with no processes: the run object (status, interruption,
 * injected faults, paths only once they exist), each workload run with its rate, series and worker
 * results, the events in order, and every dropped event counted (the store's and the rings'). */
#include <signal.h>
#include <string.h>

#include "core/fmt.h"
#include "tests/harness/check.h"
#include "tests/harness/runner_harness.h"

static const char *str(json_t *o, const char *path1, const char *key)
{
    return json_string_value(json_object_get(path1 ? json_object_get(o, path1) : o, key));
}

static void dry_run_record(void)
{
    struct rh h;
    if (!rh_open(&h, 2))
        goto out;
    json_t *rep = runner_base_report(h.r, "dry_run");
    CHECK_STR(str(rep, "run", "status"), "dry_run");
    CHECK_STR(str(rep, "run", "id"), "unit-run");
    CHECK_STR(str(rep, "run", "command"), "unit test");
    CHECK(json_is_null(json_object_get(json_object_get(rep, "run"), "end")));
    CHECK(json_is_null(json_object_get(json_object_get(rep, "run"), "run_dir")));
    CHECK(json_is_null(json_object_get(json_object_get(rep, "run"), "journal")));
    CHECK(json_is_null(json_object_get(json_object_get(rep, "run"), "interrupted_by")));
    CHECK(json_is_false(json_object_get(json_object_get(rep, "run"), "synthetic")));
    CHECK_INT(json_integer_value(json_object_get(json_object_get(rep, "run"), "seed")), 42);
    CHECK(json_object_get(rep, "plan") == h.r->plan.json);   /* the plan's own object, shared */
    CHECK(json_object_get(rep, "workloads") == NULL);
    json_decref(rep);
out:
    rh_close(&h);
}

static void full_record(void)
{
    struct rh h;
    if (!rh_open(&h, 2))
        goto out;
    struct runner *r = h.r;
    runner_add_run(r, 0, 0, 0);
    struct wlrun *wr = &r->runs[0];
    wr->ops = 400;
    wr->t_start = 1 * SEC;
    wr->t_end = 3 * SEC;
    runner_sample(r, 0, 1, 1.0);   /* zeros in the series */
    wr->ops = 400;
    r->w[0].pid = 1234;
    sw_strlcpy(r->w[0].exit_desc, "signal SIGSEGV", sizeof r->w[0].exit_desc);
    r->w[0].final.ops = 400;
    r->w[0].final.cpu_now = 3;
    for (int i = 0; i < 10; i++)   /* the store keeps 8 */
        runner_record_text(r, SW_EV_NOTE, SW_SEV_INFO, i == 0 ? 0 : -1, "n", "note %d", i);
    atomic_store(&r->arena.slots[1].ring_dropped, 5);
    r->stop.interrupted = true;
    r->interrupt_signo = SIGINT;
    r->plan.job.inject = 1u | 8u;
    snprintf(h.res.run_dir, sizeof h.res.run_dir, "/tmp/x");
    json_t *rep = runner_full_report(r);
    CHECK_STR(str(rep, "run", "status"), "interrupted");
    CHECK_STR(str(rep, "run", "interrupted_by"), "SIGINT");
    CHECK_STR(str(rep, "run", "run_dir"), "/tmp/x");
    CHECK(json_is_true(json_object_get(json_object_get(rep, "run"), "synthetic")));
    json_t *inj = json_object_get(json_object_get(rep, "run"), "injected");
    CHECK_INT((int)json_array_size(inj), 2);
    CHECK_STR(json_string_value(json_array_get(inj, 0)), "bitflip");
    CHECK_STR(json_string_value(json_array_get(inj, 1)), "wrong");
    json_t *wl = json_array_get(json_object_get(rep, "workloads"), 0);
    CHECK_STR(str(wl, NULL, "name"), "compute");
    CHECK_STR(str(wl, NULL, "phase"), "only");
    CHECK_INT(json_integer_value(json_object_get(wl, "trial")), 1);
    CHECK_INT(json_integer_value(json_object_get(wl, "workers")), 2);
    CHECK(json_real_value(json_object_get(wl, "duration_s")) == 2.0);
    CHECK(json_real_value(json_object_get(wl, "rate_per_s")) == 200.0);
    CHECK_INT((int)json_array_size(json_object_get(json_object_get(wl, "series"), "ops")), 1);
    json_t *res = json_object_get(wl, "worker_results");
    CHECK_INT((int)json_array_size(res), 2);
    CHECK_STR(str(json_array_get(res, 0), NULL, "exit"), "signal SIGSEGV");
    CHECK_INT(json_integer_value(json_object_get(json_array_get(res, 0), "cpu_last")), 3);
    CHECK_INT(json_integer_value(json_object_get(json_array_get(res, 0), "seed")), (json_int_t)r->w[0].seed);
    CHECK_STR(str(json_array_get(res, 1), NULL, "exit"), "not started");
    json_t *evs = json_object_get(rep, "events");
    CHECK_INT((int)json_array_size(evs), 8);
    CHECK_STR(str(json_array_get(evs, 0), NULL, "text"), "note 0");
    CHECK_INT(json_integer_value(json_object_get(json_array_get(evs, 0), "worker")), 0);
    CHECK_INT(json_integer_value(json_object_get(json_array_get(evs, 7), "seq")), 8);
    CHECK_INT(json_integer_value(json_object_get(rep, "events_dropped")), 2 + 5);
    json_decref(rep);
out:
    rh_close(&h);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"dry_run_record", dry_run_record}, {"full_record", full_record}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
