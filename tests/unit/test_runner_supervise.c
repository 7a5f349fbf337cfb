/* Supervision with real children standing in for workers (no workload runs): on a stop request the
 * wind-down reaps the one that stops by itself, SIGTERMs the group of one that does not and SIGKILLs
 * one that ignores SIGTERM, at the stop stages' times; each exit is classified in worker_results'
 * words and events, a worker's leftover child dies with its group, and nothing is left to reap. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/spawn.h"
#include "tests/harness/check.h"
#include "tests/harness/runner_harness.h"

/* Leaves a child in its group that ignores SIGTERM, and ends with an unexpected status on the stop. */
static int leaves_a_child(void *arg)
{
    (void)arg;
    if (fork() == 0) {
        signal(SIGTERM, SIG_IGN);
        for (;;)
            pause();
    }
    while (!atomic_load(rh_stop_word))
        usleep(1000);
    return 7;
}

static int count_text(const struct runner *r, const char *part)
{
    int n = 0;
    for (size_t i = 0; i < r->events.n; i++)
        n += strstr(r->events.ev[i].text, part) != NULL;
    return n;
}

static void wind_down_stages(void)
{
    struct rh h;
    if (!rh_open(&h, 4))
        goto out;
    struct runner *r = h.r;
    rh_stop_word = &r->arena.hdr->stop;
    int (*const body[])(void *) = {rh_child_cooperative, rh_child_sleeper, rh_child_ignores_term, leaves_a_child};
    for (int i = 0; i < 4; i++) {
        struct sw_spawn_req req = {body[i], NULL, NULL, 0, getpid()};
        struct sw_diag d;
        struct worker *w = &r->w[i];
        w->pid = sw_spawn(&req, &d);
        CHECK_MSG(w->pid > 0, "%s", d.msg);
        w->alive = w->group_live = w->pid > 0;
    }
    usleep(100000);   /* dispositions set, the grandchild forked */
    uint64_t t0 = sw_now_mono_ns();
    atomic_store(&r->arena.hdr->stop, 1);
    sw_stop_interrupt(&r->stop, t0);   /* Ctrl-C timings: SIGTERM at 0.5 s, SIGKILL at 0.8 s */
    runner_wind_down(r, 0, false);
    double took = (double)(sw_now_mono_ns() - t0) / 1e9;
    printf("  wound down in %.2f s: %s / %s / %s / %s\n", took, r->w[0].exit_desc, r->w[1].exit_desc,
           r->w[2].exit_desc, r->w[3].exit_desc);
    CHECK_STR(r->w[0].exit_desc, "ok");
    CHECK_STR(r->w[1].exit_desc, "signal SIGTERM");
    CHECK_STR(r->w[2].exit_desc, "signal SIGKILL");
    CHECK_STR(r->w[3].exit_desc, "status 7");
    CHECK_MSG(took >= 0.8 && took < 1.5, "%.2f s: SIGKILL is due at 0.8 s and the give-up at 1.5 s", took);
    CHECK_INT(count_text(r, "worker 1 (compute) did not stop in time and got SIGTERM"), 1);
    CHECK_INT(count_text(r, "worker 2 (compute) did not stop in time and got SIGKILL"), 1);
    CHECK_INT(count_text(r, "exited with unexpected status 7"), 1);
    CHECK_INT((int)r->events.error_events, 1);   /* only the unexpected status */
    for (int i = 0; i < 4; i++) {
        CHECK(!r->w[i].alive && r->w[i].reaped);
        CHECK_MSG(!sw_group_live(r->w[i].pid), "worker %d's group outlived the wind-down", i);
    }
    CHECK_INT(r->stop.stage, SW_STOP_NONE);   /* ready for the next one */
    siginfo_t si;
    memset(&si, 0, sizeof si);
    errno = 0;
    CHECK(waitid(P_ALL, 0, &si, WEXITED | WNOHANG) != 0 && errno == ECHILD);   /* every child reaped */
out:
    rh_close(&h);
}

/* A worker gone before the stop: reaped and classified as it ended; the wind-down has nothing to send. */
static void early_exit_reaped(void)
{
    struct rh h;
    if (!rh_open(&h, 1))
        goto out;
    struct runner *r = h.r;
    rh_stop_word = &r->arena.hdr->stop;
    struct sw_spawn_req req = {rh_child_cooperative, NULL, NULL, 0, getpid()};
    struct sw_diag d;
    atomic_store(&r->arena.hdr->stop, 1);   /* it stops as soon as it starts */
    r->w[0].pid = sw_spawn(&req, &d);
    r->w[0].alive = r->w[0].group_live = r->w[0].pid > 0;
    for (int i = 0; i < 200 && r->w[0].alive; i++) {
        usleep(5000);
        runner_reap(r);
    }
    CHECK(r->w[0].reaped);
    CHECK_STR(r->w[0].exit_desc, "ok");
    uint64_t t0 = sw_now_mono_ns();
    runner_wind_down(r, 0, false);
    CHECK_MSG(sw_now_mono_ns() - t0 < 300 * MS, "a wind-down with nothing alive took %llu ms",
              (unsigned long long)((sw_now_mono_ns() - t0) / MS));
    CHECK(r->events.n == 0);
out:
    rh_close(&h);
}

/* A worker whose child, in its group, faults (SIGSEGV) and is left unreaped when the worker ends: the
 * dead child becomes an orphan of the runner (the subreaper). */
static int orphan_faults_later(void *arg)
{
    (void)arg;
    pid_t g = fork();
    if (g == 0) {
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
        _exit(0);
    }
    siginfo_t si;
    if (g > 0)
        waitid(P_PID, (id_t)g, &si, WEXITED | WNOWAIT);   /* dead, not collected: it goes to the runner */
    return 0;
}

/* pids are reused: an orphan's fault belongs to the latest worker that had its group's id, not to an
 * earlier phase's worker that once had the same pid (the first match took the fault). */
static void orphan_fault_goes_to_the_latest_worker(void)
{
    struct rh h;
    if (!rh_open(&h, 2))
        goto out;
    struct runner *r = h.r;
    CHECK_INT(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    struct sw_spawn_req req = {orphan_faults_later, NULL, NULL, 0, getpid()};
    struct sw_diag d;
    pid_t pid = sw_spawn(&req, &d);
    CHECK_MSG(pid > 0, "%s", d.msg);
    /* worker 0 had this pid long ago (reaped); worker 1 has it now */
    r->w[0].pid = pid;
    r->w[0].reaped = true;
    r->w[0].started_ns = 1;
    r->w[1].pid = pid;
    r->w[1].alive = r->w[1].group_live = true;
    r->w[1].started_ns = 2;
    usleep(100000);   /* both have usually ended before the runner looks: either may be reaped first */
    for (int i = 0; i < 400 && count_text(r, "orphaned") == 0; i++) {
        usleep(5000);
        runner_reap(r);
    }
    CHECK_INT(count_text(r, "orphaned"), 1);
    for (size_t i = 0; i < r->events.n; i++)
        if (strstr(r->events.ev[i].text, "orphaned"))
            CHECK_MSG(r->events.ev[i].worker == 1, "the fault went to worker %d: %s", r->events.ev[i].worker,
                      r->events.ev[i].text);
    prctl(PR_SET_CHILD_SUBREAPER, 0);
out:
    rh_close(&h);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"wind_down_stages", wind_down_stages}, {"early_exit_reaped", early_exit_reaped},
        {"orphan_fault_goes_to_the_latest_worker", orphan_fault_goes_to_the_latest_worker}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
