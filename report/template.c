/* Rule text templates: turns "{cpu.brand|model} runs firmware microcode {microcode.firmware}" into
 * plain words from the report's facts and the finding's evidence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/match.h"
#include "report/rfacts.h"

struct sbuf {
    char *s;
    size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *t, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 256) + n;
        char *p = realloc(b->s, cap);
        if (!p)
            return;   /* keep what we have: text, not a crash */
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, t, n);
    b->len += n;
    b->s[b->len] = 0;
}

static void sb_str(struct sbuf *b, const char *t)
{
    sb_add(b, t, strlen(t));
}

/* "13th Gen Intel(R) Core(TM) i9-13900K" -> "i9-13900K"; "AMD Ryzen 7 1700 Eight-Core Processor" ->
 * "Ryzen 7 1700". */
static void brand_model(const char *brand, char *out, size_t cap)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", brand);
    static const char *const drop[] = {"(R)", "(TM)", "Intel ", "AMD ", "Core ", NULL};
    for (int i = 0; drop[i]; i++)
        for (char *p; (p = strstr(buf, drop[i]));)
            memmove(p, p + strlen(drop[i]), strlen(p + strlen(drop[i])) + 1);
    char *p = buf;
    /* "13th Gen " and similar generation prefixes. */
    char *gen = strstr(p, " Gen ");
    if (gen && gen - p < 6)
        p = gen + 5;
    char *cut;
    if ((cut = strstr(p, " CPU")) || (cut = strstr(p, " Processor")) || (cut = strstr(p, " @")))
        *cut = 0;
    /* "Eight-Core" and the like at the end. */
    char *last = strrchr(p, ' ');
    if (last && strstr(last, "-Core"))
        *last = 0;
    while (*p == ' ')
        p++;
    size_t n = strlen(p);
    while (n && p[n - 1] == ' ')
        p[--n] = 0;
    snprintf(out, cap, "%s", *p ? p : brand);
}

static int cmp_int(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* "A", "A and B", "A, B and C" from a list of words. */
static void join_words(struct sbuf *b, char words[][64], int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            sb_str(b, i == n - 1 ? " and " : ", ");
        sb_str(b, words[i]);
    }
}

/* "the compile workload", "the io_uring and exit workloads", or none_text when there are none. */
static void workloads_phrase(struct sbuf *b, char words[][64], int nw, const char *none_text)
{
    if (!nw) {
        sb_str(b, none_text);
        return;
    }
    sb_str(b, "the ");
    join_words(b, words, nw);
    sb_str(b, nw == 1 ? " workload" : " workloads");
}

/* The word an evidence placeholder takes from one event (NULL: none). With ev == NULL, returns
 * non-NULL when name is such a placeholder. */
static const char *event_word(const char *name, const json_t *ev, char *buf, size_t cap)
{
    static const char *const kernel_keys[][2] = {{"module", "module"}, {"subsystem", "subsystem"}, {"tasks", "task"},
                                                 {"where", "where"},   {"wheres", "where"},   {"taint", "taint"}};
    static const char *const names[] = {"workloads", "kinds", "whats", "symbols", "function", "lines", "offsets",
                                        "mce_units"};
    const json_t *k = json_object_get(ev, "kernel");
    for (size_t i = 0; i < sizeof kernel_keys / sizeof kernel_keys[0]; i++)
        if (!strcmp(name, kernel_keys[i][0]))
            return ev ? json_string_value(json_object_get(k, kernel_keys[i][1])) : name;
    bool known = false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        known = known || !strcmp(name, names[i]);
    if (!known || !ev)
        return known ? name : NULL;
    if (!strcmp(name, "workloads"))
        return json_string_value(json_object_get(ev, "workload"));
    if (!strcmp(name, "whats"))   /* the classifier's word for what happened: "medium error", "bit flip" */
        return json_string_value(json_object_get(ev, "what"));
    if (!strcmp(name, "kinds")) {
        const char *w = json_string_value(json_object_get(k, "kind"));
        return w ? w : json_string_value(json_object_get(ev, "type"));
    }
    if (!strcmp(name, "symbols") || !strcmp(name, "function")) {
        const json_t *syms = json_object_get(k, "symbols");
        return json_is_array(syms) ? json_string_value(json_array_get(syms, 0)) : json_string_value(syms);
    }
    if (!strcmp(name, "mce_units"))
        return json_string_value(json_object_get(json_object_get(k, "mce"), "unit"));
    if (!strcmp(name, "lines")) {
        if (!json_is_integer(json_object_get(k, "line")))
            return NULL;
        snprintf(buf, cap, "%lld", (long long)json_integer_value(json_object_get(k, "line")));
        return buf;
    }
    return sw_user_crash_offset(ev, buf, cap) ? buf : NULL;
}

static void evidence_value(struct sbuf *b, const char *name, const struct sw_match_env *env,
                           const json_t *events)
{
    size_t n = json_array_size(events), i;
    const json_t *ev;
    char words[16][64];
    int nw = 0;
    if (!strcmp(name, "count") || !strcmp(name, "events")) {
        char t[32];
        snprintf(t, sizeof t, "%zu", n);
        sb_str(b, t);
    } else if (!strcmp(name, "times")) {
        char t[32];
        snprintf(t, sizeof t, "%zu times", n);
        sb_str(b, n == 1 ? "once" : n == 2 ? "twice" : t);
    } else if (!strcmp(name, "cpus")) {
        long long cpus[64];
        int nc = 0;
        json_array_foreach(events, i, ev) {
            const json_t *c = json_object_get(ev, "cpu");
            if (!json_is_integer(c) || json_integer_value(c) < 0)
                continue;
            bool dup = false;
            for (int j = 0; j < nc; j++)
                dup = dup || cpus[j] == json_integer_value(c);
            if (!dup && nc < 64)
                cpus[nc++] = json_integer_value(c);
        }
        if (!nc) {
            sb_str(b, "unknown CPUs");
            return;
        }
        qsort(cpus, (size_t)nc, sizeof cpus[0], cmp_int);
        sb_str(b, nc == 1 ? "CPU " : "CPUs ");
        for (int j = 0; j < nc && nw < 16; j++)
            snprintf(words[nw++], 64, "%lld", cpus[j]);
        join_words(b, words, nw);
    } else if (!strcmp(name, "texts")) {
        /* The first event's own line, so a finding can quote the log's numbers (order, limit, process). */
        const char *t = json_string_value(json_object_get(json_array_get(events, 0), "text"));
        char q[200];
        snprintf(q, sizeof q, "%s", t && *t ? t : "unknown");
        sb_str(b, q);
    } else if (event_word(name, NULL, NULL, 0)) {
        json_array_foreach(events, i, ev) {
            char wb[160];
            const char *w = event_word(name, ev, wb, sizeof wb);
            if (!w || !*w || (!strcmp(name, "function") && nw))
                continue;
            bool dup = false;
            for (int j = 0; j < nw; j++)
                dup = dup || !strcmp(words[j], w);
            if (!dup && nw < 16)
                snprintf(words[nw++], 64, "%s", w);
        }
        if (!strcmp(name, "workloads")) {
            workloads_phrase(b, words, nw, "the machine");
        } else if (!nw) {
            sb_str(b, "unknown");
        } else {
            join_words(b, words, nw);
        }
    } else if (!strcmp(name, "load")) {
        bool light = false, full = false;
        json_array_foreach(events, i, ev) {
            if (sw_match_is_previous(env, ev))
                continue;
            const char *l = sw_rfacts_event_load(env->report, ev);
            light = light || !strcmp(l, "light");
            full = full || !strcmp(l, "full");
        }
        sb_str(b, light && full ? "under both light and full load" : light ? "under light load"
                  : full ? "under full load" : "(load unknown)");
    } else if (!strcmp(name, "addresses")) {
        json_t *seen = json_array();
        json_array_foreach(events, i, ev) {
            const json_t *mem = json_object_get(ev, "mem");
            const json_t *a = json_object_get(mem, "paddr");
            if (!json_is_string(a))
                a = json_object_get(mem, "vaddr");
            if (!json_is_string(a))
                continue;
            bool dup = false;
            size_t j;
            const json_t *s;
            json_array_foreach(seen, j, s) dup = dup || json_equal(s, a);
            if (!dup)
                json_array_append(seen, (json_t *)a);
        }
        char t[64];
        size_t na = json_array_size(seen);
        if (na == 1)
            snprintf(t, sizeof t, "one address (%s)", json_string_value(json_array_get(seen, 0)));
        else
            snprintf(t, sizeof t, "%zu different addresses", na);
        sb_str(b, t);
        json_decref(seen);
    } else {
        sb_str(b, "unknown");
    }
}

/* "the io_uring, exit and pressure workloads": the distinct workloads of the run (report.workloads). */
static void run_workloads(struct sbuf *b, const struct sw_match_env *env)
{
    char words[16][64];
    int nw = 0;
    size_t i;
    const json_t *w;
    json_array_foreach(json_object_get(env->report, "workloads"), i, w) {
        const char *name = json_string_value(json_object_get(w, "name"));
        bool dup = !name;
        for (int j = 0; !dup && j < nw; j++)
            dup = !strcmp(words[j], name);
        if (!dup && nw < 16)
            snprintf(words[nw++], 64, "%s", name);
    }
    workloads_phrase(b, words, nw, "its workloads");
}

char *sw_template_fill(const char *tmpl, const struct sw_match_env *env, const json_t *events)
{
    struct sbuf b = {0};
    sb_add(&b, "", 0);
    for (const char *p = tmpl; *p;) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close) {
            sb_str(&b, p);
            break;
        }
        sb_add(&b, p, (size_t)(open - p));
        char name[128];
        size_t n = (size_t)(close - open - 1);
        if (n >= sizeof name)
            n = sizeof name - 1;
        memcpy(name, open + 1, n);
        name[n] = 0;
        char *mod = strchr(name, '|');
        if (mod)
            *mod++ = 0;
        char buf[512];
        if (!strncmp(name, "evidence.", 9) && mod && !strncmp(mod, "or:", 3)) {
            /* "{evidence.subsystem|or:its subsystem}": the words after "or:" stand in for an unknown value. */
            struct sbuf v = {0};
            sb_add(&v, "", 0);
            evidence_value(&v, name + 9, env, events);
            sb_str(&b, v.s && strcmp(v.s, "unknown") && strcmp(v.s, "unknown CPUs") ? v.s : mod + 3);
            free(v.s);
        } else if (!strncmp(name, "evidence.", 9)) {
            evidence_value(&b, name + 9, env, events);
        } else if (!strcmp(name, "run.duration")) {
            sb_str(&b, sw_fmt_duration(sw_json_number(json_object_get(json_object_get(env->report, "run"),
                                                                       "duration_s")), buf, sizeof buf));
        } else if (!strcmp(name, "run.workloads")) {
            run_workloads(&b, env);
        } else if (!strncmp(name, "run.", 4)) {
            sb_str(&b, sw_rfacts_text(json_object_get(json_object_get(env->report, "run"), name + 4), buf,
                                      sizeof buf));
        } else if (!strcmp(name, "history.unstable")) {
            snprintf(buf, sizeof buf, "%d", sw_match_history_unstable(env->history));
            sb_str(&b, buf);
        } else if (!strcmp(name, "history.runs")) {
            snprintf(buf, sizeof buf, "%zu", json_array_size(env->history));
            sb_str(&b, buf);
        } else {
            const json_t *v = sw_rfacts_value(env->facts, name);
            if (mod && !strcmp(mod, "size") && json_is_number(v))
                sw_fmt_size(json_number_value(v), buf, sizeof buf);
            else
                sw_rfacts_text(v, buf, sizeof buf);
            if (mod && !strcmp(mod, "model") && v) {
                char m[256];
                brand_model(buf, m, sizeof m);
                snprintf(buf, sizeof buf, "%s", m);
            }
            sb_str(&b, buf);
        }
        p = close + 1;
    }
    return b.s;
}
