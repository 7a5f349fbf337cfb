#include "report/correlate.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/match.h"
#include "report/rfacts.h"
#include "report/verdict.h"

#define SHORT_RUN_S 600.0   /* under 10 minutes a clean pass proves little (peers-users.md §3.1) */

static int conf_rank(const char *c)
{
    return !c ? 0 : !strcmp(c, "high") ? 2 : !strcmp(c, "medium") ? 1 : 0;
}

static const char *conf_name(int r)
{
    return r >= 2 ? "high" : r == 1 ? "medium" : "low";
}

static int class_rank(const char *c)
{
    static const char *const order[] = {"hardware-cpu", "hardware-memory", "hardware-storage", "hardware-gpu", "firmware",
                                        "driver-bug", "kernel-bug", "program-bug", "configuration", "environment",
                                        "unknown"};
    enum { N = sizeof order / sizeof order[0] };
    for (int i = 0; c && i < N; i++)
        if (!strcmp(c, order[i]))
            return i;
    return N;
}

static void add_confounder(json_t *list, const char *text)
{
    size_t i;
    const json_t *x;
    json_array_foreach(list, i, x) if (!strcmp(json_string_value(x), text)) return;
    json_array_append_new(list, json_string(text));
}

/* Confounders every evidence-based hardware finding gets, whatever the rule says. Returns how many
 * confidence steps they take away. */
static int generic_confounders(const json_t *rule, const struct sw_match_env *env, const json_t *events,
                               json_t *conf)
{
    int lower = 0;
    const char *cls = json_string_value(json_object_get(rule, "class"));
    bool hw = !strcmp(cls, "hardware-cpu") || !strcmp(cls, "hardware-memory");
    size_t nev = json_array_size(events);
    if (!nev || !hw)
        return 0;
    const json_t *run = json_object_get(env->report, "run");
    double dur = sw_json_number(json_object_get(run, "duration_s"));
    const char *status = json_string_value(json_object_get(run, "status"));
    if (dur > 0 && dur < SHORT_RUN_S && !(status && !strcmp(status, "abrupt"))) {
        char t[160], d[32];
        snprintf(t, sizeof t, "the run lasted only %s (under 10 minutes): a few events in a short run are thin evidence",
                 sw_fmt_duration(dur, d, sizeof d));
        add_confounder(conf, t);
        if (nev < 3)
            lower++;
    }
    const json_t *oc = sw_rfacts_value(env->facts, "memory.overclock");
    if (json_is_true(oc)) {
        add_confounder(conf, "the memory runs overclocked (XMP/EXPO profile): unstable RAM gives the same symptoms; "
                             "retest at the board's default memory settings");
        lower++;
    } else if (!json_is_boolean(oc)) {
        add_confounder(conf, "the memory overclock (XMP/EXPO) state is unknown (not visible from here): "
                             "unstable RAM gives the same symptoms");
        if (!strcmp(cls, "hardware-memory"))
            lower++;
    }
    return lower;
}

/* Where each fact of a finding came from: [{"fact", "value", "source"}] ("log line 17", "cpuid",
 * "host-registry", ...), so a reader can tell the log's own facts from a probe of some machine. */
static json_t *fact_sources(const struct sw_match_env *env, const json_t *paths)
{
    json_t *out = json_array();
    size_t i;
    const json_t *p;
    json_array_foreach(paths, i, p) {
        const json_t *fact = sw_rfacts_fact(env->facts, json_string_value(p));
        const json_t *src = json_object_get(fact, "source");
        const json_t *val = json_object_get(fact, "value");
        json_array_append_new(out, json_pack("{s:O,s:O,s:O}", "fact", p, "value", val ? val : json_null(),
                                             "source", json_is_string(src) ? src : json_null()));
    }
    return out;
}

/* Finding from one rule, or NULL when its "when" does not hold. */
static json_t *apply_rule(const json_t *rule, const struct sw_match_env *env)
{
    json_t *events = json_array(), *facts = json_array();
    if (!sw_match_cond(json_object_get(rule, "when"), env, events, facts, 0)) {
        json_decref(events);
        json_decref(facts);
        return NULL;
    }
    bool symptoms = false;
    const json_t *sc = json_object_get(rule, "symptoms");
    if (sc)
        symptoms = sw_match_cond(sc, env, events, facts, 0);
    int conf = conf_rank(json_string_value(json_object_get(rule, "confidence")));
    if (symptoms && json_object_get(rule, "confidence_with_symptoms"))
        conf = conf_rank(json_string_value(json_object_get(rule, "confidence_with_symptoms")));

    json_t *confounders = json_array();
    int lower = 0;
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(rule, "confounders"), i, c) {
        if (!sw_match_cond(json_object_get(c, "when"), env, NULL, NULL, 0))
            continue;
        char *t = sw_template_fill(json_string_value(json_object_get(c, "text")), env, events);
        add_confounder(confounders, t ? t : "");
        free(t);
        if (json_is_true(json_object_get(c, "lower")))
            lower++;
    }
    lower += generic_confounders(rule, env, events, confounders);
    const json_t *vmcap = json_object_get(rule, "vm_confidence_max");
    if (vmcap && sw_rfacts_in_vm(env->facts)) {
        add_confounder(confounders, "inside a VM the CPU numbers are virtual CPUs that the host moves between "
                                    "physical cores, so a per-CPU pattern is weaker evidence of one bad core");
        if (conf > conf_rank(json_string_value(vmcap)))
            conf = conf_rank(json_string_value(vmcap));
    }
    conf -= lower;
    if (conf < 0)
        conf = 0;

    char *summary = sw_template_fill(json_string_value(json_object_get(rule, "summary")), env, events);
    const json_t *ss = json_object_get(rule, "summary_symptoms");
    if (symptoms && ss && summary) {
        char *extra = sw_template_fill(json_string_value(ss), env, events);
        size_t n = strlen(summary) + strlen(extra ? extra : "") + 2;
        char *both = malloc(n);
        if (both)
            snprintf(both, n, "%s%s", summary, extra ? extra : "");
        free(summary);
        free(extra);
        summary = both;
    }
    char *advice = sw_template_fill(json_string_value(json_object_get(rule, "advice")), env, events);

    json_t *seqs = json_array(), *prev = json_array();
    json_t *ev;
    json_array_foreach(events, i, ev) {
        json_t *seq = json_object_get(ev, "seq");
        if (json_is_integer(seq))
            json_array_append(sw_match_is_previous(env, ev) ? prev : seqs, seq);
    }
    json_t *evidence = json_pack("{s:o,s:o,s:o}", "facts", facts, "fact_sources", fact_sources(env, facts),
                                 "events", seqs);
    if (json_array_size(prev))
        json_object_set_new(evidence, "previous_run_events", prev);
    else
        json_decref(prev);
    json_t *f = json_pack("{s:O,s:O,s:O,s:s,s:s,s:s,s:o,s:o,s:O}",
                          "rule", json_object_get(rule, "id"), "title", json_object_get(rule, "title"),
                          "class", json_object_get(rule, "class"), "confidence", conf_name(conf),
                          "summary", summary ? summary : "", "advice", advice ? advice : "",
                          "evidence", evidence, "confounders", confounders,
                          "references", json_object_get(rule, "references"));
    const char *lean = json_string_value(json_object_get(rule, "lean"));
    json_object_set_new(f, "lean", json_string(lean ? lean : sw_lean_of_class(json_string_value(json_object_get(rule, "class")))));
    if (json_is_true(json_object_get(rule, "informational")))
        json_object_set_new(f, "informational", json_true());
    if (json_is_true(json_object_get(rule, "advisory")))
        json_object_set_new(f, "advisory", json_true());
    free(summary);
    free(advice);
    json_decref(events);
    return f;
}

static int finding_cmp(const void *pa, const void *pb)
{
    const json_t *a = *(const json_t *const *)pa, *b = *(const json_t *const *)pb;
    /* Causes first, then advice about the setup, then what was ruled out. */
    int ia = json_is_true(json_object_get(a, "informational")) * 2 + json_is_true(json_object_get(a, "advisory"));
    int ib = json_is_true(json_object_get(b, "informational")) * 2 + json_is_true(json_object_get(b, "advisory"));
    if (ia != ib)
        return ia - ib;
    int ea = json_array_size(json_object_get(json_object_get(a, "evidence"), "events")) > 0 ||
             json_object_get(json_object_get(a, "evidence"), "previous_run_events");
    int eb = json_array_size(json_object_get(json_object_get(b, "evidence"), "events")) > 0 ||
             json_object_get(json_object_get(b, "evidence"), "previous_run_events");
    int ca = conf_rank(json_string_value(json_object_get(a, "confidence")));
    int cb = conf_rank(json_string_value(json_object_get(b, "confidence")));
    if (ca != cb)
        return cb - ca;
    if (ea != eb)
        return eb - ea;
    int ka = class_rank(json_string_value(json_object_get(a, "class")));
    int kb = class_rank(json_string_value(json_object_get(b, "class")));
    if (ka != kb)
        return ka - kb;
    /* Keep the rules file's order otherwise (the sort key below). */
    return (int)(json_integer_value(json_object_get(a, "_order")) - json_integer_value(json_object_get(b, "_order")));
}

json_t *sw_correlate(const json_t *report, const json_t *rules, const json_t *history, struct sw_diag *d)
{
    if (!json_is_object(report))
        return sw_fail(d, -EINVAL, "correlate: the report is not a JSON object"), NULL;
    if (!json_is_array(json_object_get(rules, "rules")))
        return sw_fail(d, -EINVAL, "correlate: no rules database given (load it with sw_rules_load)"), NULL;
    struct sw_match_env env = {report, sw_rfacts_snapshot(report), json_is_array(history) ? history : NULL,
                               json_object_get(rules, "conditions")};
    json_t *found = json_array();
    size_t i;
    const json_t *rule;
    json_array_foreach(json_object_get(rules, "rules"), i, rule) {
        json_t *f = apply_rule(rule, &env);
        if (f) {
            json_object_set_new(f, "_order", json_integer((json_int_t)i));
            json_array_append_new(found, f);
        }
    }
    /* A fired rule may supersede more generic ones ("errors on some CPUs" under the Vmin rules). */
    json_t *findings = json_array();
    json_t *f;
    json_array_foreach(found, i, f) {
        const char *id = json_string_value(json_object_get(f, "rule"));
        bool superseded = false;
        size_t j;
        const json_t *g;
        json_array_foreach(found, j, g) {
            const json_t *sup = json_object_get(
                json_array_get(json_object_get(rules, "rules"), (size_t)json_integer_value(json_object_get(g, "_order"))),
                "supersedes");
            size_t k;
            const json_t *s;
            json_array_foreach(sup, k, s) superseded = superseded || !strcmp(json_string_value(s), id);
        }
        if (!superseded)
            json_array_append(findings, f);
    }
    json_decref(found);
    size_t n = json_array_size(findings);
    json_t **v = calloc(n ? n : 1, sizeof *v);
    for (i = 0; i < n; i++)
        v[i] = json_array_get(findings, i);
    qsort(v, n, sizeof *v, finding_cmp);
    json_t *sorted = json_array();
    for (i = 0; i < n; i++) {
        json_object_del(v[i], "_order");
        json_array_append(sorted, v[i]);
    }
    free(v);
    json_decref(findings);
    json_t *verdict = sw_verdict_make(report, sorted, env.history);
    return json_pack("{s:o,s:o}", "findings", sorted, "verdict", verdict);
}

int sw_correlate_apply(json_t *report, const json_t *rules, const json_t *history, struct sw_diag *d)
{
    json_t *out = sw_correlate(report, rules, history, d);
    if (!out)
        return -EINVAL;
    json_object_set(report, "findings", json_object_get(out, "findings"));
    json_object_set(report, "verdict", json_object_get(out, "verdict"));
    json_decref(out);
    return 0;
}
