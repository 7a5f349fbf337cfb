/* The runner's workers and monitors part on a runner state without a run: a worker is forked with its
 * context (named sw-<workload> for ps and the kernel's lines, its own temp dir, its slot), runs to its
 * deadline and is reaped with its counters; a temp dir that cannot be made is a warning and no fork;
 * seeds follow the run's seed; a monitor that cannot start is a warning, one that runs is named
 * sw-mon-<name>, reports through its ring and ends on the stop word without a complaint. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fmt.h"
#include "core/rundir.h"
#include "tests/harness/check.h"
#include "tests/harness/runner_harness.h"

/* The process's name as ps shows it, once it has set it (up to 2 s). */
static void comm_of(pid_t pid, const char *want, char *out, size_t cap)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
    out[0] = '\0';
    for (int i = 0; i < 400 && strcmp(out, want) != 0; i++) {
        FILE *f = fopen(path, "re");
        if (f) {
            if (fgets(out, (int)cap, f))
                out[strcspn(out, "\n")] = '\0';
            fclose(f);
        }
        if (strcmp(out, want) != 0)
            usleep(5000);
    }
}

static bool reap_until(struct runner *r, const bool *gone, bool want)
{
    for (int i = 0; i < 1000 && *gone != want; i++) {
        runner_reap(r);
        usleep(5000);
    }
    return *gone == want;
}

static void worker_runs_and_is_reaped(void)
{
    struct rh h;
    char dir[256];
    sw_test_tmpdir(dir, sizeof dir, "sw-workers");
    if (!rh_open(&h, 1))
        goto out;
    struct runner *r = h.r;
    snprintf(r->tmp_root, sizeof r->tmp_root, "%s", dir);
    struct worker *w = &r->w[0];
    CHECK_INT(runner_start_worker(r, w, sw_now_mono_ns() + 300 * MS), 0);
    CHECK(w->pid > 0 && w->alive && w->group_live && !w->reaped);
    if (w->pid <= 0)
        goto out;
    char comm[32];
    comm_of(w->pid, "sw-compute", comm, sizeof comm);
    CHECK_STR(comm, "sw-compute");
    CHECK_INT(getpgid(w->pid), w->pid);   /* its own process group, for the stop stages */
    char wdir[300];
    snprintf(wdir, sizeof wdir, "%s/w0", dir);
    struct stat st;
    CHECK(stat(wdir, &st) == 0 && S_ISDIR(st.st_mode));
    CHECK_MSG(reap_until(r, &w->reaped, true), "the worker did not end after its deadline");
    CHECK_STR(w->exit_desc, "ok");
    CHECK(w->final.ops > 0);
    CHECK_INT(w->final.pid, w->pid);
    CHECK_INT(w->final.state, SW_SLOT_DONE);
    CHECK_INT((int)r->events.error_events, 0);
out:
    rh_close(&h);
    sw_rundir_remove_tree(dir);
}

static void no_temp_dir_no_fork(void)
{
    struct rh h;
    if (!rh_open(&h, 1))
        goto out;
    struct runner *r = h.r;
    snprintf(r->tmp_root, sizeof r->tmp_root, "/nonexistent-sw-test/tmp");
    CHECK_INT(runner_start_worker(r, &r->w[0], sw_now_mono_ns() + 100 * MS), -ENOENT);
    CHECK(r->w[0].pid == 0 && !r->w[0].alive);
    CHECK(r->events.n == 1);
    if (r->events.n == 1) {
        CHECK_INT(r->events.ev[0].type, SW_EV_RESOURCE);
        CHECK_INT(r->events.ev[0].sev, SW_SEV_WARN);
        CHECK(strstr(r->events.ev[0].text, "cannot create /nonexistent-sw-test/tmp/w0") != NULL);
    }
out:
    rh_close(&h);
}

static void seeds_follow_the_run(void)
{
    struct rh h;
    if (!rh_open(&h, 3))
        goto out;
    struct runner *r = h.r;
    for (int i = 0; i < 3; i++) {
        CHECK_INT(r->w[i].index, i);
        CHECK(r->w[i].seed == sw_splitmix64(42 ^ sw_splitmix64((uint64_t)i + 1)));
    }
    CHECK(r->w[0].seed != r->w[1].seed && r->w[1].seed != r->w[2].seed);
out:
    rh_close(&h);
}

static int denied(void *arg, struct sw_diag *d)
{
    (void)arg;
    return sw_fail(d, -EACCES, "no access to the log: run as root");
}

static int fake_monitor(struct sw_monitor_io *io, void *arg)
{
    (void)arg;
    struct sw_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SW_EV_KERNEL;
    ev.sev = SW_SEV_INFO;
    ev.worker = -1;
    sw_strlcpy(ev.text, "from the monitor", sizeof ev.text);
    sw_ring_push(io->ring, io->slot, &ev);
    while (!atomic_load(io->stop))
        usleep(2000);
    return 0;
}

static void monitors(void)
{
    struct rh h;
    if (!rh_open(&h, 1))
        goto out;
    struct runner *r = h.r;
    sw_arena_destroy(&r->arena);   /* room for the monitor's slot after the worker's */
    r->arena_ok = sw_arena_create(&r->arena, 2, 16) == 0;
    CHECK(r->arena_ok);
    static const struct sw_monitor mons[] = {
        {"denied", denied, fake_monitor, NULL}, {"fake", NULL, fake_monitor, NULL}, {NULL, NULL, NULL, NULL}};
    h.o.monitors = mons;
    runner_start_monitors(r);
    CHECK_INT(r->nmon, 1);
    CHECK(r->events.n == 1 && strstr(r->events.ev[0].text, "monitor denied cannot run: no access") != NULL);
    if (r->nmon != 1)
        goto out;
    struct monitor *m = &r->mon[0];
    CHECK_INT(m->slot, 1);
    char comm[32];
    comm_of(m->pid, "sw-mon-fake", comm, sizeof comm);
    CHECK_STR(comm, "sw-mon-fake");
    for (int i = 0; i < 400 && r->events.n < 2; i++) {
        usleep(5000);
        runner_drain_all(r);
    }
    CHECK(r->events.n == 2 && !strcmp(r->events.ev[1].text, "from the monitor"));
    atomic_store(&r->arena.hdr->stop, 1);
    CHECK_MSG(reap_until(r, &m->alive, false), "the monitor did not end on the stop word");
    CHECK(r->events.n == 2);   /* an expected end: no "ended early" note */
out:
    rh_close(&h);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {{"worker_runs_and_is_reaped", worker_runs_and_is_reaped},
                                                {"no_temp_dir_no_fork", no_temp_dir_no_fork},
                                                {"seeds_follow_the_run", seeds_follow_the_run},
                                                {"monitors", monitors},
                                                {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
