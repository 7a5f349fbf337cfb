/* The runner through its API: a short real run with a monitor beside the workers (its events reach
 * the report with worker -1, an error from it makes the run unstable), a monitor that cannot start
 * becomes a warning, the journal is ended cleanly by sw_runner_finish, and bad jobs are refused. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/fmt.h"
#include "core/journal.h"
#include "core/rundir.h"
#include "core/runner.h"
#include "stress/registry.h"
#include "tests/harness/check.h"

static char dir[256];

static int fake_kmsg(struct sw_monitor_io *io, void *arg)
{
    (void)arg;
    struct sw_event ev;
    memset(&ev, 0, sizeof ev);
    ev.t_ns = sw_now_real_ns();
    ev.type = SW_EV_KERNEL;
    ev.sev = SW_SEV_ERROR;
    ev.klog_kind = SW_KLOG_OOPS;
    ev.worker = -1;
    ev.workload = -1;
    ev.cpu = 1;
    sw_strlcpy(ev.u.klog.task, "cc1", sizeof ev.u.klog.task);
    sw_strlcpy(ev.text, "Oops: general protection fault", sizeof ev.text);
    if (io->run_start_real_ns == 0 || ev.t_ns < io->run_start_real_ns)
        return 5;   /* the runner must tell monitors when the run began */
    sw_ring_push(io->ring, io->slot, &ev);
    while (!atomic_load(io->stop))
        usleep(5000);
    return 0;
}

static int cannot_start(void *arg, struct sw_diag *d)
{
    (void)arg;
    return sw_fail(d, -EACCES, "cannot read /dev/kmsg: run as root");
}

static int never(struct sw_monitor_io *io, void *arg)
{
    (void)io;
    (void)arg;
    return 9;
}

static void compute_job(struct sw_job *job, int workers, uint64_t ms)
{
    memset(job, 0, sizeof *job);
    int id;
    const struct sw_workload *wl = sw_workload_find("compute", &id);
    if (!wl)
        SW_SKIP("no compute workload in this build");
    snprintf(job->profile, sizeof job->profile, "unit");
    snprintf(job->profile_source, sizeof job->profile_source, "test");
    job->duration_ms = ms;
    job->seed = 42;
    job->nphases = 1;
    snprintf(job->phases[0].name, sizeof job->phases[0].name, "only");
    job->phases[0].duration_ms = ms;
    job->phases[0].n = 1;
    struct sw_job_workload *w = &job->phases[0].wl[0];
    w->wl = wl;
    w->workload_id = id;
    w->count_kind = SW_COUNT_EXACT;
    w->count = workers;
    w->pin = SW_PIN_NONE;
    struct sw_diag d;
    sw_params_defaults(&w->params, wl->params, &d);
}

/* Workloads that hold something to verify when their deadline comes. The mode is chosen before the
 * run and inherited by the forked worker. */
enum finish_mode { FINISH_VERIFYING, FINISH_STUCK, FINISH_ENDLESS };
static enum finish_mode finish_mode;
#define FINISH_MS 3000

static int finisher_run(struct sw_ctx *c)
{
    while (sw_keep_going(c)) {
        sw_progress(c, 1, 0);
        usleep(1000);
    }
    uint64_t t0 = sw_now_mono_ns();
    while (finish_mode == FINISH_ENDLESS || sw_now_mono_ns() - t0 < FINISH_MS * 1000000ull) {
        if (finish_mode != FINISH_STUCK)
            sw_progress(c, 0, 0);   /* verifying what it holds, or waiting for its children: a heartbeat */
        usleep(1000);
    }
    return SW_WL_OK;
}

static const struct sw_param_def no_params[] = {{NULL, 0, NULL, 0, 0, NULL, NULL}};
static const struct sw_workload finisher = {.name = "compute", .summary = "test", .unit = "ops", .params = no_params,
                                            .run = finisher_run};

/* Runs the finisher for 300 ms; returns the seconds from the deadline to the end of the run and the
 * worker's exit as the report says it. */
static double run_finisher(enum finish_mode mode, char *exit_desc, size_t len)
{
    struct sw_job job;
    compute_job(&job, 1, 300);
    job.phases[0].wl[0].wl = &finisher;
    finish_mode = mode;
    char out[300];
    snprintf(out, sizeof out, "%s/finish%d", dir, (int)mode);
    struct sw_run_opts o = {.state_dir = dir, .out_dir = out, .progress = SW_PROGRESS_QUIET,
                            .command_line = "unit test"};
    struct sw_run_result res;
    struct sw_diag d = {0};
    uint64_t t0 = sw_now_mono_ns();
    int rc = sw_runner_run(&job, &o, &res, &d);
    double after = (double)(sw_now_mono_ns() - t0) / 1e9 - 0.3;
    CHECK_MSG(rc == 0, "%s", d.msg);
    snprintf(exit_desc, len, "%s", "?");
    if (rc == 0) {
        json_t *wr = json_array_get(json_object_get(json_array_get(json_object_get(res.report, "workloads"), 0),
                                                    "worker_results"), 0);
        const char *e = json_string_value(json_object_get(wr, "exit"));
        snprintf(exit_desc, len, "%s", e ? e : "(none)");
        CHECK_INT(res.exit_code, 0);
    }
    sw_runner_finish(&res);
    printf("  %s: the run ended %.2f s after its deadline, worker exit '%s'\n",
           mode == FINISH_VERIFYING ? "verifying" : mode == FINISH_STUCK ? "stuck" : "endless", after, exit_desc);
    return after;
}

/* At a deadline, a worker still verifying what it holds (it publishes) is waited for, past the 2 s
 * of silence after which a stuck one gets SIGTERM (Ctrl-C: 0.5 s); an endless one is cut at the cap. */
static void deadline_waits_for_verification(void)
{
    char e[64];
    double t = run_finisher(FINISH_VERIFYING, e, sizeof e);
    CHECK_STR(e, "ok");
    CHECK_MSG(t >= FINISH_MS / 1000.0, "%.2f s: ended before the worker finished verifying", t);
    t = run_finisher(FINISH_STUCK, e, sizeof e);
    CHECK_STR(e, "signal SIGTERM");
    CHECK_MSG(t >= 1.9 && t < 2.9, "%.2f s: a silent worker gets SIGTERM 2 s after the deadline", t);
    t = run_finisher(FINISH_ENDLESS, e, sizeof e);
    CHECK_STR(e, "signal SIGTERM");
    CHECK_MSG(t >= 10 && t < 11, "%.2f s: the wait for verifying workers is not bounded at 10 s", t);
}

static void run_with_monitors(void)
{
    struct sw_job job;
    compute_job(&job, 1, 1200);
    static const struct sw_monitor mons[] = {
        {"kmsg", NULL, fake_kmsg, NULL}, {"denied", cannot_start, never, NULL}, {NULL, NULL, NULL, NULL}};
    char out[300];
    snprintf(out, sizeof out, "%s/run1", dir);
    struct sw_run_opts o = {.state_dir = dir, .out_dir = out, .progress = SW_PROGRESS_QUIET, .monitors = mons,
                            .command_line = "unit test"};
    struct sw_run_result res;
    struct sw_diag d = {0};
    int rc = sw_runner_run(&job, &o, &res, &d);
    CHECK_MSG(rc == 0, "%s", d.msg);
    if (rc != 0)
        return;
    CHECK_INT(res.exit_code, 1);   /* the monitor's kernel error */
    CHECK_INT(res.error_events, 1);
    CHECK(!res.interrupted);
    CHECK_STR(res.run_dir, out);
    json_t *rep = res.report;
    CHECK_STR(json_string_value(json_object_get(json_object_get(rep, "run"), "status")), "completed");
    CHECK_INT(json_integer_value(json_object_get(json_object_get(rep, "run"), "seed")), 42);
    json_t *evs = json_object_get(rep, "events");
    int kernel = 0, denied = 0;
    size_t i;
    json_t *e;
    json_array_foreach(evs, i, e) {
        const char *type = json_string_value(json_object_get(e, "type"));
        if (!strcmp(type, "kernel")) {
            kernel++;
            CHECK_INT(json_integer_value(json_object_get(e, "worker")), -1);
            CHECK_STR(json_string_value(json_object_get(json_object_get(e, "kernel"), "kind")), "oops");
        }
        if (strstr(json_string_value(json_object_get(e, "text")), "run as root"))
            denied++;
        CHECK_INT(json_integer_value(json_object_get(e, "seq")), (json_int_t)i + 1);   /* in order, no gaps */
    }
    CHECK_INT(kernel, 1);
    CHECK_INT(denied, 1);
    json_t *wl = json_array_get(json_object_get(rep, "workloads"), 0);
    CHECK(json_integer_value(json_object_get(wl, "ops")) > 0);
    CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(wl, "worker_results"), 0), "exit")),
              "ok");
    char tmp[400];
    snprintf(tmp, sizeof tmp, "%s/tmp", out);
    CHECK(access(tmp, F_OK) != 0);   /* the temp root is gone */

    /* The journal is open (not ended) until sw_runner_finish. */
    char jp[400];
    snprintf(jp, sizeof jp, "%s/journal", out);
    int fd = open(jp, O_RDONLY);
    struct sw_journal_hdr h;
    CHECK_INT(sw_journal_read_hdr(fd, &h), 0);
    CHECK_INT(h.f.clean_end, 0);
    sw_runner_finish(&res);
    CHECK(res.report == NULL);
    CHECK_INT(sw_journal_read_hdr(fd, &h), 0);
    CHECK_INT(h.f.clean_end, 1);
    CHECK_STR(h.f.profile, "unit");
    CHECK_STR(h.f.phase_names[0], "only");
    close(fd);
}

static void refusals(void)
{
    struct sw_job job;
    struct sw_run_result res;
    struct sw_diag d = {0};
    struct sw_run_opts o = {.state_dir = dir, .progress = SW_PROGRESS_QUIET};
    compute_job(&job, 1, 1000);
    job.nphases = 0;
    CHECK_INT(sw_runner_run(&job, &o, &res, &d), -EINVAL);
    sw_runner_finish(&res);
    compute_job(&job, 1, 1000);
    job.mem_limit = 1ull << 60;
    CHECK_INT(sw_runner_run(&job, &o, &res, &d), -E2BIG);
    CHECK(strstr(d.msg, "--memory") != NULL);
    sw_runner_finish(&res);
    compute_job(&job, 1, 1000);
    o.topology_xml = "/nonexistent.xml";   /* only with a dry run */
    CHECK_INT(sw_runner_run(&job, &o, &res, &d), -EINVAL);
    sw_runner_finish(&res);
    /* a dry run starts nothing and creates no run directory */
    o.topology_xml = NULL;
    o.dry_run = true;
    compute_job(&job, 2, 1000);
    CHECK_INT(sw_runner_run(&job, &o, &res, &d), 0);
    CHECK_STR(res.run_dir, "");
    CHECK(json_object_get(res.report, "plan") != NULL);
    sw_runner_finish(&res);
    char runs[400];
    snprintf(runs, sizeof runs, "%s/runs", dir);
    CHECK(access(runs, F_OK) != 0);
}

static void cleanup(void)
{
    CHECK_INT(sw_rundir_remove_tree(dir), 0);
}

int main(int argc, char **argv)
{
    sw_test_tmpdir(dir, sizeof dir, "sw-runner");
    static const struct sw_test_case cases[] = {
        {"run_with_monitors", run_with_monitors}, {"refusals", refusals},
        {"deadline_waits_for_verification", deadline_waits_for_verification}, {"cleanup", cleanup}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
