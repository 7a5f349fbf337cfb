/* What a journal left by a dead run says, as JSON: report.json's "previous_run" object and the
 * "abrupt" report.json written into the dead run's own directory. Pure: no file is touched here. */
#include "core/recover_describe.h"

#include <stdio.h>
#include <string.h>

#include "core/event_json.h"
#include "core/recover.h"

static void names_from_hdr(const struct sw_journal_scan *s, struct sw_ev_names *n)
{
    memset(n, 0, sizeof *n);
    if (!s->hdr_ok)
        return;   /* a damaged header names nothing: events keep their indices only */
    const struct sw_journal_hdr_fields *h = &s->hdr.f;
    n->nphases = (int)h->nphases;
    for (int i = 0; i < n->nphases; i++)
        n->phase[i] = h->phase_names[i];
    for (uint32_t i = 0; i < h->nwl; i++)
        sw_ev_names_add_wl(n, h->wl[i].id, h->wl[i].name);
    n->is_vm = strstr(h->env, "vm=yes") != NULL;
}

static json_t *split_names(const char *text)
{
    json_t *a = json_array();
    char buf[SW_EV_TEXT + 1];
    snprintf(buf, sizeof buf, "%s", text);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (*t)
            json_array_append_new(a, json_string(t));
    return a;
}

/* A string from the file: JSON needs UTF-8, and a damaged file need not hold it. */
static json_t *file_str(const char *s)
{
    json_t *j = json_string(s);
    return j ? j : json_string("(not valid text)");
}

static json_t *time_or_null(uint64_t ns)
{
    char tb[40];
    return ns ? json_string(sw_time_iso8601(ns, tb, sizeof tb)) : json_null();
}

json_t *sw_recover_describe(const struct sw_journal_scan *s, const char *run_dir, const char *journal,
                            const char *fallback_id, const char *boot_now)
{
    struct sw_ev_names names;
    names_from_hdr(s, &names);
    const struct sw_journal_hdr_fields *h = &s->hdr.f;
    json_t *o = json_object();
    json_object_set_new(o, "id", s->hdr_ok ? file_str(h->run_id) : json_string(fallback_id));
    json_object_set_new(o, "run_dir", json_string(run_dir));
    json_object_set_new(o, "journal", json_string(journal));
    json_object_set_new(o, "profile", s->hdr_ok ? file_str(h->profile) : json_null());
    uint64_t start_ns = s->hdr_ok ? h->start_real_ns : 0;
    json_object_set_new(o, "started", time_or_null(start_ns));
    uint64_t last_ns = start_ns;
    int phase = -1;
    const char *running = NULL;
    unsigned heartbeats = 0, errors = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct sw_jrec *r = &s->recs[i];
        if (r->b.ev.t_ns > last_ns)
            last_ns = r->b.ev.t_ns;
        if (r->b.kind == SW_JREC_HEARTBEAT) {
            heartbeats++;
            phase = r->b.ev.phase;
            running = r->b.ev.text;
        } else if (r->b.kind == SW_JREC_EVENT) {
            if (r->b.ev.type == SW_EV_PHASE) {
                phase = r->b.ev.phase;
                running = NULL;
            }
            if (r->b.ev.sev >= SW_SEV_ERROR)
                errors++;
        }
    }
    json_object_set_new(o, "last_record", time_or_null(last_ns));
    json_object_set_new(o, "last_record_ns", json_integer((json_int_t)(last_ns & INT64_MAX)));
    json_object_set_new(o, "phase", phase >= 0 && phase < names.nphases ? file_str(names.phase[phase]) : json_null());
    json_t *wls;
    if (running) {
        wls = split_names(running);
    } else {
        wls = json_array();
        /* no heartbeat yet in that phase: the phase's workloads from the plan header */
        for (uint32_t i = 0; s->hdr_ok && i < h->nwl; i++)
            json_array_append_new(wls, file_str(h->wl[i].name));
    }
    json_object_set_new(o, "workloads", wls);
    bool boot_known = s->hdr_ok && h->boot_id[0];
    bool rebooted = boot_now && *boot_now && boot_known && strcmp(boot_now, h->boot_id) != 0;
    json_object_set_new(o, "rebooted", json_boolean(rebooted));
    json_object_set_new(o, "cause", json_string(!s->hdr_ok ? SW_RECOVER_CAUSE_UNKNOWN
                                                : rebooted  ? SW_RECOVER_CAUSE_REBOOT
                                                            : SW_RECOVER_CAUSE_KILLED));
    json_object_set_new(o, "boot_id", boot_known ? file_str(h->boot_id) : json_null());
    json_object_set_new(o, "damaged", json_boolean(s->damaged));
    json_object_set_new(o, "damage", s->damaged ? json_string(s->why) : json_null());
    json_object_set_new(o, "records_read", json_integer((json_int_t)s->n));
    json_object_set_new(o, "heartbeats", json_integer(heartbeats));
    json_object_set_new(o, "error_events", json_integer(errors));
    json_object_set_new(o, "torn_records", json_integer(s->torn));
    json_t *last = json_array();
    size_t want = SW_RECOVER_LAST_EVENTS, have = 0;
    size_t start = s->n;
    while (start > 0 && have < want) {
        start--;
        if (s->recs[start].b.kind == SW_JREC_EVENT)
            have++;
    }
    for (size_t i = start; i < s->n; i++)
        if (s->recs[i].b.kind == SW_JREC_EVENT)
            json_array_append_new(last, sw_event_to_json(&s->recs[i].b.ev, &names));
    json_object_set_new(o, "last_events", last);
    json_object_set_new(o, "host_evidence", json_array());
    return o;
}

json_t *sw_recover_abrupt_report(const struct sw_journal_scan *s, const json_t *prev, const char *run_dir)
{
    struct sw_ev_names names;
    names_from_hdr(s, &names);
    const struct sw_journal_hdr_fields *h = &s->hdr.f;
    char tb[40];
    json_t *r = json_object();
    json_object_set_new(r, "schema_version", json_integer(1));
    json_t *tool = json_object();
    json_object_set_new(tool, "name", json_string("stresswsl"));
    json_object_set_new(tool, "version", s->hdr_ok ? file_str(h->tool_version) : json_null());
    json_object_set_new(r, "tool", tool);
    json_t *run = json_object();
    json_object_set_new(run, "id", json_incref(json_object_get(prev, "id")));
    json_object_set_new(run, "profile", json_incref(json_object_get(prev, "profile")));
    json_object_set_new(run, "start", s->hdr_ok ? json_string(sw_time_iso8601_s(h->start_real_ns, tb, sizeof tb))
                                                : json_null());
    json_object_set_new(run, "end", json_incref(json_object_get(prev, "last_record")));
    uint64_t last = (uint64_t)json_integer_value(json_object_get(prev, "last_record_ns"));
    uint64_t start = s->hdr_ok ? h->start_real_ns : 0;
    json_object_set_new(run, "duration_s", json_real(start && last > start ? (double)(last - start) / 1e9 : 0.0));
    json_object_set_new(run, "status", json_string("abrupt"));
    unsigned errors = (unsigned)json_integer_value(json_object_get(prev, "error_events"));
    json_object_set_new(run, "exit_code", json_null());
    json_object_set_new(run, "boot_id", json_incref(json_object_get(prev, "boot_id")));
    json_object_set_new(run, "run_dir", json_string(run_dir));
    json_object_set_new(run, "cause", json_incref(json_object_get(prev, "cause")));
    json_object_set_new(run, "journal_damaged", json_boolean(s->damaged));
    json_object_set_new(run, "journal_damage", json_incref(json_object_get(prev, "damage")));
    json_object_set_new(r, "run", run);
    json_t *plan = json_object();
    json_object_set_new(plan, "summary", s->hdr_ok ? file_str(h->plan) : json_null());
    json_object_set_new(r, "plan", plan);
    json_object_set_new(r, "workloads", json_array());
    json_t *evs = json_array();
    for (size_t i = 0; i < s->n; i++)
        if (s->recs[i].b.kind == SW_JREC_EVENT)
            json_array_append_new(evs, sw_event_to_json(&s->recs[i].b.ev, &names));
    json_object_set_new(r, "events", evs);
    json_object_set_new(r, "events_dropped", json_integer(0));
    json_t *facts = json_object();
    json_object_set_new(facts, "before", json_null());
    json_object_set_new(facts, "after", json_null());
    json_object_set_new(r, "facts", facts);
    json_object_set_new(r, "previous_run", json_null());
    json_object_set_new(r, "findings", json_array());
    json_t *verdict = json_object();
    json_object_set_new(verdict, "status", json_string(errors ? "unstable" : "inconclusive"));
    json_object_set_new(verdict, "summary",
                        json_string(errors      ? "the run recorded errors before it ended abruptly"
                                    : s->damaged ? "the run ended abruptly and its journal is damaged"
                                                 : "the run ended abruptly before it completed"));
    json_object_set_new(r, "verdict", verdict);
    return r;
}

static const char *jstr(const json_t *o, const char *k, const char *dflt)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s && *s ? s : dflt;
}

void sw_recover_warning(const json_t *prev, char *buf, size_t cap)
{
    const char *phase = jstr(prev, "phase", "");
    if (json_is_true(json_object_get(prev, "damaged"))) {
        snprintf(buf, cap,
                 "the previous run ended abruptly and its journal is damaged (%s: %s); %lld record(s) could still "
                 "be read; see previous_run in this run's report",
                 jstr(prev, "journal", "?"), jstr(prev, "damage", "?"),
                 (long long)json_integer_value(json_object_get(prev, "records_read")));
        return;
    }
    snprintf(buf, cap, "the earlier run %s (started %s) ended abruptly at %s%s%s: %s; see previous_run in this run's report",
             jstr(prev, "id", "?"), jstr(prev, "started", "?"), jstr(prev, "last_record", "?"),
             phase[0] ? " in phase " : "", phase, jstr(prev, "cause", "?"));
}
