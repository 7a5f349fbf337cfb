/* Once a second: the counters of each workload run (and their series), stall checks, the journal's
 * heartbeat, the progress line, and what the live outputs (--metrics, --events) are handed. */
#include "core/runner_state.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fmt.h"

/* Hands the live outputs (--metrics, --events) what they show: totals per workload run when
 * with_counts, else only the chance to write out the events recorded since the last call. */
void runner_notify(struct runner *r, bool with_counts, bool done)
{
    const struct sw_run_observer *o = r->o->observer;
    if (!o || !o->flush)
        return;
    struct sw_run_counts *c = with_counts && r->nruns ? calloc(r->nruns, sizeof *c) : NULL;
    for (size_t k = 0; c && k < r->nruns; k++) {
        const struct sw_workload *wl = runner_workload(r, r->runs[k].phase, r->runs[k].wi)->wl;
        c[k] = (struct sw_run_counts){wl->name, wl->unit ? wl->unit : "ops", r->runs[k].ops, r->runs[k].bytes,
                                      r->runs[k].errors};
    }
    struct sw_run_tick t = {r->res->run_id, done ? NULL : r->job->phases[r->cur_phase].name, r->start_real,
                            sw_now_real_ns(), c, c ? r->nruns : 0, &r->plan.names, done};
    o->flush(o->arg, &t);
    free(c);
}

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

void runner_sample(struct runner *r, size_t run_lo, size_t run_hi, double interval_s)
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

void runner_proc_state(pid_t pid, char *state, size_t scap, char *wchan, size_t wcap)
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

void runner_check_stalls(struct runner *r, int phase)
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
            runner_proc_state(w->pid, st, sizeof st, wc, sizeof wc);
            w->stall_reported = true;
            runner_record_text(r, SW_EV_STALL, SW_SEV_WARN, i, wc,
                               "worker %d (%s) made no progress for %llu s: state %s, wchan %s", i,
                               runner_workload(r, w->phase, w->wi)->wl->name,
                               (unsigned long long)((now - w->last_progress_ns) / SEC), st, wc);
        }
    }
}

void runner_heartbeat(struct runner *r, size_t run_lo, size_t run_hi)
{
    struct sw_event ev;
    runner_event_base(&ev, SW_EV_NOTE, SW_SEV_INFO);
    ev.phase = (uint16_t)(r->cur_phase < 0 ? 0 : r->cur_phase);
    sw_strlcpy(ev.what, "heartbeat", sizeof ev.what);
    struct sw_fmt f;
    sw_fmt_init(&f, ev.text, sizeof ev.text);
    uint64_t ops = 0;
    for (size_t k = run_lo; k < run_hi; k++) {
        if (k > run_lo)
            sw_fmt_str(&f, ",");
        sw_fmt_str(&f, runner_workload(r, r->runs[k].phase, r->runs[k].wi)->wl->name);
        ops += r->runs[k].ops;
    }
    ev.u.verify.want = ops;
    ev.u.verify.got = r->events.error_events;
    if (r->priv->journal_open)
        sw_journal_append(&r->priv->journal, SW_JREC_HEARTBEAT, &ev, sw_now_mono_ns(), true);
}

void runner_show_progress(struct runner *r, size_t run_lo, size_t run_hi, uint64_t now)
{
    struct sw_progress_wl pw[SW_PHASE_MAX_WORKLOADS];
    int n = 0;
    uint64_t errors = 0;
    for (size_t k = 0; k < r->nruns; k++)
        errors += r->runs[k].errors;
    for (size_t k = run_lo; k < run_hi && n < SW_PHASE_MAX_WORKLOADS; k++, n++) {
        const struct sw_workload *wl = runner_workload(r, r->runs[k].phase, r->runs[k].wi)->wl;
        pw[n].name = wl->name;
        pw[n].unit = wl->unit;
        pw[n].rate = r->runs[k].rate_now;
    }
    struct sw_progress_cpu_err cpu_err[SW_PROGRESS_CPU_ROWS];
    struct sw_progress_status st = {
        .elapsed_ms = r->elapsed_ms_done + (now - r->phase_start_mono) / MS, .total_ms = r->plan.planned_ms,
        .phase_elapsed_ms = (now - r->phase_start_mono) / MS, .phase_ms = r->job->phases[r->cur_phase].duration_ms,
        .trial = (unsigned)r->cur_trial + 1, .trials = r->job->trials, .phase = r->cur_phase + 1,
        .phases = r->job->nphases, .phase_name = r->job->phases[r->cur_phase].name, .idle = r->paused,
        .wl = pw, .nwl = n, .errors = errors > r->events.error_events ? errors : r->events.error_events,
        .cycle_cpu = -1, .cpu_err = cpu_err};
    st.ncpu_err = sw_progress_cpu_errors(r->events.ev, r->events.n, cpu_err, SW_PROGRESS_CPU_ROWS, &st.more_cpus);
    for (int i = 0; i < r->nworkers && st.cycle_cpu < 0; i++) {
        if (r->w[i].cycle && r->w[i].alive && r->w[i].phase == r->cur_phase) {
            struct sw_slot_snapshot ss;
            sw_slot_read(&r->arena.slots[i], &ss);
            st.cycle_cpu = ss.cpu_now;
        }
    }
    sw_progress_update(&r->prog, now, &st);
}

size_t runner_add_run(struct runner *r, int trial, int phase, int wi)
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
    wr->first = r->plan.first_worker[phase][wi];
    wr->n = runner_workload(r, phase, wi)->workers;
    return r->nruns++;
}
