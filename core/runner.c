/* The runner, as the outline of a run: the plan first (core/run_plan.c), then the run directory and
 * journal, then one process per worker (plus the monitors) phase by phase, supervised from a
 * single-threaded poll loop on a signalfd with no asynchronous handlers in this process; then the
 * report. The parts are listed in core/runner_state.h. See core/runner.h for the contract and
 * docs/report-schema.md for what it produces. */
#include "core/runner_state.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/exitcode.h"
#include "core/fmt.h"
#include "core/recover.h"
#include "core/rundir.h"

void runner_event_base(struct sw_event *ev, enum sw_ev_type type, enum sw_sev sev)
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

void runner_record_text(struct runner *r, enum sw_ev_type type, enum sw_sev sev, int worker, const char *what,
                        const char *fmt, ...)
{
    struct sw_event ev;
    runner_event_base(&ev, type, sev);
    ev.phase = (uint16_t)(r->cur_phase < 0 ? 0 : r->cur_phase);
    if (worker >= 0) {
        const struct worker *w = &r->w[worker];
        ev.worker = (int16_t)worker;
        ev.workload = (int16_t)runner_workload(r, w->phase, w->wi)->workload_id;
        ev.pid = w->pid;
        ev.node = (int16_t)(w->place ? w->place->mem_node : -1);
        ev.phase = (uint16_t)w->phase;
    }
    sw_strlcpy(ev.what, what, sizeof ev.what);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev.text, sizeof ev.text, fmt, ap);
    va_end(ap);
    sw_event_store_record(&r->events, &ev, true);
}

void runner_drain_all(struct runner *r)
{
    if (!r->arena_ok)
        return;
    sw_event_store_drain(&r->events, &r->arena, (unsigned)(r->nworkers + r->nmon));
    runner_notify(r, false, false);
}

/* One phase of one trial: its workers started, sampled once a second, paused and resumed for duty
 * cycles, stopped at its deadline (or on a signal) and wound down. */
/* --stop-on-error: an error event ends the phase and the run (sw_run_opts.stop_on_error). */
static bool stop_for_error(const struct runner *r)
{
    return r->o->stop_on_error && r->events.error_events > 0;
}

static void run_phase(struct runner *r, int trial, int p)
{
    const struct sw_job_phase *ph = &r->job->phases[p];
    r->cur_phase = p;
    r->cur_trial = trial;
    atomic_store(&r->arena.hdr->phase, (unsigned)p);
    uint64_t t0 = sw_now_mono_ns();
    r->phase_start_mono = t0;
    uint64_t end = t0 + ph->duration_ms * MS;
    size_t lo = r->nruns;
    for (int i = 0; i < ph->n; i++)
        if (runner_add_run(r, trial, p, i) == (size_t)-1)
            return;
    size_t hi = r->nruns;

    struct sw_event ev;
    runner_event_base(&ev, SW_EV_PHASE, SW_SEV_INFO);
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
    sw_event_store_record(&r->events, &ev, false);

    for (size_t k = lo; k < hi; k++)
        r->runs[k].t_start = t0;
    for (int i = 0; i < ph->n; i++)
        for (int k = 0; k < ph->wl[i].workers; k++) {
            struct worker *w = &r->w[r->plan.first_worker[p][i] + k];
            if (r->stop.interrupted)
                break;
            runner_start_worker(r, w, end);
        }
    runner_heartbeat(r, lo, hi);

    uint64_t next_sample = t0 + SEC;
    uint64_t last_sample = t0;
    bool duty = ph->duty_on_ms && ph->duty_off_ms;
    uint64_t duty_next = duty ? t0 + ph->duty_on_ms * MS : UINT64_MAX;
    r->paused = false;
    for (;;) {
        uint64_t now = sw_now_mono_ns();
        runner_reap(r);
        runner_drain_all(r);
        if (stop_for_error(r))
            atomic_store(&r->arena.hdr->stop, 1);   /* --stop-on-error: workers stop now, not at the deadline */
        if (r->stop.interrupted || now >= end || stop_for_error(r))
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
            runner_signal_groups(r, p, false, r->paused ? SIGSTOP : SIGCONT);
            duty_next = now + (r->paused ? ph->duty_off_ms : ph->duty_on_ms) * MS;
            if (!r->paused)
                for (int i = 0; i < r->nworkers; i++)
                    r->w[i].last_progress_ns = now;   /* a pause is not a stall */
        }
        if (now >= next_sample) {
            runner_sample(r, lo, hi, (double)(now - last_sample) / 1e9);
            last_sample = now;
            runner_heartbeat(r, lo, hi);
            runner_check_stalls(r, p);
            runner_show_progress(r, lo, hi, now);
            runner_notify(r, true, false);
            next_sample += SEC;
            if (next_sample <= now)
                next_sample = now + SEC;
        }
        uint64_t due = next_sample < end ? next_sample : end;
        if (duty_next < due)
            due = duty_next;
        runner_wait_signal_or(r, now, due);
    }
    if (r->paused) {
        runner_signal_groups(r, p, false, SIGCONT);
        r->paused = false;
    }
    /* Workers stop by themselves at the deadline (or the stop word); escalate for the rest. */
    runner_wind_down(r, p, r->stop.interrupted);
    uint64_t now = sw_now_mono_ns();
    runner_sample(r, lo, hi, (double)(now - last_sample) / 1e9);
    for (size_t k = lo; k < hi; k++)
        r->runs[k].t_end = now;
    r->elapsed_ms_done += (now - t0) / MS;
}

void runner_free(struct runner *r)
{
    sw_run_plan_free(&r->plan);
    for (int i = 0; r->w && i < r->nworkers; i++)
        free(r->w[i].cycle);
    free(r->w);
    for (size_t k = 0; k < r->nruns; k++) {
        free(r->runs[k].s.ops);
        free(r->runs[k].s.errors);
    }
    free(r->runs);
    sw_event_store_free(&r->events);
    if (r->arena_ok)
        sw_arena_destroy(&r->arena);
}

/* The mirror's directory for this run (and, when own_journal, the journal in it): rmdir only removes
 * it empty, and a journal that may be another live run's is never unlinked. */
static void remove_mirror(const struct runner *r, bool own_journal)
{
    if (!r->o->mirror_dir)
        return;
    char m[700];
    snprintf(m, sizeof m, "%s/%s/journal", r->o->mirror_dir, r->res->run_id);
    if (own_journal)
        unlink(m);
    *strrchr(m, '/') = '\0';
    rmdir(m);
}

/* Where the run lives: its directory, its temp root and its journal. A refused run leaves nothing
 * behind. */
static int create_run_dir(struct runner *r)
{
    struct sw_run_result *res = r->res;
    int rc = sw_rundir_state_dir(r->o->state_dir, res->state_dir, sizeof res->state_dir, r->d);
    if (rc < 0)
        return rc;
    sw_rundir_new_id(res->run_id, sizeof res->run_id, r->start_real);
    rc = sw_rundir_create(res->state_dir, r->o->out_dir, res->run_id, res->run_dir, sizeof res->run_dir, r->d);
    if (rc < 0)
        return rc;
    rc = sw_rundir_tmp_create(res->run_dir, res->run_id, r->tmp_root, sizeof r->tmp_root, r->d);
    if (rc < 0) {
        rmdir(res->run_dir);   /* only if empty: a refused run leaves nothing behind */
        return rc;
    }
    rc = runner_open_journal(r);
    if (rc < 0) {
        sw_rundir_remove_tree(r->tmp_root);
        remove_mirror(r, false);
        rmdir(res->run_dir);
        return rc;
    }
    ssize_t n = readlink("/proc/self/exe", r->self_exe, sizeof r->self_exe - 1);
    r->self_exe[n > 0 ? n : 0] = '\0';
    return 0;
}

/* Everything the workers need before the first fork: the event list, the worker table, the shared
 * arena, the signal handling; then an --out run is remembered for recovery. On failure the run's
 * journal, temp root and directory are removed. */
static int prepare_execution(struct runner *r)
{
    int rc = sw_event_store_init(&r->events, MAX_EVENTS) == 0
                 ? runner_prepare_workers(r)
                 : sw_fail(r->d, -ENOMEM, "out of memory for the event list");
    if (rc == 0) {
        int nmon = 0;
        for (const struct sw_monitor *m = r->o->monitors; m && m->name; m++)
            nmon++;
        if (nmon > MAX_MONITORS)
            nmon = MAX_MONITORS;
        unsigned slots = (unsigned)(r->nworkers + nmon);
        rc = sw_arena_create(&r->arena, slots, slots > 64 ? RING_CAP_SMALL : RING_CAP);
        if (rc < 0)
            sw_fail(r->d, rc, "cannot create the shared arena: %s", strerror(-rc));
        r->arena_ok = rc == 0;
    }
    if (rc == 0) {
        rc = runner_setup_signals(r);
        if (rc < 0)
            sw_fail(r->d, rc, "cannot set up signal handling: %s", strerror(-rc));
    }
    if (rc < 0) {
        /* The run never started: its journal, never ended, would be reported as a crash next time. */
        sw_journal_close(&r->priv->journal);
        r->priv->journal_open = false;
        r->events.journal = NULL;
        sw_rundir_remove_tree(r->tmp_root);
        unlink(r->journal_path);
        remove_mirror(r, true);
        rmdir(r->res->run_dir);
        r->journal_path[0] = '\0';
        return rc;
    }
    if (r->o->out_dir) {
        /* A run outside <state>/runs is remembered so recovery can find its journal. */
        char abs[PATH_MAX];
        if (realpath(r->res->run_dir, abs))
            sw_recover_remember(r->res->state_dir, abs);
    }
    return rc;
}

/* The run itself: monitors, every phase of every trial, then the monitors' wind-down and every
 * descendant reaped. */
static void execute(struct runner *r)
{
    runner_start_monitors(r);
    for (unsigned t = 0; t < r->job->trials && !r->stop.interrupted && !stop_for_error(r); t++)
        for (int p = 0; p < r->job->nphases && !r->stop.interrupted && !stop_for_error(r); p++)
            run_phase(r, (int)t, p);
    if (stop_for_error(r))
        runner_record_text(r, SW_EV_NOTE, SW_SEV_INFO, -1, "stop", "stopped at the first error (--stop-on-error)");
    /* Monitors last: a kernel report that follows a worker's death still gets in. */
    atomic_store(&r->arena.hdr->stop, 1);
    runner_wind_down(r, -1, true);
    runner_kill_our_children();
    for (int tries = 0; tries < 50; tries++) {   /* reap until ECHILD, bounded */
        runner_reap(r);
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) != 0 && errno == ECHILD)
            break;
        usleep(10000);
    }
    runner_drain_all(r);
    sw_progress_done(&r->prog);
    r->end_real = sw_now_real_ns();
    r->end_mono = sw_now_mono_ns();
    if (sw_rundir_remove_tree(r->tmp_root) < 0)
        runner_record_text(r, SW_EV_NOTE, SW_SEV_WARN, -1, "tmp", "could not remove all of %s", r->tmp_root);
    runner_notify(r, true, true);
}

/* What the run found, for the caller: counts, the exit code, the report. */
static void conclude(struct runner *r)
{
    struct sw_run_result *res = r->res;
    for (size_t k = 0; k < r->nruns; k++)
        res->errors += r->runs[k].errors;
    res->error_events = r->events.error_events;
    res->interrupted = r->stop.interrupted;
    res->exit_code = (r->events.error_events || res->errors) ? SW_EXIT_UNSTABLE
                     : r->stop.interrupted                  ? SW_EXIT_INTERRUPTED
                                                            : SW_EXIT_OK;
    res->report = runner_full_report(r);
}

int sw_runner_run(const struct sw_job *job, const struct sw_run_opts *o, struct sw_run_result *res, struct sw_diag *d)
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
    r->job = &r->plan.job;
    r->o = o;
    r->res = res;
    r->d = d;
    r->priv = pv;
    if (o->observer && o->observer->event) {
        r->events.on_event = o->observer->event;
        r->events.on_event_arg = o->observer->arg;
    }
    r->cur_phase = 0;
    r->start_real = sw_now_real_ns();
    r->start_mono = sw_now_mono_ns();
    sw_boot_id(r->boot_id, sizeof r->boot_id);
    sw_progress_init(&r->prog, o->progress, STDERR_FILENO);
    sw_progress_set_color(&r->prog, o->color);

    int rc = sw_run_plan_build(&r->plan, job, o->topology_xml, o->dry_run, r->start_real, d);
    res->seed = r->plan.job.seed;
    if (rc == 0) {
        r->nworkers = r->plan.nworkers;
        for (int i = 0; i < r->plan.budget.nnotes && !o->dry_run; i++)   /* a dry run prints them with the plan */
            sw_progress_message(&r->prog, "note", r->plan.budget.notes[i]);
    }
    if (rc == 0 && o->dry_run) {
        res->exit_code = SW_EXIT_OK;
        res->report = runner_base_report(r, "dry_run");
    } else if (rc == 0 && (rc = create_run_dir(r)) == 0 && (rc = prepare_execution(r)) == 0) {
        execute(r);
        conclude(r);
    }
    runner_free(r);
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
        runner_restore_signals(pv);
        free(pv);
        res->priv = NULL;
    }
    json_decref(res->report);
    res->report = NULL;
}
