/* Forking the workers and monitors: what each child runs (never returning to the runner's code, no
 * stdio), its context, and the worker table built from the plan. */
#include "core/runner_state.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/bind.h"
#include "core/budget.h"
#include "core/crashsig.h"
#include "core/fmt.h"
#include "core/spawn.h"

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

int runner_start_worker(struct runner *r, struct worker *w, uint64_t deadline_ns)
{
    const struct sw_job_workload *j = runner_workload(r, w->phase, w->wi);
    const struct sw_worker_budget *wb = &r->plan.budget.wb[w->phase][w->wi];
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
        runner_record_text(r, SW_EV_RESOURCE, SW_SEV_WARN, w->index, "tmpdir", "cannot create %s: %s", c->tmpdir,
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
        runner_record_text(r, SW_EV_RESOURCE, SW_SEV_WARN, w->index, "fork", "%s", d.msg);
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

void runner_start_monitors(struct runner *r)
{
    for (const struct sw_monitor *m = r->o->monitors; m && m->name && r->nmon < MAX_MONITORS; m++) {
        struct sw_diag d = {0};
        if (m->start_check && m->start_check(m->arg, &d) < 0) {
            runner_record_text(r, SW_EV_NOTE, SW_SEV_WARN, -1, m->name, "monitor %s cannot run: %s", m->name, d.msg);
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
            runner_record_text(r, SW_EV_NOTE, SW_SEV_WARN, -1, m->name, "monitor %s: %s", m->name, d.msg);
            continue;
        }
        mo->pid = pid;
        mo->alive = mo->group_live = true;
        r->nmon++;
    }
}

int runner_prepare_workers(struct runner *r)
{
    r->w = calloc((size_t)(r->nworkers ? r->nworkers : 1), sizeof *r->w);
    if (!r->w)
        return sw_fail(r->d, -ENOMEM, "out of memory for %d workers", r->nworkers);
    for (int p = 0; p < r->job->nphases; p++)
        for (int i = 0; i < r->job->phases[p].n; i++)
            for (int k = 0; k < r->job->phases[p].wl[i].workers; k++) {
                int idx = r->plan.first_worker[p][i] + k;
                struct worker *w = &r->w[idx];
                w->index = idx;
                w->phase = p;
                w->wi = i;
                w->place = &r->plan.place[p][i].place[k];
                w->seed = sw_splitmix64(r->job->seed ^ sw_splitmix64((uint64_t)idx + 1));
                if (w->place->cycle) {
                    int n = sw_cpuset_count(&w->place->cpus);
                    w->cycle = calloc((size_t)(n ? n : 1), sizeof *w->cycle);
                    if (w->cycle)
                        w->ncycle = sw_cpuset_list(&w->place->cpus, w->cycle, n);
                }
            }
    return 0;
}
