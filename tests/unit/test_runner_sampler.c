/* The runner's sampler on a runner state with no processes: per-second deltas and rates from the
 * workers' slots (a reaped worker counts with its final numbers), a stall reported once with the
 * process state and cleared by progress, no stall while paused, the journal heartbeat, and the
 * counts the live outputs are handed. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/fmt.h"
#include "core/rundir.h"
#include "tests/harness/check.h"
#include "tests/harness/runner_harness.h"

static void deltas_and_rates(void)
{
    struct rh h;
    if (!rh_open(&h, 2))
        goto out;
    struct runner *r = h.r;
    CHECK(runner_add_run(r, 0, 0, 0) == 0);
    CHECK_INT(r->runs[0].first, 0);
    CHECK_INT(r->runs[0].n, 2);
    sw_slot_publish(&r->arena.slots[0], 10, 100, 1, 0);
    sw_slot_publish(&r->arena.slots[1], 5, 50, 0, 1);
    runner_sample(r, 0, 1, 1.0);
    CHECK(r->runs[0].ops == 15 && r->runs[0].bytes == 150 && r->runs[0].errors == 1);
    CHECK(r->runs[0].s.n == 1 && r->runs[0].s.ops[0] == 15 && r->runs[0].s.errors[0] == 1);
    CHECK(r->runs[0].rate_now == 15.0);
    sw_slot_publish(&r->arena.slots[0], 30, 300, 1, 0);
    runner_sample(r, 0, 1, 2.0);
    CHECK(r->runs[0].ops == 35);
    CHECK(r->runs[0].s.n == 2 && r->runs[0].s.ops[1] == 20 && r->runs[0].s.errors[1] == 0);
    CHECK(r->runs[0].rate_now == 10.0);
    /* reaped: its final snapshot counts, not the slot (a new worker may reuse it) */
    r->w[1].reaped = true;
    r->w[1].final.ops = 105;
    sw_slot_publish(&r->arena.slots[1], 0, 0, 0, 1);
    runner_sample(r, 0, 1, 1.0);
    CHECK(r->runs[0].ops == 135);
    CHECK(r->runs[0].s.ops[2] == 100);
    /* a counter that went backwards is a zero delta, never a wrap */
    r->w[1].final.ops = 0;
    runner_sample(r, 0, 1, 1.0);
    CHECK(r->runs[0].s.ops[3] == 0);
out:
    rh_close(&h);
}

static int stall_events(const struct runner *r)
{
    int n = 0;
    for (size_t i = 0; i < r->events.n; i++)
        n += r->events.ev[i].type == SW_EV_STALL;
    return n;
}

static void stalls(void)
{
    struct rh h;
    if (!rh_open(&h, 1))
        goto out;
    struct runner *r = h.r;
    struct worker *w = &r->w[0];
    w->alive = true;
    w->pid = getpid();   /* a process that exists, so the state can be read */
    w->last_progress_ns = sw_now_mono_ns() - 9 * SEC;
    runner_check_stalls(r, 0);
    CHECK_INT(stall_events(r), 0);   /* 9 s is not a stall */
    w->last_progress_ns = sw_now_mono_ns() - 11 * SEC;
    r->paused = true;
    runner_check_stalls(r, 0);
    CHECK_INT(stall_events(r), 0);   /* a paused phase does not stall */
    r->paused = false;
    runner_check_stalls(r, 1);
    CHECK_INT(stall_events(r), 0);   /* another phase's workers are not checked */
    runner_check_stalls(r, 0);
    CHECK_INT(stall_events(r), 1);
    const struct sw_event *ev = &r->events.ev[r->events.n - 1];
    CHECK_INT(ev->sev, SW_SEV_WARN);
    CHECK_INT(ev->worker, 0);
    CHECK_MSG(strstr(ev->text, "worker 0 (compute) made no progress for 11 s: state R") != NULL, "%s", ev->text);
    runner_check_stalls(r, 0);
    CHECK_INT(stall_events(r), 1);   /* reported once */
    sw_slot_publish(&r->arena.slots[0], 1, 0, 0, 0);   /* progress clears it ... */
    runner_check_stalls(r, 0);
    CHECK(!w->stall_reported);
    /* ... so a later stall is reported again: progress 12 s ago, none since */
    w->last_progress_ns = sw_now_mono_ns() - 13 * SEC;
    atomic_store(&r->arena.slots[0].progress_ns, sw_now_mono_ns() - 12 * SEC);
    runner_check_stalls(r, 0);
    CHECK_INT(stall_events(r), 2);
out:
    rh_close(&h);
}

static void heartbeat_in_journal(void)
{
    struct rh h;
    char dir[256], path[300];
    sw_test_tmpdir(dir, sizeof dir, "sw-sampler");
    if (!rh_open(&h, 1))
        goto out;
    struct runner *r = h.r;
    snprintf(path, sizeof path, "%s/journal", dir);
    struct sw_journal_hdr hdr;
    sw_journal_hdr_init(&hdr, 16);
    CHECK_INT(sw_journal_create(&r->priv->journal, path, NULL, &hdr, &h.d), 0);
    r->priv->journal_open = true;
    runner_add_run(r, 0, 0, 0);
    r->runs[0].ops = 77;
    r->events.error_events = 2;
    runner_heartbeat(r, 0, 1);
    sw_journal_close(&r->priv->journal);
    r->priv->journal_open = false;
    int fd = open(path, O_RDONLY);
    struct sw_journal_scan sc;
    CHECK_INT(sw_journal_scan(fd, &sc), 0);
    CHECK_INT((int)sc.n, 1);
    if (sc.n == 1) {
        CHECK_INT((int)sc.recs[0].b.kind, SW_JREC_HEARTBEAT);
        CHECK(sc.recs[0].b.ev.u.verify.want == 77 && sc.recs[0].b.ev.u.verify.got == 2);
        CHECK_STR(sc.recs[0].b.ev.text, "compute");
    }
    sw_journal_scan_free(&sc);
    close(fd);
    CHECK(r->events.n == 0);   /* a heartbeat is not an event of the run */
out:
    rh_close(&h);
    sw_rundir_remove_tree(dir);
}

struct flushed {
    int calls;
    size_t n;
    uint64_t ops;
    const char *workload, *phase;
    bool done;
};

static void on_flush(void *arg, const struct sw_run_tick *t)
{
    struct flushed *f = arg;
    f->calls++;
    f->n = t->n;
    f->ops = t->c ? t->c[0].ops : 0;
    f->workload = t->c ? t->c[0].workload : NULL;
    f->phase = t->phase;
    f->done = t->done;
}

static void live_outputs(void)
{
    struct rh h;
    if (!rh_open(&h, 1))
        goto out;
    struct runner *r = h.r;
    struct flushed f = {0};
    struct sw_run_observer obs = {&f, NULL, on_flush};
    h.o.observer = &obs;
    runner_add_run(r, 0, 0, 0);
    r->runs[0].ops = 9;
    runner_notify(r, true, false);
    CHECK_INT(f.calls, 1);
    CHECK(f.n == 1 && f.ops == 9);
    CHECK_STR(f.workload, "compute");
    CHECK_STR(f.phase, "only");
    runner_notify(r, false, false);   /* a drain: no counts */
    CHECK(f.calls == 2 && f.n == 0);
    runner_notify(r, true, true);
    CHECK(f.done && f.phase == NULL);
out:
    rh_close(&h);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {{"deltas_and_rates", deltas_and_rates},
                                                {"stalls", stalls},
                                                {"heartbeat_in_journal", heartbeat_in_journal},
                                                {"live_outputs", live_outputs},
                                                {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
