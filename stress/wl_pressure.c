/* `pressure`: memory pressure on the kernel's failure paths, fenced in. The worker creates a child
 * memory cgroup of its own (stress/memcg.h) limited to its share of the memory budget (at most
 * `max`), and keeps `children` processes in it (stress/pressure_child.h) that together map
 * `overcommit`% of that limit and push their pages through page-out, cold lists, THP collapse and
 * split, copy-on-write forks and write-back, checking every word when it comes back. The cgroup's
 * limit makes the kernel reclaim, compact, swap where swap exists, and OOM-kill inside it; the
 * worker stays outside, so the OOM killer can only pick the children. Each OOM kill is counted
 * (the cgroup's own oom_kill counter), never an error; the kernel log's line for it is marked as
 * expected by the kmsg classifier (a "Memory cgroup" kill of an sw-pressure process).
 *
 * Where no cgroup can be made (no permission, cgroup v2 without delegation), the children share the
 * worker's budget without overcommit: pages are still pushed and checked, but nothing is OOM-killed.
 * A word that comes back wrong is a mem_error with its address. The cgroup is removed at the end of
 * every run, Ctrl-C included; one left by a worker that was killed is removed by the next. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/fmt.h"
#include "core/workload.h"
#include "stress/backoff_note.h"
#include "stress/child_group.h"
#include "stress/digest.h"
#include "stress/memcg.h"
#include "stress/pressure_child.h"
#include "stress/task_probe.h"

/* The parameters, in the order of the table at the end of this file. */
enum { PRESSURE_CHILDREN, PRESSURE_MAX, PRESSURE_OVERCOMMIT, PRESSURE_LIFE_MS, PRESSURE_NPARAMS };

#define MAX_KIDS 32
#define TMPFS_MAGIC_ 0x01021994
/* SIGKILLed children die as soon as they are scheduled, but on a busy machine a child with a cgroup's
 * worth of pages can take seconds to run its exit and unmap: wait for each (every child is reaped
 * before the workload returns), up to a guard against a child stuck in the kernel. */
#define STOP_DRAIN_MS 8000u
#define REAP_BOUND_MS 30000u    /* past its planned life: reclaim can be slow, a hang is not */
#define INJECT_BYTES (4u << 20)

/* What the worker knows of child i besides kids.k[i]. */
struct pkid {
    bool inject;
    uint64_t pages_seen;        /* slot pages already published */
};

struct prun {
    struct sw_ctx *c;
    struct sw_child_group kids;
    struct pkid k[MAX_KIDS];
    struct sw_pressure_slot *slots;
    struct sw_memcg cg;
    bool have_cg;
    unsigned n, life_ms, overcommit;
    uint64_t limit;
    const char *file_dir;
    struct sw_rng rng;
    bool inject_pending;
    uint64_t oom_base, oom_kills, other_kills, children;
    struct sw_backoff_note res;
};

static void sleep_us(unsigned us)
{
    struct timespec ts = {0, (long)us * 1000L};
    nanosleep(&ts, NULL);
}

static void note(struct prun *r, enum sw_ev_type type, enum sw_sev sev, const char *a, const char *b)
{
    char text[SW_EV_TEXT];
    struct sw_fmt f;
    sw_fmt_init(&f, text, sizeof text);
    sw_fmt_str(&f, a);
    sw_fmt_str(&f, b);
    sw_report_note(r->c, type, sev, text);
}

static void spawn(struct prun *r, struct pkid *k)
{
    unsigned i = (unsigned)(k - r->k);
    /* each child maps 50-150 % of its share of (limit x overcommit) */
    uint64_t share = r->limit / 100 * r->overcommit / r->n;
    uint64_t size = share / 2 + sw_rng_below(&r->rng, share + 1);
    struct sw_pressure_plan p = {.anon_bytes = size * 7 / 8, .file_bytes = r->file_dir ? size / 8 : 0,
                                 .file_dir = r->file_dir, .cg = r->have_cg ? &r->cg : NULL,
                                 .life_ms = r->life_ms / 2 + (unsigned)sw_rng_below(&r->rng, r->life_ms + 1),
                                 .seed = sw_rng_next(&r->rng), .inject = r->inject_pending, .slot = &r->slots[i]};
    if (p.inject) {   /* small, so the OOM killer picks others while it checks */
        p.anon_bytes = INJECT_BYTES;
        p.file_bytes = 0;
    }
    memset(&r->slots[i], 0, sizeof r->slots[i]);
    pid_t pid = fork();
    if (pid == 0)
        sw_pressure_child(&p);
    if (pid < 0) {
        sw_note_backoff(r->c, &r->res, "pressure: fork failed", NULL);
        return;
    }
    r->inject_pending = false;
    *k = (struct pkid){.inject = p.inject};
    sw_children_add(&r->kids, i, pid, sw_now_mono_ns() + (uint64_t)p.life_ms * 1000000u);
    r->children++;
}

static void publish(struct prun *r, struct pkid *k)
{
    uint64_t pages = atomic_load(&r->slots[k - r->k].pages);
    if (pages > k->pages_seen) {
        sw_progress(r->c, pages - k->pages_seen, (pages - k->pages_seen) * 4096u);
        k->pages_seen = pages;
    }
}

/* A reaped child (sw_children_reap). */
static void finish(void *owner, unsigned i, int st)
{
    struct prun *r = owner;
    struct pkid *k = &r->k[i];
    const struct sw_child *ch = &r->kids.k[i];
    struct sw_pressure_slot *s = &r->slots[i];
    publish(r, k);
    if (atomic_load(&s->bad)) {
        struct sw_mem_fault f = {.pattern = s->bad_what, .vaddr = (uintptr_t)s->bad_vaddr, .expected = s->bad_expected,
                                 .actual = s->bad_actual, .reread = s->bad_reread, .width = 8, .cpu = -1,
                                 .flags = s->bad_reread != s->bad_expected ? SW_MEM_PERSISTENT : 0};
        sw_report_mem_fault(r->c, &f);
    }
    if (k->inject && !atomic_load(&s->bad))
        r->inject_pending = true;   /* killed before it could check: the next child tries again */
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && !ch->killed) {
        uint64_t ooms = r->have_cg ? sw_memcg_oom_kills(&r->cg) : 0;
        if (r->have_cg && ooms > r->oom_base + r->oom_kills) {
            r->oom_kills++;
        } else {
            r->other_kills++;
            note(r, SW_EV_NOTE, SW_SEV_WARN, "pressure: a child was killed by SIGKILL from outside its cgroup's ",
                 "OOM killer (the guest's OOM killer or a user)");
        }
    } else if (WIFEXITED(st) && (WEXITSTATUS(st) == SW_PRESSURE_CODE_NOMEM || WEXITSTATUS(st) == SW_PRESSURE_CODE_NOCG)) {
        sw_note_backoff(r->c, &r->res, "pressure: a child could not map its memory or enter the cgroup", NULL);
    } else if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0) && !(ch->killed && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)) {
        sw_report_child_status(r->c, "pressure-child", ch->pid, st);
    }
}

/* The live children's progress so far. */
static void publish_all(struct prun *r)
{
    for (unsigned i = 0; i < r->n; i++)
        if (r->kids.k[i].pid)
            publish(r, &r->k[i]);
}

/* Their forks (copy-on-write) are in the cgroup but not the worker's children. */
static void kill_cgroup(void *owner)
{
    struct prun *r = owner;
    if (r->have_cg)
        sw_memcg_kill_all(&r->cg);
}

/* The cgroup, or the fallback with a note saying why. */
static void setup_cgroup(struct prun *r)
{
    char why[200], tag[24];
    struct sw_fmt f;
    sw_fmt_init(&f, tag, sizeof tag);
    sw_fmt_str(&f, "w");
    sw_fmt_i64(&f, r->c->worker);
    r->have_cg = sw_memcg_create(&r->cg, tag, r->limit, why, sizeof why) == 0;
    if (r->have_cg) {
        r->oom_base = sw_memcg_oom_kills(&r->cg);
        return;
    }
    r->overcommit = 80;   /* no limit the kernel enforces for us: stay inside the budget */
    note(r, SW_EV_NOTE, SW_SEV_WARN, "pressure: no memory cgroup of its own, so no OOM kills; within the budget: ",
         why);
}

static void summary(struct prun *r, int removed)
{
    char text[SW_EV_TEXT];
    struct sw_fmt f;
    sw_fmt_init(&f, text, sizeof text);
    sw_fmt_str(&f, "pressure: ");
    sw_fmt_u64(&f, r->children);
    sw_fmt_str(&f, " children, ");
    sw_fmt_u64(&f, r->oom_kills);
    sw_fmt_str(&f, r->have_cg ? " OOM kills in its cgroup (limit " : " OOM kills (no cgroup, budget ");
    sw_fmt_u64(&f, r->limit >> 20);
    sw_fmt_str(&f, " MiB, expected, not errors)");
    if (removed < 0) {
        sw_fmt_str(&f, "; could not remove ");
        sw_fmt_str(&f, r->cg.path);
    }
    sw_report_note(r->c, SW_EV_NOTE, removed < 0 ? SW_SEV_WARN : SW_SEV_INFO, text);
}

static int pressure_run(struct sw_ctx *c)
{
    struct prun *r = calloc(1, sizeof *r);
    if (!r)
        return SW_WL_NORESOURCE;
    r->c = c;
    r->n = (unsigned)sw_param_int(&c->params, PRESSURE_CHILDREN);
    if (c->proc_budget && r->n > c->proc_budget / 2)
        r->n = c->proc_budget / 2 ? c->proc_budget / 2 : 1;
    sw_children_init(&r->kids, c, "pressure-child", r->n, finish, r);
    r->life_ms = (unsigned)sw_param_int(&c->params, PRESSURE_LIFE_MS);
    r->overcommit = (unsigned)sw_param_int(&c->params, PRESSURE_OVERCOMMIT);
    uint64_t max = (uint64_t)sw_param_int(&c->params, PRESSURE_MAX);
    /* the worker's own pages and the children's page tables come out of the budget too */
    r->limit = c->mem_budget > (16u << 20) ? c->mem_budget - (8u << 20) : 0;
    if (r->limit > max)
        r->limit = max;
    if (r->limit < (16u << 20)) {
        sw_report_note(c, SW_EV_RESOURCE, SW_SEV_WARN, "pressure: the memory budget is too small (16 MiB at least)");
        free(r);
        return SW_WL_NORESOURCE;
    }
    struct statfs sf;
    r->file_dir = statfs(c->tmpdir, &sf) == 0 && (long)sf.f_type != TMPFS_MAGIC_ ? c->tmpdir : NULL;
    sw_rng_seed(&r->rng, c->seed ^ ((uint64_t)c->worker << 40));
    r->inject_pending = (c->inject & SW_INJ_BITFLIP) != 0;
    r->slots = mmap(NULL, MAX_KIDS * sizeof *r->slots, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (r->slots == MAP_FAILED) {
        free(r);
        return SW_WL_NORESOURCE;
    }
    setup_cgroup(r);
    /* Children start staggered (over half a life), so that some have filled and checked their pages
     * before the cgroup is full and the OOM killer starts choosing. */
    uint64_t gap = (uint64_t)r->life_ms * 1000000u / 2 / r->n, next = 0;
    while (sw_keep_going(c)) {
        sw_children_tick(&r->kids);
        uint64_t now = sw_now_mono_ns();
        for (unsigned i = 0; i < r->n && r->kids.live < r->n && now >= next; i++)
            if (!r->kids.k[i].pid) {
                spawn(r, &r->k[i]);
                next = now + gap;
            }
        publish_all(r);
        sw_children_check(&r->kids, now, REAP_BOUND_MS);
        sw_children_reap(&r->kids);
        sleep_us(1000);
    }
    /* Cleaning up must finish even when the runner's SIGTERM comes (its SIGKILL still would end it;
     * a cgroup left then is removed by the next pressure run). */
    publish_all(r);
    sw_children_drain(&r->kids, STOP_DRAIN_MS, "pressure wind-down", kill_cgroup);
    kill_cgroup(r);
    int removed = r->have_cg ? sw_memcg_remove(&r->cg, 300) : 0;
    summary(r, removed);
    munmap(r->slots, MAX_KIDS * sizeof *r->slots);
    free(r);
    return SW_WL_OK;
}

static uint64_t pressure_mem(const struct sw_params *p)
{
    (void)p;
    return 64u << 20;   /* at least; memory-sized workloads get their share of the budget */
}

static unsigned pressure_procs(const struct sw_params *p)
{
    return 2u * (unsigned)sw_param_int(p, PRESSURE_CHILDREN);   /* each child and its copy-on-write fork */
}

SW_PARAM_TABLE(pressure_params, PRESSURE_NPARAMS) = {
    [PRESSURE_CHILDREN] = {.name = "children", .type = SW_P_INT, .def = "4", .min = 1, .max = MAX_KIDS,
        .help = "processes in the cgroup at once, each mapping its share"},
    [PRESSURE_MAX] = {.name = "max", .type = SW_P_SIZE, .def = "1G", .min = 16 << 20, .max = 1ll << 40,
        .help = "the cgroup's limit at most (else the worker's share of the memory budget)"},
    [PRESSURE_OVERCOMMIT] = {.name = "overcommit", .type = SW_P_INT, .def = "120", .min = 10, .max = 400,
        .help = "what the children map together, in % of the limit (over 100: reclaim, swap and OOM kills)"},
    [PRESSURE_LIFE_MS] = {.name = "life_ms", .type = SW_P_INT, .def = "400", .min = 10, .max = 60000,
        .help = "a child's life: its pages are pushed around and checked meanwhile"},
};

const struct sw_workload sw_wl_pressure = {
    .name = "pressure",
    .summary = "a memory cgroup driven to its limit (reclaim, THP collapse/split, COW, OOM kills inside it), "
               "every page checked when it comes back",
    .unit = "pages",
    .flags = SW_WL_SPAWNS | SW_WL_MEMORY,
    .injects = SW_INJ_BITFLIP,
    .params = pressure_params,
    .mem_per_worker = pressure_mem,
    .procs_per_worker = pressure_procs,
    .run = pressure_run,
};
