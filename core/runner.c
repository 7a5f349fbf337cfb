/* The runner: budgets and placement first, then the journal, then one process per worker (plus the
 * monitors), supervised from a single-threaded poll loop on a signalfd; no asynchronous handlers in
 * this process. See core/runner.h for the contract and docs/report-schema.md for what it produces. */
#include "core/runner.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/bind.h"
#include "core/budget.h"
#include "core/crashsig.h"
#include "core/event_json.h"
#include "core/exitcode.h"
#include "core/fmt.h"
#include "core/journal.h"
#include "core/placement.h"
#include "core/progress.h"
#include "core/recover.h"
#include "core/rundir.h"
#include "core/spawn.h"
#include "core/units.h"

#define MS 1000000ull
#define SEC 1000000000ull
#define TICK_MS 100
#define STOP_TERM_NS (500 * MS)    /* cooperative stop first, then SIGTERM ...       */
#define STOP_KILL_NS (800 * MS)    /* ... then SIGKILL                               */
#define STOP_GIVEUP_NS (1500 * MS) /* anything left now is unkillable (state D)      */
#define STOP_FINISH_MAX_NS (10 * SEC) /* at a deadline, workers still verifying get this long */
#define STOP_DEADLINE_EXTRA_NS (1500 * MS) /* ... and a silent one this much more than on Ctrl-C */
#define SIGNAL_SAME_NS (250 * MS)  /* a second signal this soon is the first one forwarded again */
#define STALL_NS (10 * SEC)
#define MAX_EVENTS 20000           /* kept for the report; the journal has them all  */
#define MAX_MONITORS 8
#define RING_CAP_SMALL 64
#define RING_CAP 256

struct series {
    uint64_t *ops, *errors;
    size_t n, cap;
};

/* One (trial, phase, workload) as it ran. */
struct wlrun {
    int trial, phase, wi;
    int first, n;            /* workers: w[first .. first+n) of the phase's worker table */
    struct series s;
    uint64_t prev_ops, prev_errors;
    uint64_t ops, bytes, errors;
    double rate_now;
    uint64_t t_start, t_end;
};

struct worker {
    int index;               /* global worker index (slot)           */
    int phase, wi;
    const struct sw_place *place;
    uint64_t seed;
    pid_t pid;
    bool alive;              /* leader not reaped yet                */
    bool group_live;         /* the process group may have members   */
    bool stall_reported;
    uint64_t started_ns, last_progress_ns;
    int wstatus;
    bool reaped;
    struct sw_slot_snapshot final;
    char exit_desc[40];
    int *cycle;              /* the cycle policy's CPUs, or NULL     */
    uint64_t stop_beat;      /* slot heartbeat last seen in a wind-down */
    int ncycle;
};

struct monitor {
    const struct sw_monitor *m;
    int slot;
    pid_t pid;
    bool alive, group_live;
};

struct sw_runner_priv {
    struct sw_journal journal;
    bool journal_open;
    int sigfd;
    sigset_t oldmask;
    bool mask_set;
    struct sigaction old_pipe;
};

struct runner {
    struct sw_job *job;
    const struct sw_run_opts *o;
    struct sw_run_result *res;
    struct sw_diag *d;
    struct sw_runner_priv *priv;
    struct sw_budget budget;
    struct sw_plan plans[SW_JOB_MAX_PHASES][SW_PHASE_MAX_WORKLOADS];
    int first_worker[SW_JOB_MAX_PHASES][SW_PHASE_MAX_WORKLOADS];
    int nworkers;
    struct worker *w;
    int nmon;
    struct monitor mon[MAX_MONITORS];
    struct sw_arena arena;
    bool arena_ok;
    struct sw_progress prog;
    struct sw_ev_names names;
    bool is_vm;
    char topo_source[600];
    char boot_id[40];
    char tmp_root[224];       /* fits sw_ctx.tmpdir with "/w<index>" */
    char self_exe[256];
    char journal_path[600];
    uint64_t start_real, start_mono, end_real, end_mono, planned_ms, elapsed_ms_done;
    uint64_t phase_start_mono;
    int cur_phase, cur_trial;
    struct sw_event *ev;
    size_t nev;
    uint64_t events_dropped, next_seq;
    unsigned error_events;
    bool interrupted;
    int interrupt_signo;
    uint64_t first_signal_ns;
    uint64_t stop_t0;        /* when the current wind-down started (0: none), or its workers last progressed */
    uint64_t stop_first;     /* when the current wind-down started           */
    int stop_stage;          /* 0 none, 1 asked, 2 SIGTERM sent, 3 SIGKILL sent */
    bool kill_now;
    bool paused;
    struct wlrun *runs;
    size_t nruns, runs_cap;
    struct sw_event drain_buf[RING_CAP];
    json_t *plan_json;
};

/* ---------------------------------------------------------------------------------------------- */
/* small helpers                                                                                   */

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static bool cpu_is_vm(void)
{
    FILE *f = fopen("/proc/cpuinfo", "re");
    if (!f)
        return false;
    char line[4096];
    bool vm = false;
    while (!vm && fgets(line, sizeof line, f))
        if (!strncmp(line, "flags", 5) && strstr(line, " hypervisor"))
            vm = true;
    fclose(f);
    return vm;
}

static const struct sw_job_workload *jw(const struct runner *r, int phase, int wi)
{
    return &r->job->phases[phase].wl[wi];
}

static void event_base(struct sw_event *ev, enum sw_ev_type type, enum sw_sev sev)
{
    memset(ev, 0, sizeof *ev);
    ev->t_ns = sw_now_real_ns();
    ev->type = (uint16_t)type;
    ev->sev = (uint8_t)sev;
    ev->worker = -1;
    ev->cpu = -1;
    ev->node = -1;
    ev->workload = -1;
}

/* --stop-on-error: an error event ends the phase and the run (sw_run_opts.stop_on_error). */
static bool stop_for_error(const struct runner *r)
{
    return r->o->stop_on_error && r->error_events > 0;
}

/* Records one event: sequence number, journal (durable at once when it is an error), memory. */
static void record(struct runner *r, struct sw_event *ev, bool sync_now)
{
    ev->seq = ++r->next_seq;
    ev->crc = 0;
    if (ev->sev >= SW_SEV_ERROR)
        r->error_events++;
    if (r->priv->journal_open)
        sw_journal_append(&r->priv->journal, SW_JREC_EVENT, ev, sw_now_mono_ns(),
                          sync_now && ev->sev >= SW_SEV_ERROR);
    if (r->nev < MAX_EVENTS)
        r->ev[r->nev++] = *ev;
    else
        r->events_dropped++;
    if (r->o->observer && r->o->observer->event)
        r->o->observer->event(r->o->observer->arg, ev);
}

/* Hands the live outputs (--metrics, --events) what they show: totals per workload run when
 * with_counts, else only the chance to write out the events recorded since the last call. */
static void notify(struct runner *r, bool with_counts, bool done)
{
    const struct sw_run_observer *o = r->o->observer;
    if (!o || !o->flush)
        return;
    struct sw_run_counts *c = with_counts && r->nruns ? calloc(r->nruns, sizeof *c) : NULL;
    for (size_t k = 0; c && k < r->nruns; k++) {
        const struct sw_workload *wl = jw(r, r->runs[k].phase, r->runs[k].wi)->wl;
        c[k] = (struct sw_run_counts){wl->name, wl->unit ? wl->unit : "ops", r->runs[k].ops, r->runs[k].bytes,
                                      r->runs[k].errors};
    }
    struct sw_run_tick t = {r->res->run_id, done ? NULL : r->job->phases[r->cur_phase].name, r->start_real,
                            sw_now_real_ns(), c, c ? r->nruns : 0, &r->names, done};
    o->flush(o->arg, &t);
    free(c);
}

static void record_text(struct runner *r, enum sw_ev_type type, enum sw_sev sev, int worker, const char *what,
                        const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void record_text(struct runner *r, enum sw_ev_type type, enum sw_sev sev, int worker, const char *what,
                        const char *fmt, ...)
{
    struct sw_event ev;
    event_base(&ev, type, sev);
    ev.phase = (uint16_t)(r->cur_phase < 0 ? 0 : r->cur_phase);
    if (worker >= 0) {
        const struct worker *w = &r->w[worker];
        ev.worker = (int16_t)worker;
        ev.workload = (int16_t)jw(r, w->phase, w->wi)->workload_id;
        ev.pid = w->pid;
        ev.node = (int16_t)(w->place ? w->place->mem_node : -1);
        ev.phase = (uint16_t)w->phase;
    }
    sw_strlcpy(ev.what, what, sizeof ev.what);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev.text, sizeof ev.text, fmt, ap);
    va_end(ap);
    record(r, &ev, true);
}

/* ---------------------------------------------------------------------------------------------- */
/* plan                                                                                            */

static int place_all(struct runner *r, hwloc_topology_t topo)
{
    int idx = 0;
    for (int p = 0; p < r->job->nphases; p++) {
        struct sw_job_phase *ph = &r->job->phases[p];
        for (int i = 0; i < ph->n; i++) {
            struct sw_job_workload *w = &ph->wl[i];
            int rc = sw_placement_plan(topo, w->pin, w->workers, &r->plans[p][i], r->d);
            if (rc < 0)
                return rc;
            if (r->plans[p][i].nworkers != w->workers) {
                sw_plan_free(&r->plans[p][i]);
                return sw_fail(r->d, -EINVAL, "phase '%s': placement gave %d workers for %s instead of %d",
                               ph->name, r->plans[p][i].nworkers, w->wl->name, w->workers);
            }
            r->first_worker[p][i] = idx;
            idx += w->workers;
        }
    }
    r->nworkers = idx;
    return 0;
}

/* "auto" counts follow the pin policy's eligible CPUs (P-cores only, one per node, ...). */
static int auto_counts(struct runner *r, hwloc_topology_t topo)
{
    for (int p = 0; p < r->job->nphases; p++) {
        struct sw_job_phase *ph = &r->job->phases[p];
        for (int i = 0; i < ph->n; i++) {
            struct sw_job_workload *w = &ph->wl[i];
            if (w->count_kind != SW_COUNT_AUTO)
                continue;
            struct sw_plan pl;
            int rc = sw_placement_plan(topo, w->pin, 0, &pl, r->d);
            if (rc < 0)
                return rc;
            w->workers = pl.nworkers;
            sw_plan_free(&pl);
        }
    }
    return 0;
}

static json_t *plan_to_json(struct runner *r, const struct sw_plan *any)
{
    json_t *plan = json_object();
    const char *pin = NULL;
    bool mixed = false;
    for (int p = 0; p < r->job->nphases; p++)
        for (int i = 0; i < r->job->phases[p].n; i++) {
            const char *n = sw_pin_name(r->job->phases[p].wl[i].pin);
            if (pin && strcmp(pin, n))
                mixed = true;
            pin = n;
        }
    json_object_set_new(plan, "pin", json_string(mixed ? "mixed" : pin ? pin : "none"));
    json_object_set_new(plan, "is_vm", json_boolean(r->is_vm));
    json_object_set_new(plan, "vm_note",
                        r->is_vm ? json_string("this CPU reports the hypervisor flag: pinning binds virtual CPUs, "
                                               "which the host may move between physical cores (WSL2 always "
                                               "does), so a per-CPU result names a vCPU, not a core")
                                 : json_null());
    json_t *topo = json_object();
    json_object_set_new(topo, "pus", json_integer(any ? any->n_pus : 0));
    json_object_set_new(topo, "cores", json_integer(any ? any->n_cores : 0));
    json_object_set_new(topo, "numa_nodes", json_integer(any ? any->n_nodes : 0));
    json_object_set_new(topo, "cpu_kinds", json_integer(any ? any->n_kinds : 0));
    json_object_set_new(topo, "source", json_string(r->topo_source));
    json_object_set_new(plan, "topology", topo);
    json_object_set_new(plan, "budget", sw_budget_to_json(&r->budget));
    json_object_set_new(plan, "trials", json_integer(r->job->trials ? r->job->trials : 1));
    json_t *phases = json_array();
    for (int p = 0; p < r->job->nphases; p++) {
        const struct sw_job_phase *ph = &r->job->phases[p];
        json_t *po = json_object();
        json_object_set_new(po, "name", json_string(ph->name));
        json_object_set_new(po, "duration_s", json_real((double)ph->duration_ms / 1000.0));
        json_t *duty = json_object();
        json_object_set_new(duty, "on_ms", json_integer(ph->duty_on_ms));
        json_object_set_new(duty, "off_ms", json_integer(ph->duty_off_ms));
        json_object_set_new(po, "duty", duty);
        json_t *wls = json_array();
        for (int i = 0; i < ph->n; i++) {
            const struct sw_job_workload *w = &ph->wl[i];
            const struct sw_worker_budget *wb = &r->budget.wb[p][i];
            const struct sw_plan *pl = &r->plans[p][i];
            json_t *wo = json_object();
            json_object_set_new(wo, "name", json_string(w->wl->name));
            json_object_set_new(wo, "workers", json_integer(w->workers));
            json_object_set_new(wo, "pin", json_string(sw_pin_name(w->pin)));
            json_object_set_new(wo, "mem_per_worker", json_integer((json_int_t)wb->mem));
            json_object_set_new(wo, "procs_per_worker", json_integer(wb->procs));
            json_object_set_new(wo, "threads_per_worker", json_integer(wb->threads));
            json_t *params = json_object();
            for (int k = 0; k < w->params.n; k++)
                if (w->params.v[k].def)
                    json_object_set_new(params, w->params.v[k].def->name, json_string(w->params.v[k].s));
            json_object_set_new(wo, "params", params);
            json_object_set_new(wo, "placement_note", pl->note[0] ? json_string(pl->note) : json_null());
            json_t *pa = json_array();
            for (int k = 0; k < pl->nworkers; k++) {
                const struct sw_place *pc = &pl->place[k];
                char cpus[512];
                json_t *e = json_object();
                json_object_set_new(e, "worker", json_integer(r->first_worker[p][i] + k));
                json_object_set_new(e, "cpus", json_string(sw_cpuset_count(&pc->cpus)
                                                               ? sw_cpuset_format(&pc->cpus, cpus, sizeof cpus)
                                                               : ""));
                json_object_set_new(e, "cpu_node", json_integer(pc->cpu_node));
                json_object_set_new(e, "mem_node", json_integer(pc->mem_node));
                json_object_set_new(e, "kind", json_string(pc->kind));
                json_object_set_new(e, "cycle", json_boolean(pc->cycle));
                json_array_append_new(pa, e);
            }
            json_object_set_new(wo, "placement", pa);
            json_array_append_new(wls, wo);
        }
        json_object_set_new(po, "workloads", wls);
        json_array_append_new(phases, po);
    }
    json_object_set_new(plan, "phases", phases);
    return plan;
}

static void plan_summary(const struct runner *r, char *buf, size_t cap)
{
    size_t n = 0;
    for (int p = 0; p < r->job->nphases && n < cap; p++) {
        const struct sw_job_phase *ph = &r->job->phases[p];
        n += (size_t)snprintf(buf + n, cap - n, "%s%s %llus:", p ? "; " : "", ph->name,
                              (unsigned long long)(ph->duration_ms / 1000));
        for (int i = 0; i < ph->n && n < cap; i++)
            n += (size_t)snprintf(buf + n, cap - n, " %s x%d %s", ph->wl[i].wl->name, ph->wl[i].workers,
                                  sw_pin_name(ph->wl[i].pin));
    }
    if (r->job->trials > 1 && n < cap)
        snprintf(buf + n, cap - n, "; %u trials", r->job->trials);
}

/* ---------------------------------------------------------------------------------------------- */
/* workers and monitors                                                                            */

struct worker_arg {
    struct runner *r;
    struct worker *w;
    struct sw_ctx ctx;
};

static void push_note(struct sw_ctx *c, enum sw_sev sev, const char *text)
{
    sw_report_note(c, SW_EV_NOTE, sev, text);
}

/* The worker process's body: never returns to the runner's code, never uses stdio. */
static int worker_main(void *arg)
{
    struct worker_arg *a = arg;
    struct sw_ctx *c = &a->ctx;
    struct sw_slot *slot = c->slot;
    char name[16];   /* "sw-compile" in ps and in the kernel's segfault lines */
    snprintf(name, sizeof name, "sw-%s", c->wl->name);
    prctl(PR_SET_NAME, name);
    sw_crashsig_install(slot);
    sw_budget_apply_worker_limits(c->mem_budget);
    atomic_store(&slot->pid, (int)getpid());
    atomic_store(&slot->state, SW_SLOT_RUNNING);
    sw_slot_publish(slot, 0, 0, 0, -1);
    struct sw_diag d = {0};
    if (a->w->place && (sw_cpuset_count(&a->w->place->cpus) > 0 || a->w->place->mem_node >= 0)) {
        if (sw_bind_place(a->w->place, &d) < 0) {
            char msg[SW_EV_TEXT];
            struct sw_fmt f;
            sw_fmt_init(&f, msg, sizeof msg);
            sw_fmt_str(&f, "running unpinned: ");
            sw_fmt_str(&f, d.msg);
            push_note(c, SW_SEV_WARN, msg);
        }
    }
    int rc = sw_workload_skipped(c) ? SW_WL_OK : c->wl->run(c);
    sw_slot_publish(slot, c->ops, c->bytes, c->errors, -1);
    atomic_store(&slot->state, SW_SLOT_DONE);
    return rc;
}

struct monitor_arg {
    struct sw_monitor_io io;
    const struct sw_monitor *m;
};

static int monitor_main(void *arg)
{
    struct monitor_arg *a = arg;
    /* Named so `ps` (and the tests) can tell monitors from workers: "sw-mon-kmsg". */
    char name[16];
    snprintf(name, sizeof name, "sw-mon-%s", a->m->name);
    prctl(PR_SET_NAME, name);
    atomic_store(&a->io.slot->pid, (int)getpid());
    atomic_store(&a->io.slot->state, SW_SLOT_RUNNING);
    sw_slot_publish(a->io.slot, 0, 0, 0, -1);
    int rc = a->m->run(&a->io, a->m->arg);
    atomic_store(&a->io.slot->state, SW_SLOT_DONE);
    return rc;
}

static void reset_slot(struct sw_slot *s)
{
    atomic_store(&s->seq, 0);
    atomic_store(&s->ops, 0);
    atomic_store(&s->bytes, 0);
    atomic_store(&s->errors, 0);
    atomic_store(&s->progress_ns, 0);
    atomic_store(&s->state, SW_SLOT_IDLE);
    atomic_store(&s->pid, 0);
    atomic_store(&s->cpu_now, -1);
    atomic_store(&s->fault_count, 0);
    atomic_store(&s->fault_signo, 0);
    atomic_store(&s->fault_code, 0);
    atomic_store(&s->fault_cpu, -1);
    atomic_store(&s->fault_addr, 0);
    atomic_store(&s->fault_ip, 0);
    atomic_store(&s->fault_sender, 0);
}

static int start_worker(struct runner *r, struct worker *w, uint64_t deadline_ns)
{
    const struct sw_job_workload *j = jw(r, w->phase, w->wi);
    const struct sw_worker_budget *wb = &r->budget.wb[w->phase][w->wi];
    struct worker_arg a;
    memset(&a, 0, sizeof a);
    a.r = r;
    a.w = w;
    struct sw_ctx *c = &a.ctx;
    c->wl = j->wl;
    c->workload_id = j->workload_id;
    c->worker = w->index;
    c->phase = w->phase;
    c->cpu_planned = w->place && sw_cpuset_count(&w->place->cpus) == 1 ? sw_cpuset_first(&w->place->cpus) : -1;
    c->node_planned = w->place ? w->place->mem_node : -1;
    if (w->place && w->place->cycle && w->cycle) {
        c->cycle_cpus = w->cycle;
        c->n_cycle_cpus = w->ncycle;
        uint64_t per = r->job->phases[w->phase].duration_ms / (uint64_t)(w->ncycle ? w->ncycle : 1);
        c->cycle_ms = (unsigned)(per < 200 ? 200 : per > 5000 ? 5000 : per);
        c->cpu_planned = -1;
    }
    c->params = j->params;
    c->seed = w->seed;
    c->mem_budget = wb->mem;
    c->proc_budget = wb->procs;
    c->threads = wb->threads;
    snprintf(c->tmpdir, sizeof c->tmpdir, "%s/w%d", r->tmp_root, w->index);
    if (mkdir(c->tmpdir, 0700) != 0 && errno != EEXIST) {
        record_text(r, SW_EV_RESOURCE, SW_SEV_WARN, w->index, "tmpdir", "cannot create %s: %s", c->tmpdir,
                    strerror(errno));
        return -errno;
    }
    sw_strlcpy(c->self_exe, r->self_exe, sizeof c->self_exe);
    c->inject = r->job->inject;
    c->deadline_ns = deadline_ns;
    c->slot = &r->arena.slots[w->index];
    c->ring = sw_arena_ring(&r->arena, (unsigned)w->index);
    c->stop = &r->arena.hdr->stop;
    reset_slot(c->slot);
    /* Workers keep none of the runner's fds: not the journal (its flock means "the run is alive"),
     * not the signalfd. */
    struct sw_spawn_req req = {worker_main, &a, NULL, 0, getpid()};
    struct sw_diag d;
    pid_t pid = sw_spawn(&req, &d);
    if (pid < 0) {
        record_text(r, SW_EV_RESOURCE, SW_SEV_WARN, w->index, "fork", "%s", d.msg);
        return (int)pid;
    }
    w->pid = pid;
    w->alive = w->group_live = true;
    w->reaped = false;
    w->stall_reported = false;
    w->started_ns = w->last_progress_ns = sw_now_mono_ns();
    w->exit_desc[0] = '\0';
    return 0;
}

static void start_monitors(struct runner *r)
{
    for (const struct sw_monitor *m = r->o->monitors; m && m->name && r->nmon < MAX_MONITORS; m++) {
        struct sw_diag d = {0};
        if (m->start_check && m->start_check(m->arg, &d) < 0) {
            record_text(r, SW_EV_NOTE, SW_SEV_WARN, -1, m->name, "monitor %s cannot run: %s", m->name, d.msg);
            sw_progress_message(&r->prog, "warning", d.msg);
            continue;
        }
        struct monitor *mo = &r->mon[r->nmon];
        mo->m = m;
        mo->slot = r->nworkers + r->nmon;
        struct monitor_arg a;
        a.m = m;
        a.io.ring = sw_arena_ring(&r->arena, (unsigned)mo->slot);
        a.io.slot = &r->arena.slots[mo->slot];
        a.io.stop = &r->arena.hdr->stop;
        a.io.run_start_real_ns = r->start_real;
        reset_slot(a.io.slot);
        struct sw_spawn_req req = {monitor_main, &a, NULL, 0, getpid()};
        pid_t pid = sw_spawn(&req, &d);
        if (pid < 0) {
            record_text(r, SW_EV_NOTE, SW_SEV_WARN, -1, m->name, "monitor %s: %s", m->name, d.msg);
            continue;
        }
        mo->pid = pid;
        mo->alive = mo->group_live = true;
        r->nmon++;
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* events from the rings                                                                           */

static void drain_ring(struct runner *r, unsigned slot, bool *want_sync)
{
    struct sw_ring *ring = sw_arena_ring(&r->arena, slot);
    size_t n;
    while ((n = sw_ring_drain(ring, r->drain_buf, RING_CAP)) > 0) {
        for (size_t i = 0; i < n; i++) {
            struct sw_event *ev = &r->drain_buf[i];
            if (ev->sev >= SW_SEV_ERROR)
                *want_sync = true;
            record(r, ev, false);
        }
    }
}

static void drain_all(struct runner *r)
{
    if (!r->arena_ok)
        return;
    bool sync = false;
    for (int i = 0; i < r->nworkers + r->nmon; i++)
        drain_ring(r, (unsigned)i, &sync);
    /* One fdatasync for the batch: every error drained here is durable before the loop goes on. */
    if (sync && r->priv->journal_open)
        fdatasync(r->priv->journal.fd);
    if (sync && r->priv->journal_open && r->priv->journal.mirror_fd >= 0)
        fdatasync(r->priv->journal.mirror_fd);
    notify(r, false, false);
}

/* ---------------------------------------------------------------------------------------------- */
/* reaping                                                                                         */

static bool is_fault_signal(int s)
{
    return s == SIGSEGV || s == SIGBUS || s == SIGILL || s == SIGFPE || s == SIGABRT || s == SIGTRAP || s == SIGSYS;
}

static void worker_exited(struct runner *r, struct worker *w, int status)
{
    w->alive = false;
    w->reaped = true;
    w->wstatus = status;
    struct sw_slot *s = &r->arena.slots[w->index];
    sw_slot_read(s, &w->final);
    const struct sw_job_workload *j = jw(r, w->phase, w->wi);
    const char *name = j->wl->name;
    char sb[32];
    /* Whatever it left behind in its group goes with it (the workload's contract is to reap its own
     * children; this is the backstop). */
    kill(-w->pid, SIGKILL);
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        snprintf(w->exit_desc, sizeof w->exit_desc, "signal %s", sw_signal_name(sig, sb, sizeof sb));
        bool ours = r->stop_stage >= 2 && (sig == SIGTERM || sig == SIGKILL);
        if (ours) {
            record_text(r, SW_EV_NOTE, SW_SEV_INFO, w->index, sb, "worker %d (%s) did not stop in time and got %s",
                        w->index, name, sb);
            return;
        }
        struct sw_event ev;
        event_base(&ev, SW_EV_WORKER_SIGNAL, is_fault_signal(sig) ? SW_SEV_ERROR : SW_SEV_WARN);
        ev.worker = (int16_t)w->index;
        ev.workload = (int16_t)j->workload_id;
        ev.phase = (uint16_t)w->phase;
        ev.pid = w->pid;
        ev.node = (int16_t)(w->place ? w->place->mem_node : -1);
        ev.u.fault.signo = sig;
        ev.cpu = (int16_t)w->final.cpu_now;
        bool have_fault = atomic_load(&s->fault_count) > 0 && atomic_load(&s->fault_signo) == sig;
        if (have_fault) {
            ev.u.fault.code = atomic_load(&s->fault_code);
            ev.u.fault.addr = atomic_load(&s->fault_addr);
            ev.u.fault.ip = atomic_load(&s->fault_ip);
            ev.cpu = (int16_t)atomic_load(&s->fault_cpu);
        }
        sw_strlcpy(ev.what, sb, sizeof ev.what);
        if (have_fault && ev.u.fault.code <= 0)
            snprintf(ev.text, sizeof ev.text, "worker %d (%s) pid %d killed by %s sent by pid %d (not a CPU fault)",
                     w->index, name, (int)w->pid, sb, atomic_load(&s->fault_sender));
        else if (have_fault)
            snprintf(ev.text, sizeof ev.text, "worker %d (%s) pid %d killed by %s at 0x%" PRIx64 " ip 0x%" PRIx64
                     " on CPU %d", w->index, name, (int)w->pid, sb, ev.u.fault.addr, ev.u.fault.ip, ev.cpu);
        else if (sig == SIGKILL)
            snprintf(ev.text, sizeof ev.text, "worker %d (%s) pid %d killed by SIGKILL from outside stresswsl "
                     "(the OOM killer or a user)", w->index, name, (int)w->pid);
        else
            snprintf(ev.text, sizeof ev.text, "worker %d (%s) pid %d killed by %s (last on CPU %d)", w->index, name,
                     (int)w->pid, sb, ev.cpu);
        record(r, &ev, true);
        return;
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    snprintf(w->exit_desc, sizeof w->exit_desc, code == 0 ? "ok" : "status %d", code);
    if (atomic_load(&s->fault_count) > 0) {
        /* The handler ran but re-executing the instruction did not fault again: transient. */
        struct sw_event ev;
        event_base(&ev, SW_EV_WORKER_SIGNAL, SW_SEV_ERROR);
        ev.worker = (int16_t)w->index;
        ev.workload = (int16_t)j->workload_id;
        ev.phase = (uint16_t)w->phase;
        ev.pid = w->pid;
        ev.u.fault.signo = atomic_load(&s->fault_signo);
        ev.u.fault.code = atomic_load(&s->fault_code);
        ev.u.fault.addr = atomic_load(&s->fault_addr);
        ev.u.fault.ip = atomic_load(&s->fault_ip);
        ev.cpu = (int16_t)atomic_load(&s->fault_cpu);
        sw_signal_name(ev.u.fault.signo, sb, sizeof sb);
        sw_strlcpy(ev.what, sb, sizeof ev.what);
        snprintf(ev.text, sizeof ev.text, "worker %d (%s) caught %s at 0x%" PRIx64 " on CPU %d that did not repeat: "
                 "a transient fault", w->index, name, sb, ev.u.fault.addr, ev.cpu);
        record(r, &ev, true);
    }
    if (code == SW_WL_OK)
        return;
    if (code == SW_WL_NORESOURCE)
        record_text(r, SW_EV_RESOURCE, SW_SEV_WARN, w->index, "noresource",
                    "worker %d (%s) could not get the memory or processes it needs and stopped", w->index, name);
    else if (code == SW_WL_HARNESS)
        record_text(r, SW_EV_WORKER_EXIT, SW_SEV_WARN, w->index, "harness",
                    "worker %d (%s) stopped on an internal error of the workload (status 4)", w->index, name);
    else {
        struct sw_event ev;
        event_base(&ev, SW_EV_WORKER_EXIT, SW_SEV_ERROR);
        ev.worker = (int16_t)w->index;
        ev.workload = (int16_t)j->workload_id;
        ev.phase = (uint16_t)w->phase;
        ev.pid = w->pid;
        ev.cpu = (int16_t)w->final.cpu_now;
        ev.u.fault.status = code;
        snprintf(ev.what, sizeof ev.what, "status %d", code);
        snprintf(ev.text, sizeof ev.text, "worker %d (%s) pid %d exited with unexpected status %d", w->index, name,
                 (int)w->pid, code);
        record(r, &ev, true);
    }
}

static struct worker *worker_by_pid(struct runner *r, pid_t pid)
{
    for (int i = 0; i < r->nworkers; i++)
        if (r->w[i].pid == pid && r->w[i].alive)
            return &r->w[i];
    return NULL;
}

static struct worker *worker_by_pgid(struct runner *r, pid_t pgid)
{
    for (int i = 0; i < r->nworkers; i++)
        if (r->w[i].pid == pgid && r->w[i].pid > 0)
            return &r->w[i];
    return NULL;
}

/* A descendant re-parented to us (we are the subreaper) died. A fault there is evidence too. */
static void orphan_exited(struct runner *r, pid_t pid, pid_t pgid, int status)
{
    if (!WIFSIGNALED(status) || !is_fault_signal(WTERMSIG(status)))
        return;
    struct worker *w = pgid > 0 ? worker_by_pgid(r, pgid) : NULL;
    char sb[32];
    sw_signal_name(WTERMSIG(status), sb, sizeof sb);
    struct sw_event ev;
    event_base(&ev, SW_EV_WORKER_SIGNAL, SW_SEV_ERROR);
    ev.pid = pid;
    ev.u.fault.signo = WTERMSIG(status);
    ev.phase = (uint16_t)(w ? w->phase : r->cur_phase);
    if (w) {
        ev.worker = (int16_t)w->index;
        ev.workload = (int16_t)jw(r, w->phase, w->wi)->workload_id;
    }
    sw_strlcpy(ev.what, sb, sizeof ev.what);
    snprintf(ev.text, sizeof ev.text, "a child process (pid %d) of worker %d, orphaned, was killed by %s", (int)pid,
             w ? w->index : -1, sb);
    record(r, &ev, true);
}

static void reap(struct runner *r)
{
    for (;;) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid == 0)
            return;
        pid_t pid = si.si_pid;
        pid_t pgid = getpgid(pid);   /* still answers for a zombie */
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) != pid)
            return;
        struct worker *w = worker_by_pid(r, pid);
        if (w) {
            worker_exited(r, w, status);
            continue;
        }
        bool mon = false;
        for (int i = 0; i < r->nmon; i++)
            if (r->mon[i].pid == pid && r->mon[i].alive) {
                mon = true;
                r->mon[i].alive = false;
                kill(-pid, SIGKILL);
                bool expected = atomic_load(&r->arena.hdr->stop) || r->stop_stage >= 1;
                if (!expected || (WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 130) ||
                    (WIFSIGNALED(status) && !(r->stop_stage >= 2)))
                    record_text(r, SW_EV_NOTE, SW_SEV_WARN, -1, r->mon[i].m->name,
                                "monitor %s ended early (%s %d): its evidence stops here", r->mon[i].m->name,
                                WIFSIGNALED(status) ? "signal" : "status",
                                WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
            }
        if (!mon)
            orphan_exited(r, pid, pgid, status);
    }
}


static void signal_groups(struct runner *r, int phase, bool monitors, int sig)
{
    for (int i = 0; i < r->nworkers; i++) {
        struct worker *w = &r->w[i];
        if (w->pid > 0 && w->group_live && (phase < 0 || w->phase == phase)) {
            if (sig != SIGCONT && r->paused)
                kill(-w->pid, SIGCONT);   /* a stopped group would not act on SIGTERM */
            if (kill(-w->pid, sig) != 0 && errno == ESRCH)
                w->group_live = false;
        }
    }
    for (int i = 0; monitors && i < r->nmon; i++)
        if (r->mon[i].pid > 0 && r->mon[i].group_live && kill(-r->mon[i].pid, sig) != 0 && errno == ESRCH)
            r->mon[i].group_live = false;
}

/* Any process whose parent is us (re-parented orphans that left their group) gets SIGKILL. */
static void kill_our_children(void)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    int pid;
    while (fscanf(f, "%d", &pid) == 1)
        if (pid > 0)
            kill(pid, SIGKILL);
    fclose(f);
}

static bool phase_done(struct runner *r, int phase, bool monitors)
{
    bool done = true;
    for (int i = 0; i < r->nworkers; i++) {
        struct worker *w = &r->w[i];
        if (w->pid <= 0 || (phase >= 0 && w->phase != phase))
            continue;
        if (w->alive) {
            done = false;
        } else if (w->group_live) {
            w->group_live = sw_group_live(w->pid);
            if (w->group_live)
                done = false;
        }
    }
    for (int i = 0; monitors && i < r->nmon; i++) {
        if (r->mon[i].alive) {
            done = false;
        } else if (r->mon[i].group_live) {
            r->mon[i].group_live = sw_group_live(r->mon[i].pid);
            if (r->mon[i].group_live)
                done = false;
        }
    }
    return done;
}

/* ---------------------------------------------------------------------------------------------- */
/* sampling, heartbeat, stall detection, progress                                                  */

static void series_push(struct series *s, uint64_t ops, uint64_t errors)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        uint64_t *a = realloc(s->ops, nc * sizeof *a);
        if (!a)
            return;
        s->ops = a;
        uint64_t *b = realloc(s->errors, nc * sizeof *b);
        if (!b)
            return;
        s->errors = b;
        s->cap = nc;
    }
    s->ops[s->n] = ops;
    s->errors[s->n] = errors;
    s->n++;
}

static void sample(struct runner *r, size_t run_lo, size_t run_hi, double interval_s)
{
    for (size_t k = run_lo; k < run_hi; k++) {
        struct wlrun *wr = &r->runs[k];
        uint64_t ops = 0, bytes = 0, errors = 0;
        for (int i = wr->first; i < wr->first + wr->n; i++) {
            struct sw_slot_snapshot ss;
            if (r->w[i].reaped)
                ss = r->w[i].final;
            else
                sw_slot_read(&r->arena.slots[i], &ss);
            ops += ss.ops;
            bytes += ss.bytes;
            errors += ss.errors;
        }
        uint64_t dops = ops >= wr->prev_ops ? ops - wr->prev_ops : 0;
        uint64_t derr = errors >= wr->prev_errors ? errors - wr->prev_errors : 0;
        series_push(&wr->s, dops, derr);
        wr->rate_now = interval_s > 0 ? (double)dops / interval_s : 0;
        wr->prev_ops = ops;
        wr->prev_errors = errors;
        wr->ops = ops;
        wr->bytes = bytes;
        wr->errors = errors;
    }
}

static void proc_state(pid_t pid, char *state, size_t scap, char *wchan, size_t wcap)
{
    char path[64], buf[1024];
    snprintf(state, scap, "?");
    snprintf(wchan, wcap, "?");
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "re");
    if (f) {
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        fclose(f);
        char *rp = strrchr(buf, ')');
        if (rp && rp[1] == ' ' && rp[2])
            snprintf(state, scap, "%c", rp[2]);
    }
    snprintf(path, sizeof path, "/proc/%d/wchan", (int)pid);
    f = fopen(path, "re");
    if (f) {
        size_t n = fread(buf, 1, 63, f);
        buf[n] = '\0';
        fclose(f);
        if (n)
            snprintf(wchan, wcap, "%s", buf);
    }
}

static void check_stalls(struct runner *r, int phase)
{
    if (r->paused)
        return;
    uint64_t now = sw_now_mono_ns();   /* after the slot reads below could see a newer stamp */
    for (int i = 0; i < r->nworkers; i++) {
        struct worker *w = &r->w[i];
        if (!w->alive || w->phase != phase)
            continue;
        struct sw_slot_snapshot ss;
        sw_slot_read(&r->arena.slots[i], &ss);
        if (ss.progress_ns > w->last_progress_ns) {
            w->last_progress_ns = ss.progress_ns;
            w->stall_reported = false;
        }
        if (!w->stall_reported && now > w->last_progress_ns && now - w->last_progress_ns > STALL_NS) {
            char st[8], wc[64];
            proc_state(w->pid, st, sizeof st, wc, sizeof wc);
            w->stall_reported = true;
            record_text(r, SW_EV_STALL, SW_SEV_WARN, i, wc,
                        "worker %d (%s) made no progress for %llu s: state %s, wchan %s", i,
                        jw(r, w->phase, w->wi)->wl->name, (unsigned long long)((now - w->last_progress_ns) / SEC), st,
                        wc);
        }
    }
}

static void heartbeat(struct runner *r, size_t run_lo, size_t run_hi)
{
    struct sw_event ev;
    event_base(&ev, SW_EV_NOTE, SW_SEV_INFO);
    ev.phase = (uint16_t)(r->cur_phase < 0 ? 0 : r->cur_phase);
    sw_strlcpy(ev.what, "heartbeat", sizeof ev.what);
    struct sw_fmt f;
    sw_fmt_init(&f, ev.text, sizeof ev.text);
    uint64_t ops = 0;
    for (size_t k = run_lo; k < run_hi; k++) {
        if (k > run_lo)
            sw_fmt_str(&f, ",");
        sw_fmt_str(&f, jw(r, r->runs[k].phase, r->runs[k].wi)->wl->name);
        ops += r->runs[k].ops;
    }
    ev.u.verify.want = ops;
    ev.u.verify.got = r->error_events;
    if (r->priv->journal_open)
        sw_journal_append(&r->priv->journal, SW_JREC_HEARTBEAT, &ev, sw_now_mono_ns(), true);
}

static void show_progress(struct runner *r, size_t run_lo, size_t run_hi, uint64_t now)
{
    struct sw_progress_wl pw[SW_PHASE_MAX_WORKLOADS];
    int n = 0;
    uint64_t errors = 0;
    for (size_t k = 0; k < r->nruns; k++)
        errors += r->runs[k].errors;
    for (size_t k = run_lo; k < run_hi && n < SW_PHASE_MAX_WORKLOADS; k++, n++) {
        const struct sw_workload *wl = jw(r, r->runs[k].phase, r->runs[k].wi)->wl;
        pw[n].name = wl->name;
        pw[n].unit = wl->unit;
        pw[n].rate = r->runs[k].rate_now;
    }
    struct sw_progress_cpu_err cpu_err[SW_PROGRESS_CPU_ROWS];
    struct sw_progress_status st = {
        .elapsed_ms = r->elapsed_ms_done + (now - r->phase_start_mono) / MS, .total_ms = r->planned_ms,
        .phase_elapsed_ms = (now - r->phase_start_mono) / MS, .phase_ms = r->job->phases[r->cur_phase].duration_ms,
        .trial = (unsigned)r->cur_trial + 1, .trials = r->job->trials, .phase = r->cur_phase + 1,
        .phases = r->job->nphases, .phase_name = r->job->phases[r->cur_phase].name, .idle = r->paused,
        .wl = pw, .nwl = n, .errors = errors > r->error_events ? errors : r->error_events, .cycle_cpu = -1,
        .cpu_err = cpu_err};
    st.ncpu_err = sw_progress_cpu_errors(r->ev, r->nev, cpu_err, SW_PROGRESS_CPU_ROWS, &st.more_cpus);
    for (int i = 0; i < r->nworkers && st.cycle_cpu < 0; i++) {
        if (r->w[i].cycle && r->w[i].alive && r->w[i].phase == r->cur_phase) {
            struct sw_slot_snapshot ss;
            sw_slot_read(&r->arena.slots[i], &ss);
            st.cycle_cpu = ss.cpu_now;
        }
    }
    sw_progress_update(&r->prog, now, &st);
}

/* ---------------------------------------------------------------------------------------------- */
/* signals and stopping                                                                            */

static void on_stop_signal(struct runner *r, int signo, uint64_t now)
{
    if (!r->interrupted) {
        r->interrupted = true;
        r->first_signal_ns = now;
        r->interrupt_signo = signo;
        atomic_store(&r->arena.hdr->stop, 1);
        if (r->stop_t0 == 0 || r->stop_stage == 0) {
            r->stop_t0 = now;
            r->stop_stage = 1;
        }
        char sb[32];
        record_text(r, SW_EV_NOTE, SW_SEV_INFO, -1, sw_signal_name(signo, sb, sizeof sb), "interrupted by %s: stopping", sb);
    } else if (now - r->first_signal_ns >= SIGNAL_SAME_NS) {
        /* A second Ctrl-C: no more patience. One sooner is the same request delivered twice (the
         * terminal's SIGINT also forwarded by timeout, sudo or make). */
        r->kill_now = true;
    }
}

static void read_signals(struct runner *r, uint64_t now)
{
    struct signalfd_siginfo si;
    while (read(r->priv->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
        int s = (int)si.ssi_signo;
        if (s == SIGINT || s == SIGTERM || s == SIGHUP)
            on_stop_signal(r, s, now);
    }
}

static uint64_t slot_beat(const struct runner *r, int i)
{
    struct sw_slot_snapshot ss;
    sw_slot_read(&r->arena.slots[i], &ss);
    return ss.progress_ns;
}

/* At a deadline (not on an interruption) a worker that still publishes (sw_progress) is verifying
 * what it held when the stop came, or waiting for its children's results: evidence like any other.
 * The cooperative stage restarts with each heartbeat, for STOP_FINISH_MAX_NS at most; a silent
 * worker is not waited for. */
static void wait_for_finishers(struct runner *r, int phase, uint64_t now)
{
    if (!r->arena_ok || r->interrupted || r->stop_stage != 1 || now >= r->stop_first + STOP_FINISH_MAX_NS)
        return;
    for (int i = 0; i < r->nworkers; i++) {
        struct worker *w = &r->w[i];
        if (!w->alive || (phase >= 0 && w->phase != phase))
            continue;
        uint64_t beat = slot_beat(r, i);
        if (beat != w->stop_beat) {
            w->stop_beat = beat;
            r->stop_t0 = now;
        }
    }
}

/* When a stage of the wind-down is due. At a deadline a worker may be blocked on a child whose result
 * it must still verify (a busy machine makes that slow): it gets more time than on Ctrl-C. */
static uint64_t stop_at(const struct runner *r, uint64_t stage_ns)
{
    if (r->interrupted)
        return r->stop_t0 + stage_ns;
    uint64_t due = r->stop_t0 + stage_ns + STOP_DEADLINE_EXTRA_NS, cap = r->stop_first + STOP_FINISH_MAX_NS;
    return due < cap + stage_ns - STOP_TERM_NS ? due : cap + stage_ns - STOP_TERM_NS;
}

/* Escalates a wind-down started at r->stop_t0; returns the next time something is due. */
static uint64_t escalate(struct runner *r, int phase, bool monitors, uint64_t now)
{
    wait_for_finishers(r, phase, now);
    if (r->kill_now && r->stop_stage < 3) {
        signal_groups(r, phase, true, SIGKILL);
        kill_our_children();
        r->stop_stage = 3;
    }
    if (r->stop_stage == 1 && now >= stop_at(r, STOP_TERM_NS)) {
        r->stop_stage = 2;
        signal_groups(r, phase, monitors, SIGTERM);
    }
    if (r->stop_stage == 2 && now >= stop_at(r, STOP_KILL_NS)) {
        r->stop_stage = 3;
        signal_groups(r, phase, monitors, SIGKILL);
        if (monitors)
            kill_our_children();
    }
    if (r->stop_stage == 1)
        return stop_at(r, STOP_TERM_NS);
    if (r->stop_stage == 2)
        return stop_at(r, STOP_KILL_NS);
    return now + TICK_MS * MS;
}

static int poll_ms(uint64_t now, uint64_t due)
{
    if (due <= now)
        return 0;
    uint64_t ms = (due - now + MS - 1) / MS;
    return ms > TICK_MS ? TICK_MS : (int)ms;
}

static void wait_signal_or(struct runner *r, uint64_t now, uint64_t due)
{
    struct pollfd pfd = {r->priv->sigfd, POLLIN, 0};
    poll(&pfd, 1, poll_ms(now, due));
    read_signals(r, sw_now_mono_ns());
}

static void report_unkillable(struct runner *r, int phase)
{
    for (int i = 0; i < r->nworkers; i++) {
        struct worker *w = &r->w[i];
        if (w->pid > 0 && (phase < 0 || w->phase == phase) && (w->alive || w->group_live)) {
            char st[8], wc[64];
            proc_state(w->pid, st, sizeof st, wc, sizeof wc);
            record_text(r, SW_EV_STALL, SW_SEV_WARN, i, wc,
                        "worker %d process group %d did not die from SIGKILL: state %s, wchan %s (left behind)", i,
                        (int)w->pid, st, wc);
            w->group_live = false;
            w->alive = false;
        }
    }
}

/* Stops what is still running of a phase (or everything, phase < 0) within the one-second budget, or
 * later at a deadline while workers still verify what they hold (wait_for_finishers). */
static void wind_down(struct runner *r, int phase, bool monitors)
{
    uint64_t now = sw_now_mono_ns();
    if (r->stop_stage == 0) {
        r->stop_t0 = r->stop_first = now;
        r->stop_stage = 1;
        for (int i = 0; i < r->nworkers && r->arena_ok; i++)
            r->w[i].stop_beat = slot_beat(r, i);   /* a heartbeat from before the stop is not finishing */
    }
    for (;;) {
        now = sw_now_mono_ns();
        reap(r);
        drain_all(r);
        if (phase_done(r, phase, monitors))
            break;
        if (now >= stop_at(r, STOP_GIVEUP_NS)) {
            report_unkillable(r, phase);
            break;
        }
        uint64_t due = escalate(r, phase, monitors, now);
        wait_signal_or(r, now, due);
    }
    r->stop_stage = 0;
    r->stop_t0 = 0;
    r->kill_now = false;
}

/* ---------------------------------------------------------------------------------------------- */
/* phases                                                                                          */

static size_t add_run(struct runner *r, int trial, int phase, int wi)
{
    if (r->nruns == r->runs_cap) {
        size_t nc = r->runs_cap ? r->runs_cap * 2 : 16;
        struct wlrun *a = realloc(r->runs, nc * sizeof *a);
        if (!a)
            return (size_t)-1;
        r->runs = a;
        r->runs_cap = nc;
    }
    struct wlrun *wr = &r->runs[r->nruns];
    memset(wr, 0, sizeof *wr);
    wr->trial = trial;
    wr->phase = phase;
    wr->wi = wi;
    wr->first = r->first_worker[phase][wi];
    wr->n = jw(r, phase, wi)->workers;
    return r->nruns++;
}

static void run_phase(struct runner *r, int trial, int p)
{
    struct sw_job_phase *ph = &r->job->phases[p];
    r->cur_phase = p;
    r->cur_trial = trial;
    atomic_store(&r->arena.hdr->phase, (unsigned)p);
    uint64_t t0 = sw_now_mono_ns();
    r->phase_start_mono = t0;
    uint64_t end = t0 + ph->duration_ms * MS;
    size_t lo = r->nruns;
    for (int i = 0; i < ph->n; i++)
        if (add_run(r, trial, p, i) == (size_t)-1)
            return;
    size_t hi = r->nruns;

    struct sw_event ev;
    event_base(&ev, SW_EV_PHASE, SW_SEV_INFO);
    ev.phase = (uint16_t)p;
    sw_strlcpy(ev.what, ph->name, sizeof ev.what);
    struct sw_fmt f;
    sw_fmt_init(&f, ev.text, sizeof ev.text);
    sw_fmt_str(&f, "phase ");
    sw_fmt_str(&f, ph->name);
    if (r->job->trials > 1) {
        sw_fmt_str(&f, " (trial ");
        sw_fmt_u64(&f, (uint64_t)trial + 1);
        sw_fmt_str(&f, ")");
    }
    sw_fmt_str(&f, ":");
    for (int i = 0; i < ph->n; i++) {
        sw_fmt_str(&f, " ");
        sw_fmt_str(&f, ph->wl[i].wl->name);
        sw_fmt_str(&f, " x");
        sw_fmt_u64(&f, (uint64_t)ph->wl[i].workers);
    }
    record(r, &ev, false);

    for (size_t k = lo; k < hi; k++)
        r->runs[k].t_start = t0;
    for (int i = 0; i < ph->n; i++)
        for (int k = 0; k < ph->wl[i].workers; k++) {
            struct worker *w = &r->w[r->first_worker[p][i] + k];
            if (r->interrupted)
                break;
            start_worker(r, w, end);
        }
    heartbeat(r, lo, hi);

    uint64_t next_sample = t0 + SEC;
    uint64_t last_sample = t0;
    bool duty = ph->duty_on_ms && ph->duty_off_ms;
    uint64_t duty_next = duty ? t0 + ph->duty_on_ms * MS : UINT64_MAX;
    r->paused = false;
    for (;;) {
        uint64_t now = sw_now_mono_ns();
        reap(r);
        drain_all(r);
        if (stop_for_error(r))
            atomic_store(&r->arena.hdr->stop, 1);   /* --stop-on-error: workers stop now, not at the deadline */
        if (r->interrupted || now >= end || stop_for_error(r))
            break;
        bool any_alive = false;
        for (size_t k = lo; k < hi && !any_alive; k++)
            for (int i = r->runs[k].first; i < r->runs[k].first + r->runs[k].n; i++)
                if (r->w[i].alive)
                    any_alive = true;
        if (!any_alive)
            break;   /* every worker ended early (crashed or out of resources) */
        if (now >= duty_next) {
            /* Bursts: pause and resume whole groups, so children pause too. */
            r->paused = !r->paused;
            signal_groups(r, p, false, r->paused ? SIGSTOP : SIGCONT);
            duty_next = now + (r->paused ? ph->duty_off_ms : ph->duty_on_ms) * MS;
            if (!r->paused)
                for (int i = 0; i < r->nworkers; i++)
                    r->w[i].last_progress_ns = now;   /* a pause is not a stall */
        }
        if (now >= next_sample) {
            sample(r, lo, hi, (double)(now - last_sample) / 1e9);
            last_sample = now;
            heartbeat(r, lo, hi);
            check_stalls(r, p);
            show_progress(r, lo, hi, now);
            notify(r, true, false);
            next_sample += SEC;
            if (next_sample <= now)
                next_sample = now + SEC;
        }
        uint64_t due = next_sample < end ? next_sample : end;
        if (duty_next < due)
            due = duty_next;
        wait_signal_or(r, now, due);
    }
    if (r->paused) {
        signal_groups(r, p, false, SIGCONT);
        r->paused = false;
    }
    /* Workers stop by themselves at the deadline (or the stop word); escalate for the rest. */
    wind_down(r, p, r->interrupted);
    uint64_t now = sw_now_mono_ns();
    sample(r, lo, hi, (double)(now - last_sample) / 1e9);
    for (size_t k = lo; k < hi; k++)
        r->runs[k].t_end = now;
    r->elapsed_ms_done += (now - t0) / MS;
}

/* ---------------------------------------------------------------------------------------------- */
/* the report                                                                                      */

static json_t *u64_array(const uint64_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_integer((json_int_t)v[i]));
    return a;
}

static json_t *workloads_json(struct runner *r)
{
    json_t *arr = json_array();
    for (size_t k = 0; k < r->nruns; k++) {
        const struct wlrun *wr = &r->runs[k];
        const struct sw_job_workload *j = jw(r, wr->phase, wr->wi);
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(j->wl->name));
        json_object_set_new(o, "unit", json_string(j->wl->unit ? j->wl->unit : "ops"));
        json_object_set_new(o, "phase", json_string(r->job->phases[wr->phase].name));
        json_object_set_new(o, "trial", json_integer(wr->trial + 1));
        json_object_set_new(o, "workers", json_integer(wr->n));
        json_object_set_new(o, "ops", json_integer((json_int_t)wr->ops));
        json_object_set_new(o, "bytes", json_integer((json_int_t)wr->bytes));
        json_object_set_new(o, "errors", json_integer((json_int_t)wr->errors));
        double dur = wr->t_end > wr->t_start ? (double)(wr->t_end - wr->t_start) / 1e9 : 0;
        json_object_set_new(o, "duration_s", json_real(dur));
        json_object_set_new(o, "rate_per_s", json_real(dur > 0 ? (double)wr->ops / dur : 0));
        json_t *s = json_object();
        json_object_set_new(s, "interval_s", json_integer(1));
        json_object_set_new(s, "ops", u64_array(wr->s.ops, wr->s.n));
        json_object_set_new(s, "errors", u64_array(wr->s.errors, wr->s.n));
        json_object_set_new(o, "series", s);
        json_t *res = json_array();
        for (int i = wr->first; i < wr->first + wr->n; i++) {
            const struct worker *w = &r->w[i];
            json_t *x = json_object();
            json_object_set_new(x, "worker", json_integer(i));
            json_object_set_new(x, "pid", json_integer(w->pid));
            json_object_set_new(x, "seed", json_integer((json_int_t)w->seed));
            json_object_set_new(x, "ops", json_integer((json_int_t)w->final.ops));
            json_object_set_new(x, "bytes", json_integer((json_int_t)w->final.bytes));
            json_object_set_new(x, "errors", json_integer((json_int_t)w->final.errors));
            json_object_set_new(x, "exit", json_string(w->pid <= 0 ? "not started" : w->exit_desc[0] ? w->exit_desc
                                                                                                   : "unknown"));
            json_object_set_new(x, "cpu_last", json_integer(w->final.cpu_now));
            json_object_set_new(x, "events_dropped", json_integer(w->final.ring_dropped));
            json_array_append_new(res, x);
        }
        json_object_set_new(o, "worker_results", res);
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *base_report(struct runner *r, const char *status)
{
    char tb[40];
    json_t *rep = json_object();
    json_object_set_new(rep, "schema_version", json_integer(1));
    json_t *tool = json_object();
    json_object_set_new(tool, "name", json_string("stresswsl"));
    json_object_set_new(tool, "version", json_string(SW_VERSION));
    json_object_set_new(rep, "tool", tool);
    json_t *run = json_object();
    json_object_set_new(run, "id", json_string(r->res->run_id));
    json_object_set_new(run, "profile", json_string(r->job->profile));
    json_object_set_new(run, "profile_source", json_string(r->job->profile_source));
    json_object_set_new(run, "command", r->o->command_line ? json_string(r->o->command_line) : json_null());
    json_object_set_new(run, "start", json_string(sw_time_iso8601_s(r->start_real, tb, sizeof tb)));
    json_object_set_new(run, "end", r->end_real ? json_string(sw_time_iso8601_s(r->end_real, tb, sizeof tb))
                                                : json_null());
    json_object_set_new(run, "duration_s",
                        json_real(r->end_mono > r->start_mono ? (double)(r->end_mono - r->start_mono) / 1e9 : 0));
    json_object_set_new(run, "planned_duration_s", json_real((double)r->planned_ms / 1000.0));
    json_object_set_new(run, "status", json_string(status));
    json_object_set_new(run, "exit_code", json_integer(r->res->exit_code));
    json_object_set_new(run, "seed", json_integer((json_int_t)r->job->seed));
    /* Faults injected on purpose (--inject, selftest): every writer marks the report synthetic. */
    json_t *inj = json_array();
    static const char *const fault[] = {"bitflip", "corrupt", "segv", "wrong"};
    for (unsigned b = 0; b < 4; b++)
        if (r->job->inject & (1u << b))
            json_array_append_new(inj, json_string(fault[b]));
    json_object_set_new(run, "synthetic", json_boolean(r->job->inject != 0));
    json_object_set_new(run, "injected", inj);
    json_object_set_new(run, "boot_id", json_string(r->boot_id));
    json_object_set_new(run, "run_dir", r->res->run_dir[0] ? json_string(r->res->run_dir) : json_null());
    json_object_set_new(run, "journal", r->journal_path[0] ? json_string(r->journal_path) : json_null());
    char sb[32];
    json_object_set_new(run, "interrupted_by", r->interrupt_signo ? json_string(sw_signal_name(r->interrupt_signo, sb,
                                                                                         sizeof sb))
                                                                  : json_null());
    json_object_set_new(rep, "run", run);
    json_object_set_new(rep, "plan", json_incref(r->plan_json));
    return rep;
}

static json_t *full_report(struct runner *r)
{
    json_t *rep = base_report(r, r->interrupted ? "interrupted" : "completed");
    json_object_set_new(rep, "workloads", workloads_json(r));
    json_t *evs = json_array();
    for (size_t i = 0; i < r->nev; i++)
        json_array_append_new(evs, sw_event_to_json(&r->ev[i], &r->names));
    json_object_set_new(rep, "events", evs);
    uint64_t dropped = r->events_dropped;
    for (int i = 0; i < r->nworkers + r->nmon; i++)
        dropped += atomic_load(&r->arena.slots[i].ring_dropped);
    json_object_set_new(rep, "events_dropped", json_integer((json_int_t)dropped));
    return rep;
}

/* ---------------------------------------------------------------------------------------------- */
/* setup and teardown                                                                              */

static int setup_signals(struct runner *r)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGCHLD);
    /* Under nohup SIGHUP is ignored on purpose: keep it that way. */
    struct sigaction cur;
    if (sigaction(SIGHUP, NULL, &cur) == 0 && cur.sa_handler != SIG_IGN)
        sigaddset(&set, SIGHUP);
    /* A shell starts background jobs with SIGINT ignored, and an ignored signal is discarded even
     * while blocked: `stresswsl ... &` then `kill -INT` must still stop the run. The default action
     * never fires here because the signals stay blocked and are read from the signalfd. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGINT, &dfl, NULL);
    sigaction(SIGTERM, &dfl, NULL);
    if (sigprocmask(SIG_BLOCK, &set, &r->priv->oldmask) != 0)
        return -errno;
    r->priv->mask_set = true;
    r->priv->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (r->priv->sigfd < 0)
        return -errno;
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &r->priv->old_pipe);
    /* Orphaned grandchildren (compile trees) come to us, not to init, so we can reap them. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    return 0;
}

static int open_journal(struct runner *r)
{
    struct sw_journal_hdr h;
    sw_journal_hdr_init(&h, SW_JOURNAL_DEFAULT_CAP);
    sw_strlcpy(h.f.run_id, r->res->run_id, sizeof h.f.run_id);
    sw_strlcpy(h.f.tool_version, SW_VERSION, sizeof h.f.tool_version);
    sw_strlcpy(h.f.boot_id, r->boot_id, sizeof h.f.boot_id);
    h.f.start_real_ns = r->start_real;
    h.f.runner_pid = (int32_t)getpid();
    sw_strlcpy(h.f.profile, r->job->profile, sizeof h.f.profile);
    sw_strlcpy(h.f.tmp_root, r->tmp_root, sizeof h.f.tmp_root);
    struct utsname u;
    uname(&u);
    snprintf(h.f.env, sizeof h.f.env, "kernel=%s machine=%s cpus=%d vm=%s", u.release, u.machine,
             r->budget.in.online_cpus, r->is_vm ? "yes" : "no");
    plan_summary(r, h.f.plan, sizeof h.f.plan);
    h.f.nphases = (uint32_t)r->job->nphases;
    for (int p = 0; p < r->job->nphases && p < SW_JOURNAL_MAX_PHASES; p++)
        sw_strlcpy(h.f.phase_names[p], r->job->phases[p].name, sizeof h.f.phase_names[p]);
    for (int i = 0; i < r->names.nwl && i < SW_JOURNAL_MAX_WL; i++) {
        h.f.wl[i].id = r->names.wl[i].id;
        sw_strlcpy(h.f.wl[i].name, r->names.wl[i].name, sizeof h.f.wl[i].name);
        h.f.nwl++;
    }
    snprintf(r->journal_path, sizeof r->journal_path, "%s/journal", r->res->run_dir);
    char mirror[700];
    const char *mp = NULL;
    if (r->o->mirror_dir) {
        snprintf(mirror, sizeof mirror, "%s/%s", r->o->mirror_dir, r->res->run_id);
        int rc = sw_mkdir_p(mirror, 0755);
        if (rc < 0)
            return sw_fail(r->d, rc, "cannot create the mirror directory %s: %s: check --mirror", mirror,
                           strerror(-rc));
        snprintf(mirror + strlen(mirror), sizeof mirror - strlen(mirror), "/journal");
        mp = mirror;
    }
    int rc = sw_journal_create(&r->priv->journal, r->journal_path, mp, &h, r->d);
    if (rc < 0)
        return rc;
    r->priv->journal_open = true;
    return 0;
}

static void free_runner(struct runner *r)
{
    for (int p = 0; p < SW_JOB_MAX_PHASES; p++)
        for (int i = 0; i < SW_PHASE_MAX_WORKLOADS; i++)
            sw_plan_free(&r->plans[p][i]);
    for (int i = 0; r->w && i < r->nworkers; i++)
        free(r->w[i].cycle);
    free(r->w);
    for (size_t k = 0; k < r->nruns; k++) {
        free(r->runs[k].s.ops);
        free(r->runs[k].s.errors);
    }
    free(r->runs);
    free(r->ev);
    if (r->arena_ok)
        sw_arena_destroy(&r->arena);
    json_decref(r->plan_json);
}

static void restore_signals(struct sw_runner_priv *pv)
{
    if (pv->sigfd >= 0) {
        /* Swallow what arrived while the reports were written, so unblocking does not kill us. */
        struct signalfd_siginfo si;
        while (read(pv->sigfd, &si, sizeof si) == (ssize_t)sizeof si)
            ;
        close(pv->sigfd);
        pv->sigfd = -1;
    }
    if (pv->mask_set) {
        sigprocmask(SIG_SETMASK, &pv->oldmask, NULL);
        sigaction(SIGPIPE, &pv->old_pipe, NULL);
        pv->mask_set = false;
    }
}

static int resolve_plan(struct runner *r)
{
    struct sw_job *job = r->job;
    if (job->nphases <= 0 || job->nphases > SW_JOB_MAX_PHASES)
        return sw_fail(r->d, -EINVAL, "the job has %d phases: a profile needs 1 to %d", job->nphases,
                       SW_JOB_MAX_PHASES);
    if (job->trials == 0)
        job->trials = 1;
    for (int p = 0; p < job->nphases; p++) {
        struct sw_job_phase *ph = &job->phases[p];
        if (ph->duration_ms == 0 && job->nphases == 1)
            ph->duration_ms = job->duration_ms / job->trials;
        if (ph->duration_ms == 0)
            return sw_fail(r->d, -EINVAL, "phase '%s' has no duration: give the run a --duration", ph->name);
        r->planned_ms += ph->duration_ms * job->trials;
        r->names.phase[p] = ph->name;
        for (int i = 0; i < ph->n && i < SW_PHASE_MAX_WORKLOADS; i++)
            if (ph->wl[i].wl)
                sw_ev_names_add_wl(&r->names, ph->wl[i].workload_id, ph->wl[i].wl->name);
    }
    r->names.nphases = job->nphases;

    if (r->o->topology_xml && !r->o->dry_run)
        return sw_fail(r->d, -EINVAL, "--topology plans for another machine and only works with --dry-run");
    struct sw_budget_inputs in;
    int rc = sw_budget_read(&in, NULL, r->d);
    if (rc < 0)
        return rc;
    hwloc_topology_t topo;
    rc = sw_topology_load(&topo, r->o->topology_xml, r->d);
    if (rc < 0)
        return rc;
    snprintf(r->topo_source, sizeof r->topo_source, "%s", r->o->topology_xml ? r->o->topology_xml : "live");
    if (r->o->topology_xml) {
        r->is_vm = false;   /* the hypervisor flag is this machine's, not the file's */
        /* Plan as if on that machine: its CPU count drives "auto" and the budget's thread shares. */
        int n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
        if (n > 0)
            in.online_cpus = n;
    }
    rc = auto_counts(r, topo);
    if (rc == 0)
        rc = sw_budget_resolve(&in, job, &r->budget, r->d);
    if (rc == 0)
        rc = place_all(r, topo);
    hwloc_topology_destroy(topo);
    if (rc < 0)
        return rc;
    r->names.is_vm = r->is_vm;
    const struct sw_plan *any = job->nphases > 0 ? &r->plans[0][0] : NULL;
    r->plan_json = plan_to_json(r, any);
    return 0;
}

static int prepare_workers(struct runner *r)
{
    r->w = calloc((size_t)(r->nworkers ? r->nworkers : 1), sizeof *r->w);
    if (!r->w)
        return sw_fail(r->d, -ENOMEM, "out of memory for %d workers", r->nworkers);
    for (int p = 0; p < r->job->nphases; p++)
        for (int i = 0; i < r->job->phases[p].n; i++)
            for (int k = 0; k < r->job->phases[p].wl[i].workers; k++) {
                int idx = r->first_worker[p][i] + k;
                struct worker *w = &r->w[idx];
                w->index = idx;
                w->phase = p;
                w->wi = i;
                w->place = &r->plans[p][i].place[k];
                w->seed = splitmix64(r->job->seed ^ splitmix64((uint64_t)idx + 1));
                if (w->place->cycle) {
                    int n = sw_cpuset_count(&w->place->cpus);
                    w->cycle = calloc((size_t)(n ? n : 1), sizeof *w->cycle);
                    if (w->cycle)
                        w->ncycle = sw_cpuset_list(&w->place->cpus, w->cycle, n);
                }
            }
    return 0;
}

int sw_runner_run(struct sw_job *job, const struct sw_run_opts *o, struct sw_run_result *res, struct sw_diag *d)
{
    memset(res, 0, sizeof *res);
    res->exit_code = SW_EXIT_INTERNAL;
    struct runner *r = calloc(1, sizeof *r);
    struct sw_runner_priv *pv = calloc(1, sizeof *pv);
    if (!r || !pv) {
        free(r);
        free(pv);
        return sw_fail(d, -ENOMEM, "out of memory");
    }
    pv->sigfd = -1;
    res->priv = pv;
    r->job = job;
    r->o = o;
    r->res = res;
    r->d = d;
    r->priv = pv;
    r->cur_phase = 0;
    r->is_vm = cpu_is_vm();
    r->start_real = sw_now_real_ns();
    r->start_mono = sw_now_mono_ns();
    sw_boot_id(r->boot_id, sizeof r->boot_id);
    sw_progress_init(&r->prog, o->progress, STDERR_FILENO);
    sw_progress_set_color(&r->prog, o->color);

    if (job->seed == 0) {   /* every run has a seed, recorded so it can be repeated */
        if (getrandom(&job->seed, sizeof job->seed, GRND_NONBLOCK) != (ssize_t)sizeof job->seed || !job->seed)
            job->seed = splitmix64(r->start_real ^ (uint64_t)getpid());
        job->seed &= 0x7fffffffffffffffull;   /* JSON integers are signed */
        if (!job->seed)
            job->seed = 1;
    }
    int rc = resolve_plan(r);
    if (rc < 0)
        goto out;
    for (int i = 0; i < r->budget.nnotes && !o->dry_run; i++)   /* a dry run prints them with the plan */
        sw_progress_message(&r->prog, "note", r->budget.notes[i]);

    if (o->dry_run) {
        res->exit_code = SW_EXIT_OK;
        res->report = base_report(r, "dry_run");
        goto out;
    }

    /* Where the run lives. */
    rc = sw_rundir_state_dir(o->state_dir, res->state_dir, sizeof res->state_dir, d);
    if (rc < 0)
        goto out;
    sw_rundir_new_id(res->run_id, sizeof res->run_id, r->start_real);
    rc = sw_rundir_create(res->state_dir, o->out_dir, res->run_id, res->run_dir, sizeof res->run_dir, d);
    if (rc < 0)
        goto out;
    if (o->out_dir) {
        /* A run outside <state>/runs is remembered so recovery can find its journal. */
        char abs[PATH_MAX];
        if (realpath(res->run_dir, abs))
            sw_recover_remember(res->state_dir, abs);
    }
    rc = sw_rundir_tmp_create(res->run_dir, res->run_id, r->tmp_root, sizeof r->tmp_root, d);
    if (rc < 0)
        goto out;
    rc = open_journal(r);
    if (rc < 0) {
        sw_rundir_remove_tree(r->tmp_root);
        rmdir(res->run_dir);   /* only if empty: a refused run leaves nothing behind */
        goto out;
    }
    ssize_t n = readlink("/proc/self/exe", r->self_exe, sizeof r->self_exe - 1);
    r->self_exe[n > 0 ? n : 0] = '\0';

    r->ev = calloc(MAX_EVENTS, sizeof *r->ev);
    rc = r->ev ? prepare_workers(r) : sw_fail(d, -ENOMEM, "out of memory for the event list");
    if (rc == 0) {
        int nmon = 0;
        for (const struct sw_monitor *m = o->monitors; m && m->name; m++)
            nmon++;
        if (nmon > MAX_MONITORS)
            nmon = MAX_MONITORS;
        unsigned slots = (unsigned)(r->nworkers + nmon);
        rc = sw_arena_create(&r->arena, slots, slots > 64 ? RING_CAP_SMALL : RING_CAP);
        if (rc < 0)
            sw_fail(d, rc, "cannot create the shared arena: %s", strerror(-rc));
        r->arena_ok = rc == 0;
    }
    if (rc == 0) {
        rc = setup_signals(r);
        if (rc < 0)
            sw_fail(d, rc, "cannot set up signal handling: %s", strerror(-rc));
    }
    if (rc < 0) {
        sw_journal_close(&pv->journal);
        pv->journal_open = false;
        sw_rundir_remove_tree(r->tmp_root);
        goto out;
    }

    start_monitors(r);
    for (unsigned t = 0; t < job->trials && !r->interrupted && !stop_for_error(r); t++)
        for (int p = 0; p < job->nphases && !r->interrupted && !stop_for_error(r); p++)
            run_phase(r, (int)t, p);
    if (stop_for_error(r))
        record_text(r, SW_EV_NOTE, SW_SEV_INFO, -1, "stop", "stopped at the first error (--stop-on-error)");
    /* Monitors last: a kernel report that follows a worker's death still gets in. */
    atomic_store(&r->arena.hdr->stop, 1);
    wind_down(r, -1, true);
    kill_our_children();
    for (int tries = 0; tries < 50; tries++) {   /* reap until ECHILD, bounded */
        reap(r);
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) != 0 && errno == ECHILD)
            break;
        usleep(10000);
    }
    drain_all(r);
    sw_progress_done(&r->prog);
    r->end_real = sw_now_real_ns();
    r->end_mono = sw_now_mono_ns();
    if (sw_rundir_remove_tree(r->tmp_root) < 0)
        record_text(r, SW_EV_NOTE, SW_SEV_WARN, -1, "tmp", "could not remove all of %s", r->tmp_root);
    notify(r, true, true);

    for (size_t k = 0; k < r->nruns; k++)
        res->errors += r->runs[k].errors;
    res->error_events = r->error_events;
    res->interrupted = r->interrupted;
    res->exit_code = (r->error_events || res->errors) ? SW_EXIT_UNSTABLE
                     : r->interrupted                 ? SW_EXIT_INTERRUPTED
                                                      : SW_EXIT_OK;
    res->report = full_report(r);
    rc = 0;
out:
    free_runner(r);
    free(r);
    return rc;
}

void sw_runner_finish(struct sw_run_result *res)
{
    struct sw_runner_priv *pv = res->priv;
    if (pv) {
        if (pv->journal_open)
            sw_journal_end(&pv->journal, sw_now_real_ns());
        pv->journal_open = false;
        restore_signals(pv);
        free(pv);
        res->priv = NULL;
    }
    json_decref(res->report);
    res->report = NULL;
}
