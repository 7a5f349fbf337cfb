/* The run record as report.json (docs/report-schema.md) minus the parts probes and the correlator add:
 * the run, the plan, each workload run with its series and worker results, and the events. */
#include "core/runner_state.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/event_json.h"

static json_t *u64_array(const uint64_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_integer((json_int_t)v[i]));
    return a;
}

static json_t *workloads_json(const struct runner *r)
{
    json_t *arr = json_array();
    for (size_t k = 0; k < r->nruns; k++) {
        const struct wlrun *wr = &r->runs[k];
        const struct sw_job_workload *j = runner_workload(r, wr->phase, wr->wi);
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

json_t *runner_base_report(const struct runner *r, const char *status)
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
    json_object_set_new(run, "planned_duration_s", json_real((double)r->plan.planned_ms / 1000.0));
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
    json_object_set_new(rep, "plan", json_incref(r->plan.json));
    return rep;
}

json_t *runner_full_report(const struct runner *r)
{
    json_t *rep = runner_base_report(r, r->stop.interrupted ? "interrupted" : "completed");
    json_object_set_new(rep, "workloads", workloads_json(r));
    json_t *evs = json_array();
    for (size_t i = 0; i < r->events.n; i++)
        json_array_append_new(evs, sw_event_to_json(&r->events.ev[i], &r->plan.names));
    json_object_set_new(rep, "events", evs);
    uint64_t dropped = r->events.dropped;
    for (int i = 0; i < r->nworkers + r->nmon; i++)
        dropped += atomic_load(&r->arena.slots[i].ring_dropped);
    json_object_set_new(rep, "events_dropped", json_integer((json_int_t)dropped));
    return rep;
}
