#include "report/fleet.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/fmt.h"
#include "report/correlate.h"
#include "report/outcome.h"
#include "report/rfacts.h"

enum { D_CPU, D_UCODE, D_BIOS, D_KERNEL, D_WSL, D_HV, NDIM };

static const struct {
    const char *id, *title;
} k_dims[NDIM] = {
    {"cpu", "CPU (model, signature)"}, {"microcode_firmware", "firmware microcode"}, {"bios", "BIOS version"},
    {"kernel", "kernel"},              {"wsl", "WSL version"},                       {"hypervisor", "hypervisor"},
};

/* One run, reduced to what the fleet answer needs. */
struct run {
    char machine[80], run_id[40], label[72], start[24], boot[40], path[200];
    char key[NDIM][88];
    char rule[64], rule_title[112];   /* a firmware-class finding the rules made: a known-bad cohort */
    char top[112];                    /* the top finding's title, else the verdict's summary         */
    unsigned error_events;            /* severity error or fatal                                  */
    unsigned own_errors;              /* of those, found by stresswsl's workloads (wrong results,
                                         crashed workers): evidence no other process can cause     */
    enum sw_outcome outcome;
};

struct sw_fleet {
    const json_t *rules;
    struct run *r;
    size_t n, cap;
    int dropped;      /* over SW_FLEET_MAX_RUNS */
};

/* Facts: only the ones the cohorts use, of both snapshots (sw_rfacts_snapshot prefers "before"). */
#define FACTS(when) "facts." when ".cpu.brand", "facts." when ".cpu.signature", "facts." when ".microcode.firmware", \
                    "facts." when ".firmware.bios_version", "facts." when ".kernel.release", \
                    "facts." when ".wsl.versions", "facts." when ".hypervisor.name", "facts." when ".hypervisor.environment"
const char *const sw_fleet_members[] = {"schema_version", "run", "events", "findings", "verdict", FACTS("before"),
                                        FACTS("after"), NULL};

struct sw_fleet *sw_fleet_new(const json_t *rules)
{
    struct sw_fleet *f = calloc(1, sizeof *f);
    if (f)
        f->rules = rules;
    return f;
}

void sw_fleet_free(struct sw_fleet *f)
{
    if (f)
        free(f->r);
    free(f);
}

int sw_fleet_runs(const struct sw_fleet *f)
{
    return (int)f->n;
}

static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void fact(const json_t *snap, const char *path, char *out, size_t cap)
{
    sw_rfacts_text(snap ? sw_rfacts_value(snap, path) : NULL, out, cap);
}

int sw_fleet_add(void *arg, const json_t *rep, const struct sw_fleet_source *src)
{
    struct sw_fleet *f = arg;
    if (f->n == SW_FLEET_MAX_RUNS) {
        f->dropped++;
        return 0;
    }
    if (f->n == f->cap) {
        size_t nc = f->cap ? f->cap * 2 : 256;
        struct run *p = realloc(f->r, nc * sizeof *p);
        if (!p)
            return -ENOMEM;
        f->r = p;
        f->cap = nc;
    }
    struct run *x = &f->r[f->n];
    memset(x, 0, sizeof *x);
    const json_t *run = json_object_get(rep, "run");
    const char *host = jstr(run, "hostname");
    /* A bundle's copy has its host name redacted to a placeholder: the bundle names the machine. */
    sw_strlcpy(x->machine, host[0] && !src->from_bundle ? host : src->machine ? src->machine : "unknown",
               sizeof x->machine);
    sw_strlcpy(x->run_id, jstr(run, "id"), sizeof x->run_id);
    sw_strlcpy(x->label, jstr(run, "label"), sizeof x->label);
    sw_strlcpy(x->start, jstr(run, "start"), sizeof x->start);
    sw_strlcpy(x->boot, jstr(run, "boot_id"), sizeof x->boot);
    sw_strlcpy(x->path, src->path, sizeof x->path);
    const json_t *snap = sw_rfacts_snapshot(rep);
    char brand[64], sig[24];
    fact(snap, "cpu.brand", brand, sizeof brand);
    fact(snap, "cpu.signature", sig, sizeof sig);
    snprintf(x->key[D_CPU], sizeof x->key[D_CPU], "%s (%s)", brand, sig);
    fact(snap, "microcode.firmware", x->key[D_UCODE], sizeof x->key[D_UCODE]);
    fact(snap, "firmware.bios_version", x->key[D_BIOS], sizeof x->key[D_BIOS]);
    fact(snap, "kernel.release", x->key[D_KERNEL], sizeof x->key[D_KERNEL]);
    fact(snap, "wsl.versions.wsl", x->key[D_WSL], sizeof x->key[D_WSL]);
    char hv[40], env[40];
    fact(snap, "hypervisor.name", hv, sizeof hv);
    fact(snap, "hypervisor.environment", env, sizeof env);
    snprintf(x->key[D_HV], sizeof x->key[D_HV], "%s (%s)", hv, env);
    /* A report written without the correlator (no findings: an old or abrupt run) is judged here. */
    json_t *judged = NULL;
    if (!json_is_array(json_object_get(rep, "findings")) && f->rules) {
        struct sw_diag d;
        judged = sw_correlate(rep, f->rules, NULL, &d);
    }
    const json_t *findings = judged ? json_object_get(judged, "findings") : json_object_get(rep, "findings");
    const json_t *verdict = judged ? json_object_get(judged, "verdict") : json_object_get(rep, "verdict");
    x->outcome = judged ? sw_run_outcome(judged, NULL) : sw_run_outcome(rep, f->rules);
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(rep, "events"), i, e) {
        const char *sev = jstr(e, "severity"), *type = jstr(e, "type");
        bool err = !strcmp(sev, "error") || !strcmp(sev, "fatal");
        x->error_events += err;
        x->own_errors += err && (!strcmp(type, "verify_error") || !strcmp(type, "mem_error") ||
                                 !strcmp(type, "worker_signal") || !strcmp(type, "worker_exit"));
    }
    json_array_foreach(findings, i, e) {
        if (json_is_true(json_object_get(e, "informational")))
            continue;
        if (!x->top[0])
            sw_strlcpy(x->top, jstr(e, "title"), sizeof x->top);
        if (!x->rule[0] && !strcmp(jstr(e, "class"), "firmware")) {
            sw_strlcpy(x->rule, jstr(e, "rule"), sizeof x->rule);
            sw_strlcpy(x->rule_title, jstr(e, "title"), sizeof x->rule_title);
        }
    }
    if (!x->top[0])
        sw_strlcpy(x->top, jstr(verdict, "summary"), sizeof x->top);
    json_decref(judged);
    f->n++;
    return 0;
}

/* ---- grouping ---- */

static int g_dim;          /* the sort keys for cmp_dim (qsort has no context argument) */
static bool g_by_label;

static int cmp_dim(const void *a, const void *b)
{
    const struct run *x = *(const struct run *const *)a, *y = *(const struct run *const *)b;
    int c = g_dim >= 0 ? strcmp(x->key[g_dim], y->key[g_dim]) : 0;
    if (!c && g_by_label)
        c = strcmp(x->label, y->label);
    return c ? c : strcmp(x->machine, y->machine);
}

static void sort_by(struct run **v, size_t n, int dim, bool by_label)
{
    g_dim = dim;
    g_by_label = by_label;
    qsort(v, n, sizeof *v, cmp_dim);
}

static bool same_group(const struct run *a, const struct run *b, int dim, bool by_label)
{
    return (dim < 0 || !strcmp(a->key[dim], b->key[dim])) && (!by_label || !strcmp(a->label, b->label));
}

/* A machine's outcome over a group of its runs: any failure makes it unstable, else any conclusive
 * run makes it stable. */
static enum sw_outcome unit_outcome(struct run *const *v, size_t lo, size_t hi)
{
    enum sw_outcome o = SW_OUT_INCONCLUSIVE;
    for (size_t i = lo; i < hi; i++) {
        if (v[i]->outcome == SW_OUT_UNSTABLE)
            return SW_OUT_UNSTABLE;
        if (v[i]->outcome == SW_OUT_STABLE)
            o = SW_OUT_STABLE;
    }
    return o;
}

static json_t *rate_json(const struct sw_rate *m, int runs, int runs_failed)
{
    return json_pack("{s:i,s:i,s:i,s:f,s:f,s:f,s:i,s:i}", "machines", m->units, "machines_failed", m->failed,
                     "machines_inconclusive", m->inconclusive, "rate", m->rate, "ci_low", m->ci_low, "ci_high",
                     m->ci_high, "runs", runs, "runs_failed", runs_failed);
}

typedef void (*emit_fn)(void *ctx, const struct run *first, const struct sw_rate *m, int runs, int failed);

/* Walks v (sorted by sort_by with the same dim and by_label) in groups of equal key (and label),
 * calling emit per group with its machine-level rate. */
static void groups(struct run **v, size_t n, int dim, bool by_label, emit_fn emit, void *ctx)
{
    for (size_t i = 0, j; i < n; i = j) {
        struct sw_rate m = {0};
        int runs = 0, failed = 0;
        for (j = i; j < n && same_group(v[j], v[i], dim, by_label);) {
            size_t k = j;
            for (; k < n && same_group(v[k], v[i], dim, by_label) && !strcmp(v[k]->machine, v[j]->machine); k++) {
                runs++;
                failed += v[k]->outcome == SW_OUT_UNSTABLE;
            }
            sw_rate_add(&m, unit_outcome(v, j, k));
            j = k;
        }
        sw_rate_finish(&m);
        emit(ctx, v[i], &m, runs, failed);
    }
}

static void emit_cohort(void *ctx, const struct run *first, const struct sw_rate *m, int runs, int failed)
{
    json_t *row = rate_json(m, runs, failed);
    json_object_set_new(row, "cohort", json_string(first->key[g_dim]));
    json_array_append_new(ctx, row);
}

static int cmp_rows(const void *a, const void *b)
{
    const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
    double rx = json_real_value(json_object_get(x, "ci_low")), ry = json_real_value(json_object_get(y, "ci_low"));
    if (rx != ry)
        return rx < ry ? 1 : -1;   /* the surest bad cohort first */
    return (int)(json_integer_value(json_object_get(y, "machines")) - json_integer_value(json_object_get(x, "machines")));
}

static json_t *sorted_rows(json_t *rows)
{
    size_t n = json_array_size(rows);
    json_t **v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; v && i < n; i++)
        v[i] = json_array_get(rows, i);
    if (v)
        qsort(v, n, sizeof *v, cmp_rows);
    json_t *out = json_array();
    for (size_t i = 0; v && i < n; i++)
        json_array_append(out, v[i]);
    free(v);
    json_decref(rows);
    return out;
}

static json_t *cohorts(struct run **v, size_t n)
{
    json_t *out = json_array();
    for (int d = 0; d < NDIM; d++) {
        sort_by(v, n, d, false);
        json_t *rows = json_array();
        groups(v, n, d, false, emit_cohort, rows);
        json_array_append_new(out, json_pack("{s:s,s:s,s:o}", "dimension", k_dims[d].id, "title", k_dims[d].title,
                                             "rows", sorted_rows(rows)));
    }
    return out;
}

/* ---- before/after per cohort ---- */

struct ba_ctx {
    json_t *rows;
    int dim;
};

static void emit_ba(void *arg, const struct run *first, const struct sw_rate *m, int runs, int failed)
{
    struct ba_ctx *c = arg;
    json_t *row = rate_json(m, runs, failed);
    json_object_set_new(row, "dimension", json_string(c->dim < 0 ? "all" : k_dims[c->dim].id));
    json_object_set_new(row, "cohort", json_string(c->dim < 0 ? "all machines" : first->key[c->dim]));
    json_object_set_new(row, "label", json_string(first->label));
    json_array_append_new(c->rows, row);
}

/* Labels in the order they were first used (earliest run start). */
static json_t *label_order(struct run **v, size_t n)
{
    sort_by(v, n, -1, true);
    json_t *labels = json_array(), *starts = json_array();
    for (size_t i = 0; i < n; i++) {
        if (!v[i]->label[0])
            continue;
        size_t k = json_array_size(labels);
        if (!k || strcmp(json_string_value(json_array_get(labels, k - 1)), v[i]->label)) {
            json_array_append_new(labels, json_string(v[i]->label));
            json_array_append_new(starts, json_string(v[i]->start));
        } else if (strcmp(v[i]->start, json_string_value(json_array_get(starts, k - 1))) < 0) {
            json_array_set_new(starts, k - 1, json_string(v[i]->start));
        }
    }
    /* Insertion sort by first start: few labels. */
    size_t k = json_array_size(labels);
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && strcmp(json_string_value(json_array_get(starts, j)),
                                           json_string_value(json_array_get(starts, j - 1))) < 0; j--) {
            json_t *a = json_incref(json_array_get(labels, j)), *b = json_incref(json_array_get(starts, j));
            json_array_set(labels, j, json_array_get(labels, j - 1));
            json_array_set(starts, j, json_array_get(starts, j - 1));
            json_array_set_new(labels, j - 1, a);
            json_array_set_new(starts, j - 1, b);
        }
    json_decref(starts);
    return labels;
}

static int label_rank(const json_t *labels, const char *l)
{
    size_t i;
    const json_t *x;
    json_array_foreach(labels, i, x) if (!strcmp(json_string_value(x), l)) return (int)i;
    return -1;
}

/* Rows of cohorts seen under two or more labels, in label order, each with the change from the
 * previous label's row: better / worse when the intervals do not overlap. */
static json_t *before_after(struct run **v, size_t n, json_t *labels)
{
    json_t *out = json_array();
    if (json_array_size(labels) < 2)
        return out;
    for (int d = -1; d < NDIM; d++) {
        if (d == D_UCODE || d == D_BIOS)
            continue;   /* what an update changes: a cohort of these lives under one label only */
        struct ba_ctx c = {json_array(), d};
        sort_by(v, n, d, true);
        groups(v, n, d, true, emit_ba, &c);
        size_t i = 0, m = json_array_size(c.rows);
        while (i < m) {
            const char *cohort = jstr(json_array_get(c.rows, i), "cohort");
            size_t j = i;
            while (j < m && !strcmp(jstr(json_array_get(c.rows, j), "cohort"), cohort))
                j++;
            /* This cohort's labelled rows, in label order. */
            json_t *sel[64];
            int ns = 0;
            for (int r = 0; r < (int)json_array_size(labels) && ns < 64; r++)
                for (size_t k = i; k < j; k++)
                    if (label_rank(labels, jstr(json_array_get(c.rows, k), "label")) == r)
                        sel[ns++] = json_array_get(c.rows, k);
            for (int s = 0; ns >= 2 && s < ns; s++) {
                const char *change = "first";
                if (s > 0) {
                    double plo = json_real_value(json_object_get(sel[s - 1], "ci_low"));
                    double phi = json_real_value(json_object_get(sel[s - 1], "ci_high"));
                    double lo = json_real_value(json_object_get(sel[s], "ci_low"));
                    double hi = json_real_value(json_object_get(sel[s], "ci_high"));
                    change = hi < plo ? "better" : lo > phi ? "worse" : "no clear change";
                }
                json_object_set_new(sel[s], "change", json_string(change));
                json_array_append(out, sel[s]);
            }
            i = j;
        }
        json_decref(c.rows);
    }
    return out;
}

/* ---- known-bad cohorts, machines first, failed runs ---- */

static int cmp_rule(const void *a, const void *b)
{
    const struct run *x = *(const struct run *const *)a, *y = *(const struct run *const *)b;
    int c = strcmp(x->rule, y->rule);
    for (int d = D_CPU; !c && d <= D_UCODE; d++)
        c = strcmp(x->key[d], y->key[d]);
    return c ? c : strcmp(x->machine, y->machine);
}

/* Adds v to a ", "-joined list of distinct values (cut at cap). */
static void add_distinct(char *list, size_t cap, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = list; *p;) {
        const char *e = strstr(p, ", ");
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !strncmp(p, v, n))
            return;
        p = e ? e + 2 : p + len;
    }
    size_t len = strlen(list);
    snprintf(list + len, cap - len, "%s%s", len ? ", " : "", v);
}

/* Runs the rules flag with a firmware finding, by rule, CPU and firmware microcode. */
static json_t *known_bad(struct run **v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_rule);
    json_t *out = json_array();
    for (size_t i = 0, j; i < n; i = j) {
        struct sw_rate m = {0};
        int runs = 0, failed = 0;
        char bios[200] = "";
        for (j = i; j < n && !strcmp(v[j]->rule, v[i]->rule) && !strcmp(v[j]->key[D_CPU], v[i]->key[D_CPU]) &&
                    !strcmp(v[j]->key[D_UCODE], v[i]->key[D_UCODE]);) {
            size_t k = j;
            for (; k < n && !cmp_rule(&v[k], &v[j]); k++) {
                runs++;
                failed += v[k]->outcome == SW_OUT_UNSTABLE;
                add_distinct(bios, sizeof bios, v[k]->key[D_BIOS]);
            }
            sw_rate_add(&m, unit_outcome(v, j, k));
            j = k;
        }
        if (!v[i]->rule[0])
            continue;
        sw_rate_finish(&m);
        json_t *row = rate_json(&m, runs, failed);
        json_object_set_new(row, "rule", json_string(v[i]->rule));
        json_object_set_new(row, "title", json_string(v[i]->rule_title));
        json_object_set_new(row, "cpu", json_string(v[i]->key[D_CPU]));
        json_object_set_new(row, "microcode_firmware", json_string(v[i]->key[D_UCODE]));
        json_object_set_new(row, "bios", json_string(bios));
        json_array_append_new(out, row);
    }
    return sorted_rows(out);
}

struct machine {
    const struct run *last;        /* its latest run                        */
    const char *rule, *finding;    /* a known-bad rule / a failing run's top finding */
    int runs, failed;
    unsigned error_events, own_errors;
};

static int cmp_machine_rank(const void *a, const void *b)
{
    const struct machine *x = a, *y = b;
    if (x->failed != y->failed)
        return y->failed - x->failed;
    if (x->own_errors != y->own_errors)
        return x->own_errors < y->own_errors ? 1 : -1;
    if (x->error_events != y->error_events)
        return x->error_events < y->error_events ? 1 : -1;
    if ((x->rule != NULL) != (y->rule != NULL))
        return y->rule ? 1 : -1;
    return strcmp(x->last->machine, y->last->machine);
}

static int cmp_machine_start(const void *a, const void *b)
{
    const struct run *x = *(const struct run *const *)a, *y = *(const struct run *const *)b;
    int c = strcmp(x->machine, y->machine);
    return c ? c : strcmp(x->start, y->start);
}

/* Machines with failures or a known-bad flag, worst first (at most max); also counts machines. */
static json_t *look_first(struct run **v, size_t n, int max, int *machines, int *unstable)
{
    qsort(v, n, sizeof *v, cmp_machine_start);
    struct machine *ms = calloc(n ? n : 1, sizeof *ms);
    size_t nm = 0;
    for (size_t i = 0; ms && i < n; i++) {
        if (!nm || strcmp(ms[nm - 1].last->machine, v[i]->machine))
            ms[nm++] = (struct machine){.last = v[i]};
        struct machine *m = &ms[nm - 1];
        m->last = v[i];
        m->runs++;
        m->error_events += v[i]->error_events;
        m->own_errors += v[i]->own_errors;
        if (v[i]->outcome == SW_OUT_UNSTABLE) {
            m->failed++;
            m->finding = v[i]->top;
        }
        if (v[i]->rule[0])
            m->rule = v[i]->rule_title;
    }
    *machines = (int)nm;
    *unstable = 0;
    for (size_t i = 0; i < nm; i++)
        *unstable += ms[i].failed > 0;
    if (ms)
        qsort(ms, nm, sizeof *ms, cmp_machine_rank);
    json_t *out = json_array();
    for (size_t i = 0; ms && i < nm && (int)json_array_size(out) < max; i++) {
        const struct machine *m = &ms[i];
        if (!m->failed && !m->rule)
            continue;
        char why[400];
        bool both = m->failed && m->rule && strcmp(m->finding, m->rule);
        snprintf(why, sizeof why, "%s%s%s", m->failed ? m->finding : "", both ? "; " : "",
                 m->rule && (both || !m->failed) ? m->rule : "");
        json_array_append_new(out, json_pack("{s:s,s:i,s:i,s:i,s:i,s:s,s:s,s:s,s:s}", "machine", m->last->machine, "runs",
                                             m->runs, "runs_failed", m->failed, "error_events", (int)m->error_events,
                                             "workload_errors", (int)m->own_errors,
                                             "why", why, "cpu", m->last->key[D_CPU], "last_run", m->last->run_id,
                                             "path", m->last->path));
    }
    free(ms);
    return out;
}

/* Failed runs, the surest first: errors stresswsl's own workloads found, then all error events. */
static int cmp_failed(const void *a, const void *b)
{
    const struct run *x = *(const struct run *const *)a, *y = *(const struct run *const *)b;
    if (x->own_errors != y->own_errors)
        return x->own_errors < y->own_errors ? 1 : -1;
    if (x->error_events != y->error_events)
        return x->error_events < y->error_events ? 1 : -1;
    return cmp_machine_start(a, b);
}

static json_t *failed_runs(struct run **v, size_t n, int max, int *total)
{
    qsort(v, n, sizeof *v, cmp_failed);
    json_t *out = json_array();
    *total = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i]->outcome != SW_OUT_UNSTABLE)
            continue;
        if ((*total)++ < max)
            json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:s,s:s}", "machine", v[i]->machine,
                                                 "run_id", v[i]->run_id, "label", v[i]->label, "start", v[i]->start,
                                                 "error_events", (int)v[i]->error_events, "workload_errors",
                                                 (int)v[i]->own_errors, "finding", v[i]->top, "path", v[i]->path));
    }
    return out;
}

static int cmp_identity(const void *a, const void *b)
{
    const struct run *x = *(const struct run *const *)a, *y = *(const struct run *const *)b;
    int c = strcmp(x->run_id, y->run_id);
    if (!c)
        c = strcmp(x->start, y->start);
    return c ? c : strcmp(x->boot, y->boot);
}

/* A boot id as the kernel writes it (36 characters, 8-4-4-4-12); a bundle replaces it by a placeholder. */
static bool real_uuid(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++)
        if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
            return false;
    return true;
}

/* Run ids carry the start second and 16 random bits: machines started together by Ansible may share
 * one; the boot id (random per boot) tells them apart, unless a bundle redacted it. */
static bool same_run(const struct run *x, const struct run *y)
{
    return !strcmp(x->run_id, y->run_id) && !strcmp(x->start, y->start) &&
           (!strcmp(x->boot, y->boot) || !real_uuid(x->boot) || !real_uuid(y->boot));
}

json_t *sw_fleet_result(struct sw_fleet *f, const struct sw_fleet_load_stats *st)
{
    size_t n = 0;
    struct run **v = malloc((f->n ? f->n : 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < f->n; i++)
        v[i] = &f->r[i];
    /* The same run reached twice (a run directory and its bundle, a path given twice) counts once. */
    qsort(v, f->n, sizeof *v, cmp_identity);
    int duplicates = 0;
    for (size_t i = 0, group = 0; i < f->n; i++) {
        if (!n || strcmp(v[n - 1]->run_id, v[i]->run_id) || strcmp(v[n - 1]->start, v[i]->start))
            group = n;   /* the kept runs with this id and start begin here */
        bool dup = false;
        for (size_t k = group; k < n && !dup; k++)
            dup = v[i]->run_id[0] && same_run(v[k], v[i]);
        if (dup)
            duplicates++;
        else
            v[n++] = v[i];
    }
    int runs_unstable = 0, runs_inconclusive = 0, machines = 0, unstable = 0, nfailed = 0;
    for (size_t i = 0; i < n; i++) {
        runs_unstable += v[i]->outcome == SW_OUT_UNSTABLE;
        runs_inconclusive += v[i]->outcome == SW_OUT_INCONCLUSIVE;
    }
    json_t *coh = cohorts(v, n);
    json_t *labels = label_order(v, n);
    json_t *ba = before_after(v, n, labels);
    json_t *bad = known_bad(v, n);
    json_t *first = look_first(v, n, 20, &machines, &unstable);
    json_t *fr = failed_runs(v, n, 100, &nfailed);
    free(v);
    char summary[600];
    snprintf(summary, sizeof summary,
             "%d of %d machine%s found instability (%d of %zu runs failed, %d inconclusive)%s%s.", unstable, machines,
             machines == 1 ? "" : "s", runs_unstable, n, runs_inconclusive,
             json_array_size(bad) ? "; the rules flag " : "",
             json_array_size(bad) ? (json_array_size(bad) == 1 ? "1 known-bad cohort" : "known-bad cohorts") : "");
    json_t *skips = json_array();
    for (int i = 0; st && i < st->skipped && i < 5; i++)
        json_array_append_new(skips, json_string(st->skips[i]));
    json_t *fleet = json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:o}", "reports", (int)n, "duplicates", duplicates,
                              "machines", machines,
                              "machines_unstable", unstable, "runs_unstable", runs_unstable, "runs_inconclusive",
                              runs_inconclusive, "skipped", (st ? st->skipped : 0) + f->dropped, "over_limit",
                              f->dropped, "skips", skips);
    return json_pack("{s:i,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:i}", "schema_version", 1, "summary", summary, "fleet",
                     fleet, "cohorts", coh, "labels", labels, "before_after", ba, "known_bad", bad, "look_first",
                     first, "failed_runs", fr, "failed_runs_total", nfailed);
}

int sw_fleet_exit_code(const json_t *res)
{
    return json_integer_value(json_object_get(json_object_get(res, "fleet"), "machines_unstable")) > 0 ? 1 : 0;
}
