/* `io_uring`: the teardown path of io_uring under job control and exit storms. The worker keeps
 * `processes` short-lived children (stress/uring_child.h), started in groups of `group`: each child
 * sets up `rings` rings holding requests of several kinds in flight and checks every completion of
 * the batches it runs meanwhile. Each group is stopped and continued together, SIGSTOP then SIGCONT to
 * every member back to back as a shell's Ctrl-Z and `fg` do, while other groups set up new rings; then
 * each child ends its own way (exits or closes its rings with requests pending, exits from one thread
 * while another waits in io_uring_enter, or is SIGKILLed, stopped or not).
 *
 * This is the pattern of the freezes fixed in 6.9-rc3 (io_uring's exit work on a shared workqueue
 * that other work waited on; backported to 6.8.5 and 6.6.26): on a kernel with that bug it can hang
 * the guest, which is the point; the journal keeps everything up to the hang.
 *
 * Verified: every completion (user_data and result as submitted; the read-back bytes); every exit
 * status (the one the child was given, or SIGKILL where the worker killed it); every child reaped
 * within REAP_BOUND_MS, else reported with its state, wchan and kernel stack (a task in D state there
 * is the hang itself). Children stay in the worker's process group so the runner's stop reaches them.
 * ops = rings set up and torn down (counted when their process is reaped). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/fmt.h"
#include "core/workload.h"
#include "stress/backoff_note.h"
#include "stress/child_group.h"
#include "stress/digest.h"
#include "stress/task_probe.h"
#include "stress/uring_child.h"

/* The parameters, in the order of the table at the end of this file. */
enum { URING_PROCESSES, URING_RINGS, URING_GROUP, URING_LIFE_MS, URING_NPARAMS };

#define MAX_KIDS 64
#define DEFAULT_KIDS 8
#define REAP_BOUND_MS 10000u     /* from the planned end of a child's life to its reaping */
/* At the end of the run, for the killed children to be reaped: a busy machine can take seconds to
 * schedule them through their exit. The heartbeat keeps the runner waiting at a deadline; after
 * Ctrl-C the runner's SIGKILL (800 ms after its SIGTERM) still ends the worker and its group. */
#define STOP_DRAIN_MS 8000u
#define TASKS_PER_RING 5u        /* io-wq workers (bounded + unbounded, 2 each) and slack   */

static const char *const end_names[SW_URING_END_COUNT] = {"exit", "close-rings", "thread-exit", "killed"};

/* What the worker knows of child i besides kids.k[i] (pid, killed; end_ns: when it should be over,
 * for END_KILLED when it is killed). */
struct kid {
    int group;
    enum sw_uring_end end;
    int code;
    bool inject;                /* it carries the selftest's wrong completion */
};

struct group {
    unsigned members;           /* kids still alive in it (0: free)                  */
    bool stopped, done;         /* SIGSTOP sent / the stop-continue cycle is over     */
    uint64_t stop_ns, cont_ns;
};

struct urun {
    struct sw_ctx *c;
    struct sw_child_group kids;
    struct kid k[MAX_KIDS];
    struct group g[MAX_KIDS];
    struct sw_uring_slot *slots;   /* MAP_SHARED, one per kid */
    unsigned procs, rings, group_size, life_ms;
    struct sw_rng rng;
    bool inject_pending;
    uint64_t rings_done, completions, pending_at_end, stops, by_end[SW_URING_END_COUNT];
    struct sw_backoff_note res;
};

static void sleep_us(unsigned us)
{
    struct timespec ts = {0, (long)us * 1000L};
    nanosleep(&ts, NULL);
}

static void note_resource(struct urun *u, int err)
{
    sw_note_backoff(u->c, &u->res, "io_uring: a ring set-up, submit or fork was refused with ",
                    strerrorname_np(err) ? strerrorname_np(err) : "an error");
}

/* Starts a group of up to group_size children. Returns how many started. */
static unsigned spawn_group(struct urun *u)
{
    int gi = 0;
    while (gi < MAX_KIDS && u->g[gi].members)
        gi++;
    if (gi == MAX_KIDS)
        return 0;
    struct group *g = &u->g[gi];
    memset(g, 0, sizeof *g);
    uint64_t now = sw_now_mono_ns();
    unsigned started = 0;
    for (unsigned i = 0; i < MAX_KIDS && started < u->group_size && u->kids.live < u->procs; i++) {
        if (u->kids.k[i].pid)
            continue;
        struct sw_uring_plan p = {.rings = u->rings, .seed = u->c->seed ^ sw_rng_next(&u->rng), .slot = &u->slots[i]};
        p.life_us = 1000u + (unsigned)sw_rng_below(&u->rng, (uint64_t)u->life_ms * 1000u);
        p.end = (enum sw_uring_end)sw_rng_below(&u->rng, SW_URING_END_COUNT);
        p.code = 16 + (int)sw_rng_below(&u->rng, 96);
        p.inject = u->inject_pending;
        memset(&u->slots[i], 0, sizeof u->slots[i]);
        pid_t pid = fork();
        if (pid == 0)
            sw_uring_child(&p);
        if (pid < 0) {
            note_resource(u, errno);
            break;
        }
        u->inject_pending = false;
        u->k[i] = (struct kid){.group = gi, .end = p.end, .code = p.code, .inject = p.inject};
        sw_children_add(&u->kids, i, pid, now + (uint64_t)p.life_us * 1000u);
        g->members++;
        started++;
    }
    if (started) {
        /* stopped somewhere in the first half of the members' lives, for 1-10 ms */
        g->stop_ns = now + 1000000ull * sw_rng_below(&u->rng, u->life_ms / 2 + 1);
        g->cont_ns = g->stop_ns + 1000000ull * (1 + sw_rng_below(&u->rng, 10));
    }
    return started;
}

/* SIGSTOP / SIGCONT to every live member of a group, back to back. */
static void signal_group(struct urun *u, int gi, int sig)
{
    for (unsigned i = 0; i < MAX_KIDS; i++)
        if (u->kids.k[i].pid && u->k[i].group == gi)
            kill(u->kids.k[i].pid, sig);
}

static void drive_groups(struct urun *u, uint64_t now)
{
    for (int gi = 0; gi < MAX_KIDS; gi++) {
        struct group *g = &u->g[gi];
        if (!g->members || g->done)
            continue;
        if (!g->stopped && now >= g->stop_ns) {
            signal_group(u, gi, SIGSTOP);
            g->stopped = true;
            u->stops++;
        } else if (g->stopped && now >= g->cont_ns) {
            signal_group(u, gi, SIGCONT);
            g->done = true;
        }
    }
}

static void report_cqe(struct urun *u, pid_t pid, const struct sw_uring_slot *s)
{
    char detail[120];
    struct sw_fmt f;
    sw_fmt_init(&f, detail, sizeof detail);
    sw_fmt_str(&f, s->bad_what);
    sw_fmt_str(&f, " user_data ");
    sw_fmt_hex(&f, s->bad_user_data);
    sw_fmt_str(&f, " in child ");
    sw_fmt_i64(&f, pid);
    if (s->bad > 1) {
        sw_fmt_str(&f, ", ");
        sw_fmt_u64(&f, s->bad);
        sw_fmt_str(&f, " wrong in all");
    }
    sw_report_verify_error(u->c, "io_uring-cqe", s->bad_want, s->bad_got, detail);
}

/* A reaped child (sw_children_reap). */
static void finish(void *owner, unsigned i, int st)
{
    struct urun *u = owner;
    struct kid *k = &u->k[i];
    pid_t pid = u->kids.k[i].pid;
    bool killed = u->kids.k[i].killed;
    struct sw_uring_slot *s = &u->slots[i];
    bool want_kill = k->end == SW_URING_END_KILLED;
    if (WIFEXITED(st) && WEXITSTATUS(st) == SW_URING_CODE_NORING) {
        note_resource(u, s->err ? s->err : EAGAIN);
    } else if (want_kill || killed ? !((WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) ||
                                          (!want_kill && WIFEXITED(st) && WEXITSTATUS(st) == k->code))
                                      : !(WIFEXITED(st) && WEXITSTATUS(st) == k->code)) {
        char detail[96];
        struct sw_fmt f;
        sw_fmt_init(&f, detail, sizeof detail);
        sw_fmt_str(&f, "child ");
        sw_fmt_i64(&f, pid);
        sw_fmt_str(&f, " (end: ");
        sw_fmt_str(&f, end_names[k->end]);
        sw_fmt_str(&f, WIFSIGNALED(st) ? ") killed by signal " : ") exited ");
        sw_fmt_i64(&f, WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
        sw_report_verify_error(u->c, "io_uring-exit", want_kill ? 0x100u + SIGKILL : (uint64_t)k->code,
                               WIFSIGNALED(st) ? 0x100u + (uint64_t)WTERMSIG(st) : (uint64_t)WEXITSTATUS(st), detail);
    } else {
        u->by_end[k->end]++;
    }
    unsigned rings = atomic_load(&s->rings_up);
    if (atomic_load(&s->bad))
        report_cqe(u, pid, s);
    else if (k->inject)
        u->inject_pending = true;   /* it ended before its first completion: the next child carries it */
    u->rings_done += rings;
    u->completions += atomic_load(&s->completions);
    u->pending_at_end += atomic_load(&s->pending);
    sw_progress(u->c, rings, 0);
    struct group *g = &u->g[k->group];
    if (--g->members == 0)
        memset(g, 0, sizeof *g);
}

/* Kills the children due to be killed; reports once a child past its bound. */
static void check_kids(struct urun *u, uint64_t now)
{
    for (unsigned i = 0; i < MAX_KIDS; i++)
        if (u->k[i].end == SW_URING_END_KILLED && now >= u->kids.k[i].end_ns)
            sw_children_kill(&u->kids, i, now, false);
    sw_children_check(&u->kids, now, REAP_BOUND_MS);
}

static void summary(struct urun *u)
{
    char text[SW_EV_TEXT];
    struct sw_fmt f;
    sw_fmt_init(&f, text, sizeof text);
    sw_fmt_str(&f, "io_uring: ");
    sw_fmt_u64(&f, u->rings_done);
    sw_fmt_str(&f, " rings up and down, ");
    sw_fmt_u64(&f, u->completions);
    sw_fmt_str(&f, " completions verified, ");
    sw_fmt_u64(&f, u->pending_at_end);
    sw_fmt_str(&f, " pending at teardown, ");
    sw_fmt_u64(&f, u->stops);
    sw_fmt_str(&f, " group stops, exit/close/thread/kill ");
    for (int e = 0; e < SW_URING_END_COUNT; e++) {
        if (e)
            sw_fmt_str(&f, "/");
        sw_fmt_u64(&f, u->by_end[e]);
    }
    sw_report_note(u->c, SW_EV_NOTE, SW_SEV_INFO, text);
}

static unsigned kids_param(const struct sw_params *p)
{
    int64_t n = sw_param_int(p, URING_PROCESSES);
    return n > 0 ? (unsigned)n : DEFAULT_KIDS;
}

static unsigned tasks_per_kid(const struct sw_params *p)
{
    return 2u + (unsigned)sw_param_int(p, URING_RINGS) * TASKS_PER_RING;   /* itself, a waiter thread, io-wq */
}

static int uring_run(struct sw_ctx *c)
{
    struct urun *u = calloc(1, sizeof *u);
    if (!u)
        return SW_WL_NORESOURCE;
    u->c = c;
    sw_children_init(&u->kids, c, "io_uring child", MAX_KIDS, finish, u);
    u->rings = (unsigned)sw_param_int(&c->params, URING_RINGS);
    u->group_size = (unsigned)sw_param_int(&c->params, URING_GROUP);
    u->life_ms = (unsigned)sw_param_int(&c->params, URING_LIFE_MS);
    u->procs = kids_param(&c->params);
    unsigned per = tasks_per_kid(&c->params);
    if (c->proc_budget && u->procs > c->proc_budget / per)
        u->procs = c->proc_budget / per;
    if (!u->procs)
        u->procs = 1;
    sw_rng_seed(&u->rng, c->seed ^ ((uint64_t)c->worker << 40));
    u->inject_pending = (c->inject & SW_INJ_WRONG) != 0;
    u->slots = mmap(NULL, MAX_KIDS * sizeof *u->slots, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (u->slots == MAP_FAILED) {
        free(u);
        return SW_WL_NORESOURCE;
    }
    sw_uring_child_prepare();
    unsigned backoff = 0;
    while (sw_keep_going(c)) {
        sw_children_tick(&u->kids);
        uint64_t now = sw_now_mono_ns();
        if (u->kids.live < u->procs) {
            if (spawn_group(u))
                backoff = 0;
            else
                backoff = backoff ? (backoff * 2 > 50 ? 50 : backoff * 2) : 1;
        }
        drive_groups(u, now);
        check_kids(u, now);
        sw_children_reap(&u->kids);
        sleep_us(backoff ? backoff * 1000u : 500u);
    }
    sw_children_drain(&u->kids, STOP_DRAIN_MS, "io_uring wind-down", NULL);
    summary(u);
    munmap(u->slots, MAX_KIDS * sizeof *u->slots);
    free(u);
    return SW_WL_OK;
}

static unsigned uring_procs(const struct sw_params *p)
{
    return kids_param(p) * tasks_per_kid(p);
}

static uint64_t uring_mem(const struct sw_params *p)
{
    return (uint64_t)kids_param(p) * (4u << 20) + (8u << 20);
}

SW_PARAM_TABLE(uring_params, URING_NPARAMS) = {
    [URING_PROCESSES] = {.name = "processes", .type = SW_P_INT, .def = "0", .min = 0, .max = MAX_KIDS,
        .help = "children with rings alive at once per worker; 0 = 8, within the process budget"},
    [URING_RINGS] = {.name = "rings", .type = SW_P_INT, .def = "2", .min = 1, .max = 4,
        .help = "rings per child, each with requests of every kind in flight"},
    [URING_GROUP] = {.name = "group", .type = SW_P_INT, .def = "4", .min = 1, .max = MAX_KIDS,
        .help = "children stopped and continued together (SIGSTOP/SIGCONT)"},
    [URING_LIFE_MS] = {.name = "life_ms", .type = SW_P_INT, .def = "20", .min = 1, .max = 10000,
        .help = "longest life of a child before it ends (1 ms .. life_ms)"},
};

const struct sw_workload sw_wl_io_uring = {
    .name = "io_uring",
    .summary = "short-lived processes with io_uring requests in flight, stopped and continued in groups, then exiting, "
               "killed or closing rings; every completion checked",
    .unit = "rings",
    .flags = SW_WL_SPAWNS,
    .injects = SW_INJ_WRONG,
    .params = uring_params,
    .mem_per_worker = uring_mem,
    .procs_per_worker = uring_procs,
    .supported = sw_uring_supported,
    .run = uring_run,
};
