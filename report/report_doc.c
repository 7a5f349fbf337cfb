#include "report/report_doc.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "report/rfacts.h"
#include "report/writers.h"

#define ERRORS_SHOWN 30

const char *sw_doc_str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

#define str sw_doc_str

static void put(FILE *o, const char *s)
{
    fputs(s, o);
}

/* Writes fmt with its directives in the format's markup: %t text, %c code, %b bold text, %s as is
 * (markup the caller made), %d a long long. Everything else is literal. */
static void vsay(FILE *o, const struct sw_doc_fmt *m, const char *fmt, va_list ap)
{
    for (const char *f = fmt; *f; f++) {
        if (*f != '%' || !f[1]) {
            fputc(*f, o);
            continue;
        }
        switch (*++f) {
        case 't':
            m->text(o, va_arg(ap, const char *));
            break;
        case 'c':
            m->code(o, va_arg(ap, const char *));
            break;
        case 'b':
            put(o, m->b.open);
            m->text(o, va_arg(ap, const char *));
            put(o, m->b.close);
            break;
        case 's':
            put(o, va_arg(ap, const char *));
            break;
        case 'd':
            fprintf(o, "%lld", va_arg(ap, long long));
            break;
        default:
            fputc(*f, o);
        }
    }
}

static void say(FILE *o, const struct sw_doc_fmt *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(o, m, fmt, ap);
    va_end(ap);
}

/* The same as one paragraph. */
static void par(FILE *o, const struct sw_doc_fmt *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    put(o, m->p.open);
    vsay(o, m, fmt, ap);
    put(o, m->p.close);
    va_end(ap);
}

static void h2(FILE *o, const struct sw_doc_fmt *m, const char *title)
{
    put(o, m->h2.open);
    m->text(o, title);
    put(o, m->h2.close);
}

void sw_report_doc_event(FILE *o, const struct sw_doc_fmt *m, const json_t *e)
{
    say(o, m, "#%d %t %t", (long long)json_integer_value(json_object_get(e, "seq")), str(e, "time"), str(e, "type"));
    const json_t *k = json_object_get(e, "kernel");
    if (json_is_integer(json_object_get(k, "line")))
        say(o, m, " (log line %d)", (long long)json_integer_value(json_object_get(k, "line")));
    if (k)
        say(o, m, " %t%s%t", str(k, "kind"), *str(k, "also") ? "/" : "", str(k, "also"));
    if (*str(e, "workload"))
        say(o, m, " in %t", str(e, "workload"));
    const json_t *cpu = json_object_get(e, "cpu");
    if (json_is_integer(cpu) && json_integer_value(cpu) >= 0)
        say(o, m, " on CPU %d", (long long)json_integer_value(cpu));
    if (*str(e, "phase"))
        say(o, m, " (phase %t)", str(e, "phase"));
    if (*str(e, "text"))
        say(o, m, ": %t", str(e, "text"));
    const json_t *syms = json_object_get(k, "symbols"), *s;
    size_t i;
    json_array_foreach(syms, i, s) {
        if (i >= 4)
            break;
        put(o, i ? m->lt : " [");
        m->code(o, json_string_value(s));
        if (i + 1 == json_array_size(syms) || i == 3)
            put(o, "]");
    }
}

/* A list of events (by seq in pool), at most SW_EVIDENCE_SHOWN of them. */
static void evidence_list(FILE *o, const struct sw_doc_fmt *m, const struct sw_evidence_list *l)
{
    par(o, m, "%b", l->heading);
    put(o, m->ul.open);
    size_t i;
    const json_t *x;
    json_array_foreach(l->seqs, i, x) {
        put(o, m->li.open);
        if (i >= SW_EVIDENCE_SHOWN) {
            fprintf(o, "... and %zu more", json_array_size(l->seqs) - SW_EVIDENCE_SHOWN);
            put(o, m->li.close);
            break;
        }
        const json_t *e = sw_report_event_by_seq(l->pool, json_integer_value(x));
        if (e)
            sw_report_doc_event(o, m, e);
        else
            fprintf(o, "#%lld", (long long)json_integer_value(x));
        put(o, m->li.close);
    }
    put(o, m->ul.close);
}

static void facts(FILE *o, const struct sw_doc_fmt *m, const json_t *report, const json_t *names)
{
    const json_t *snap = sw_rfacts_snapshot(report), *x;
    size_t i;
    say(o, m, "%s%b", m->p.open, "Evidence (facts):");
    json_array_foreach(names, i, x) {
        char buf[256];
        const char *name = json_string_value(x);
        say(o, m, "%s%c = %t", i ? ", " : " ", name, sw_rfacts_text(sw_rfacts_value(snap, name), buf, sizeof buf));
        const char *src = str(sw_rfacts_fact(snap, name), "source");
        if (*src)   /* the log's own line, a probe or the host: say which */
            say(o, m, " (from %t)", src);
    }
    put(o, m->p.close);
}

static void string_list(FILE *o, const struct sw_doc_fmt *m, const char *label, const json_t *items)
{
    size_t i;
    const json_t *x;
    par(o, m, "%b", label);
    put(o, m->ul.open);
    json_array_foreach(items, i, x) {
        put(o, m->li.open);
        m->text(o, json_string_value(x));
        put(o, m->li.close);
    }
    put(o, m->ul.close);
}

static void finding(FILE *o, const struct sw_doc_fmt *m, const json_t *report, const json_t *f, int n)
{
    m->finding_open(o, f, n);
    say(o, m, "%sPoints to %t (%t), %t confidence (rule %c)%s", m->meta.open,
        *str(f, "lean") ? str(f, "lean") : "unknown", str(f, "class"), str(f, "confidence"), str(f, "rule"),
        m->meta.close);
    par(o, m, "%t", str(f, "summary"));
    par(o, m, "%b %t", "What to do:", str(f, "advice"));
    const json_t *ev = json_object_get(f, "evidence");
    if (json_array_size(json_object_get(ev, "facts")))
        facts(o, m, report, json_object_get(ev, "facts"));
    struct sw_evidence_list lists[2];
    int nl = sw_report_evidence_lists(report, f, lists);
    for (int l = 0; l < nl; l++) {
        char heading[96];
        snprintf(heading, sizeof heading, "Evidence (%s):", lists[l].heading);
        struct sw_evidence_list one = lists[l];
        one.heading = heading;
        evidence_list(o, m, &one);
    }
    if (json_array_size(json_object_get(f, "confounders")))
        string_list(o, m, "What weakens this:", json_object_get(f, "confounders"));
    const json_t *refs = json_object_get(f, "references"), *x;
    size_t i;
    if (json_array_size(refs)) {
        say(o, m, "%s%b", m->refs_open, "References:");
        json_array_foreach(refs, i, x) {
            put(o, i ? ", " : " ");
            m->ref(o, json_string_value(x));
        }
        put(o, m->p.close);
    }
    put(o, m->finding_close);
}

static void findings(FILE *o, const struct sw_doc_fmt *m, const json_t *report)
{
    const json_t *all = json_object_get(report, "findings"), *f;
    size_t i;
    int n = 0, info = 0;
    h2(o, m, "Findings");
    json_array_foreach(all, i, f) {
        if (json_is_true(json_object_get(f, "informational")))
            info++;
        else
            finding(o, m, report, f, ++n);
    }
    if (!n)
        par(o, m, "No rule matched a known cause.");
    if (!info)
        return;
    h2(o, m, "Ruled out");
    put(o, m->ul.open);
    json_array_foreach(all, i, f) {
        if (!json_is_true(json_object_get(f, "informational")))
            continue;
        say(o, m, "%s%b: %t%s", m->li.open, str(f, "title"), str(f, "summary"), m->li.close);
    }
    put(o, m->ul.close);
}

static void environment(FILE *o, const struct sw_doc_fmt *m, const json_t *report)
{
    h2(o, m, "Environment");
    put(o, m->kv.open);
    struct sw_env_row rows[40];
    int nr = sw_report_env_rows(report, rows, 24);
    nr += sw_report_run_rows(report, rows + nr, 40 - nr);
    for (int r = 0; r < nr; r++)
        m->kv_row(o, rows[r].label, rows[r].value);
    put(o, m->kv.close);
}

static void cell(FILE *o, const struct sw_doc_fmt *m, bool numeric, const char *text)
{
    put(o, numeric ? m->num_open : m->cell.open);
    m->text(o, text);
    put(o, m->cell.close);
}

static void what_ran(FILE *o, const struct sw_doc_fmt *m, const json_t *report)
{
    const json_t *run = json_object_get(report, "run");
    char d1[32], d2[32];
    h2(o, m, "What ran");
    say(o, m, "%sStatus %b", m->p.open, str(run, "status"));
    fprintf(o, " after %s of %s planned (exit code %lld, seed %lld).",
            sw_fmt_duration(sw_json_number(json_object_get(run, "duration_s")), d1, sizeof d1),
            sw_fmt_duration(sw_json_number(json_object_get(run, "planned_duration_s")), d2, sizeof d2),
            (long long)json_integer_value(json_object_get(run, "exit_code")),
            (long long)json_integer_value(json_object_get(run, "seed")));
    put(o, m->p.close);
    const json_t *plan = json_object_get(report, "plan");
    if (json_is_true(json_object_get(plan, "is_vm")) && *str(plan, "vm_note"))
        par(o, m, "Placement note: %t", str(plan, "vm_note"));
    static const char *const heads[] = {"Workload", "Phase", "Workers", "Operations", "Rate per second", "Errors"};
    m->grid_head(o, heads, 6, 2);
    size_t i;
    const json_t *w;
    json_array_foreach(json_object_get(report, "workloads"), i, w) {
        char num[96];
        put(o, m->row.open);
        cell(o, m, false, str(w, "name"));
        cell(o, m, false, str(w, "phase"));
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(json_object_get(w, "workers")));
        cell(o, m, true, num);
        snprintf(num, sizeof num, "%.0f %s", sw_json_number(json_object_get(w, "ops")), str(w, "unit"));
        cell(o, m, true, num);
        snprintf(num, sizeof num, "%.1f", sw_json_number(json_object_get(w, "rate_per_s")));
        cell(o, m, true, num);
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(json_object_get(w, "errors")));
        cell(o, m, true, num);
        put(o, m->row.close);
    }
    put(o, m->grid_close);
}

static void errors(FILE *o, const struct sw_doc_fmt *m, const json_t *report)
{
    int errs = 0;
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(report, "events"), i, e) {
        const char *sev = str(e, "severity");
        if (strcmp(sev, "error") && strcmp(sev, "fatal"))
            continue;
        if (!errs++) {
            h2(o, m, "Errors recorded");
            put(o, m->ul.open);
        }
        put(o, m->li.open);
        if (errs > ERRORS_SHOWN)
            put(o, "... more in report.json");
        else
            sw_report_doc_event(o, m, e);
        put(o, m->li.close);
        if (errs > ERRORS_SHOWN)
            break;
    }
    if (errs)
        put(o, m->ul.close);
    json_int_t dropped = json_integer_value(json_object_get(report, "events_dropped"));
    if (dropped > 0)
        par(o, m, "%d events were dropped (the event log is bounded).", (long long)dropped);
}

static void previous_run(FILE *o, const struct sw_doc_fmt *m, const json_t *prev)
{
    h2(o, m, "The previous run ended abruptly");
    par(o, m, "Run %c, started %t, last record %t in phase %c: %t.", str(prev, "id"), str(prev, "started"),
        str(prev, "last_record"), str(prev, "phase"), str(prev, "cause"));
    size_t i;
    const json_t *e;
    put(o, m->ul.open);
    json_array_foreach(json_object_get(prev, "last_events"), i, e) {
        put(o, m->li.open);
        sw_report_doc_event(o, m, e);
        put(o, m->li.close);
    }
    put(o, m->ul.close);
}

static void redaction(FILE *o, const struct sw_doc_fmt *m, const json_t *report)
{
    h2(o, m, "Redaction");
    const json_t *red = json_object_get(report, "redacted"), *x;
    size_t i;
    if (json_array_size(json_object_get(red, "items"))) {
        par(o, m, "Replaced consistently before sharing (the same value always gets the same placeholder):");
        put(o, m->ul.open);
        json_array_foreach(json_object_get(red, "items"), i, x) {
            say(o, m, "%s%t: %d value(s) replaced by %c%s", m->li.open, str(x, "what"),
                (long long)json_integer_value(json_object_get(x, "count")), str(x, "placeholder"), m->li.close);
        }
        put(o, m->ul.close);
        return;
    }
    if (red)
        par(o, m, "Redacted by %c: nothing to replace was found.", "stresswsl bundle");
    else
        par(o, m, "Nothing was redacted in this file: it can contain user names, host names and paths. Share it "
                  "through %c, which redacts them.", "stresswsl bundle");
}

int sw_report_doc_write(const json_t *report, FILE *o, const struct sw_doc_fmt *m, struct sw_diag *d)
{
    const json_t *run = json_object_get(report, "run");
    m->begin(o, report);
    par(o, m, "Run %c, profile %c, started %t.", str(run, "id"), str(run, "profile"), str(run, "start"));
    findings(o, m, report);
    environment(o, m, report);
    what_ran(o, m, report);
    if (m->after_what_ran)
        m->after_what_ran(o, report);
    errors(o, m, report);
    const json_t *prev = json_object_get(report, "previous_run");
    if (json_is_object(prev))
        previous_run(o, m, prev);
    h2(o, m, "Reproduce");
    char again[1200];
    m->pre(o, sw_report_reproduce(report, again, sizeof again));
    redaction(o, m, report);
    put(o, m->end);
    if (fflush(o) != 0 || ferror(o))
        return sw_fail(d, -EIO, "could not write %s: %s", m->file, strerror(errno));
    return 0;
}
