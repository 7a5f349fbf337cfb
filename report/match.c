#include "report/match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/regex_cache.h"
#include "report/rfacts.h"

static bool regex_match(const char *re_text, const char *s)
{
    return sw_regex_match(re_text, s);   /* compiled once, when the rules were loaded */
}

static void add_unique(json_t *arr, json_t *item)
{
    size_t i;
    json_t *x;
    if (!arr)
        return;
    json_array_foreach(arr, i, x) if (x == item || (json_is_string(x) && json_equal(x, item))) return;
    json_array_append(arr, item);
}

static void merge(json_t *dst, const json_t *src)
{
    size_t i;
    json_t *x;
    if (!dst)
        return;
    json_array_foreach(src, i, x) add_unique(dst, x);
}

static void add_fact(json_t *facts_out, const char *path)
{
    if (!facts_out)
        return;
    json_t *s = json_string(path);
    add_unique(facts_out, s);
    json_decref(s);
}

/* ---- scalar comparisons shared by fact and run conditions ---- */

static bool value_eq(const json_t *v, const json_t *want)
{
    if (json_is_string(v) && json_is_string(want)) {
        uint64_t a, b;
        /* Hex strings compare by value: "0xB0671" equals "0xb0671". */
        if (!strncmp(json_string_value(want), "0x", 2) && !sw_rfacts_hex(v, &a) && !sw_rfacts_hex(want, &b))
            return a == b;
        return strcasecmp(json_string_value(v), json_string_value(want)) == 0;
    }
    if (json_is_number(v) && json_is_number(want))
        return json_number_value(v) == json_number_value(want);
    return json_equal(v, want);
}

/* "major.minor" of a version into buf. */
static void version_branch(const char *v, char *buf, size_t cap)
{
    int maj = 0, min = 0;
    if (sscanf(v, "%d.%d", &maj, &min) != 2)
        maj = min = -1;
    snprintf(buf, cap, "%d.%d", maj, min);
}

bool sw_version_before_fix(const char *version, const json_t *fixes)
{
    char vb[32], fb[32];
    version_branch(version, vb, sizeof vb);
    if (!strcmp(vb, "-1.-1"))
        return false;   /* not a version: nothing can be said */
    const char *newest = NULL;
    size_t i;
    const json_t *e;
    json_array_foreach(fixes, i, e) {
        const char *f = json_string_value(e);
        version_branch(f, fb, sizeof fb);
        if (!strcmp(vb, fb))
            return sw_version_cmp(version, f) < 0;   /* the fix of this branch */
        if (!newest || sw_version_cmp(f, newest) > 0)
            newest = f;
    }
    /* No fix listed for this branch: newer branches than the newest fix have it (mainline), older ones
     * do not as far as the list knows. */
    return newest && sw_version_cmp(version, newest) < 0;
}

static bool ops_hold(const json_t *cond, const json_t *v, const char *skip_key)
{
    const char *k;
    const json_t *x;
    json_object_foreach((json_t *)cond, k, x) {
        if (!strcmp(k, skip_key))
            continue;
        if (!strcmp(k, "exists")) {
            if ((v != NULL) != json_is_true(x))
                return false;
            continue;
        }
        if (!v)
            return false;   /* an unknown value satisfies no comparison */
        char buf[512];
        if (!strcmp(k, "in")) {
            bool any = false;
            size_t i;
            const json_t *e;
            json_array_foreach(x, i, e) any = any || value_eq(v, e);
            if (!any)
                return false;
        } else if (!strcmp(k, "eq")) {
            if (!value_eq(v, x))
                return false;
        } else if (!strcmp(k, "ne")) {
            if (value_eq(v, x))
                return false;
        } else if (!strcmp(k, "regex")) {
            if (!regex_match(json_string_value(x), sw_rfacts_text(v, buf, sizeof buf)))
                return false;
        } else if (!strcmp(k, "contains")) {
            if (!strcasestr(sw_rfacts_text(v, buf, sizeof buf), json_string_value(x)))
                return false;
        } else if (!strncmp(k, "hex_", 4)) {
            uint64_t a, b;
            if (sw_rfacts_hex(v, &a) || sw_rfacts_hex(x, &b))
                return false;
            const char *op = k + 4;
            if ((!strcmp(op, "lt") && !(a < b)) || (!strcmp(op, "le") && !(a <= b)) ||
                (!strcmp(op, "gt") && !(a > b)) || (!strcmp(op, "ge") && !(a >= b)) ||
                (!strcmp(op, "eq") && a != b))
                return false;
        } else if (!strcmp(k, "version_before_fix")) {
            if (!json_is_string(v) || !sw_version_before_fix(json_string_value(v), x))
                return false;
        } else if (!strcmp(k, "version_lt") || !strcmp(k, "version_ge")) {
            if (!json_is_string(v))
                return false;
            int c = sw_version_cmp(json_string_value(v), json_string_value(x));
            if (k[8] == 'l' ? c >= 0 : c < 0)
                return false;
        } else {   /* lt le gt ge on numbers */
            if (!json_is_number(v))
                return false;
            double a = json_number_value(v), b = json_number_value(x);
            if ((!strcmp(k, "lt") && !(a < b)) || (!strcmp(k, "le") && !(a <= b)) ||
                (!strcmp(k, "gt") && !(a > b)) || (!strcmp(k, "ge") && !(a >= b)))
                return false;
        }
    }
    return true;
}

/* ---- microcode: compared only within the listed signatures' stream ---- */

static bool microcode_holds(const json_t *cond, const struct sw_match_env *env, json_t *facts_out)
{
    const char *which = json_string_value(json_object_get(cond, "microcode"));
    char path[64];
    snprintf(path, sizeof path, "microcode.%s", which);
    const json_t *sigs = json_object_get(cond, "signatures");
    if (sigs) {
        const json_t *sig = sw_rfacts_value(env->facts, "cpu.signature");
        bool in = false;
        size_t i;
        const json_t *e;
        json_array_foreach(sigs, i, e) in = in || (sig && value_eq(sig, e));
        if (!in)
            return false;
        add_fact(facts_out, "cpu.signature");
    }
    uint64_t rev;
    bool known = sw_rfacts_ucode(sw_rfacts_value(env->facts, path), &rev) == 0;
    const json_t *unk = json_object_get(cond, "unknown");
    if (unk && json_is_true(unk) == known)
        return false;
    if (!known) {
        /* Only "unknown": true can hold for an unknown revision. */
        if (!(unk && json_is_true(unk)))
            return false;
        add_fact(facts_out, path);
        return true;
    }
    uint64_t mask = 0;
    const json_t *m = json_object_get(cond, "stream_mask");
    if (m)
        sw_rfacts_hex(m, &mask);
    const char *k;
    const json_t *x;
    json_object_foreach((json_t *)cond, k, x) {
        uint64_t b;
        if (!strcmp(k, "in")) {
            bool any = false;
            size_t i;
            const json_t *e;
            json_array_foreach(x, i, e) any = any || (!sw_rfacts_hex(e, &b) && b == rev);
            if (!any)
                return false;
            continue;
        }
        if (strcmp(k, "lt") && strcmp(k, "le") && strcmp(k, "gt") && strcmp(k, "ge") && strcmp(k, "eq"))
            continue;
        sw_rfacts_hex(x, &b);
        if (mask && (rev & mask) != (b & mask))
            return false;   /* another stream (e.g. 0x41xx vs 0x61xx): not comparable */
        if ((!strcmp(k, "lt") && !(rev < b)) || (!strcmp(k, "le") && !(rev <= b)) ||
            (!strcmp(k, "gt") && !(rev > b)) || (!strcmp(k, "ge") && !(rev >= b)) ||
            (!strcmp(k, "eq") && rev != b))
            return false;
    }
    add_fact(facts_out, path);
    return true;
}

/* ---- events ---- */

bool sw_match_is_previous(const struct sw_match_env *env, const json_t *ev)
{
    const json_t *prev = json_object_get(json_object_get(env->report, "previous_run"), "last_events");
    size_t i;
    const json_t *x;
    json_array_foreach(prev, i, x) if (x == ev) return true;
    return false;
}

/* s equals want (a string) or one of want (a list); nocase for names the kernel spells either way. */
static bool str_in_case(const json_t *want, const char *s, bool nocase)
{
    if (!s)
        return false;
    size_t i = 0, n = json_is_string(want) ? 1 : json_array_size(want);
    for (; i < n; i++) {
        const char *w = json_string_value(json_is_string(want) ? want : json_array_get(want, i));
        if (w && (nocase ? !strcasecmp(w, s) : !strcmp(w, s)))
            return true;
    }
    return false;
}

static bool str_in(const json_t *want, const char *s)
{
    return str_in_case(want, s, false);
}

static bool str_in_ci(const json_t *want, const char *s)
{
    return str_in_case(want, s, true);
}

static int sev_rank(const char *s)
{
    static const char *const names[] = {"info", "warn", "error", "fatal"};
    for (int i = 0; s && i < 4; i++)
        if (!strcmp(s, names[i]))
            return i;
    return -1;
}

static bool symbols_match(const json_t *kern, const json_t *want, const char *re)
{
    const json_t *syms = json_object_get(kern, "symbols");
    char buf[256];
    if (json_is_string(syms)) {   /* tolerate "a b c" */
        snprintf(buf, sizeof buf, "%s", json_string_value(syms));
        for (char *save, *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
            if ((want && str_in(want, t)) || (re && regex_match(re, t)))
                return true;
        return false;
    }
    size_t i;
    const json_t *s;
    json_array_foreach(syms, i, s) {
        const char *t = json_string_value(s);
        if ((want && str_in(want, t)) || (re && regex_match(re, t)))
            return true;
    }
    return false;
}

static bool bool_field_is(const json_t *obj, const char *key, const json_t *want)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_boolean(v) && json_is_true(v) == json_is_true(want);   /* unknown matches neither */
}

/* The filters on the classifier's details of a kernel event (docs/rules.md, FILTER): the driver
 * module, the subsystem, the taint letters, the machine check and the stall details. */
static bool kernel_filters_pass(const json_t *f, const json_t *kern)
{
    const json_t *x;
    const char *module = json_string_value(json_object_get(kern, "module"));
    if ((x = json_object_get(f, "module")) && !str_in_ci(x, module))
        return false;
    if ((x = json_object_get(f, "module_regex")) && !regex_match(json_string_value(x), module))
        return false;
    if ((x = json_object_get(f, "has_module")) && (module && *module) != json_is_true(x))
        return false;
    if ((x = json_object_get(f, "subsystem")) && !str_in_ci(x, json_string_value(json_object_get(kern, "subsystem"))))
        return false;
    if ((x = json_object_get(f, "task")) && !str_in(x, json_string_value(json_object_get(kern, "task"))))
        return false;
    if ((x = json_object_get(f, "task_regex")) && !regex_match(json_string_value(x), json_string_value(json_object_get(kern, "task"))))
        return false;
    if ((x = json_object_get(f, "function_regex"))) {   /* the crash site: the first reliable frame */
        const json_t *syms = json_object_get(kern, "symbols");
        if (!regex_match(json_string_value(x), json_string_value(json_is_array(syms) ? json_array_get(syms, 0) : syms)))
            return false;
    }
    if ((x = json_object_get(f, "where_regex")) && !regex_match(json_string_value(x), json_string_value(json_object_get(kern, "where"))))
        return false;
    if ((x = json_object_get(f, "tainted"))) {   /* "" = the report said "Not tainted"; absent = it did not say */
        const char *t = json_string_value(json_object_get(kern, "taint"));
        if (!t || (*t != 0) != json_is_true(x))
            return false;
    }
    if ((x = json_object_get(f, "taint"))) {
        const char *t = json_string_value(json_object_get(kern, "taint"));
        if (!t || !strpbrk(t, json_string_value(x)))
            return false;
    }
    if ((x = json_object_get(f, "uptime_max")) &&   /* seconds since boot, from the log's own stamp */
        (!json_is_number(json_object_get(kern, "ts")) || json_number_value(json_object_get(kern, "ts")) > json_number_value(x)))
        return false;
    const json_t *mce = json_object_get(kern, "mce");
    if ((x = json_object_get(f, "mce_corrected")) && !bool_field_is(mce, "corrected", x))
        return false;
    if ((x = json_object_get(f, "mce_unit")) && !str_in(x, json_string_value(json_object_get(mce, "unit"))))
        return false;
    const json_t *stall = json_object_get(kern, "stall");
    if ((x = json_object_get(f, "stall_starved")) && !bool_field_is(stall, "kthread_starved", x))
        return false;
    if ((x = json_object_get(f, "stall_false_positive")) && !bool_field_is(stall, "false_positive", x))
        return false;
    if ((x = json_object_get(f, "stall_cpus_min")) &&
        json_integer_value(json_object_get(stall, "cpus")) < json_integer_value(x))
        return false;
    return true;
}

static bool event_passes(const json_t *f, const json_t *ev, const struct sw_match_env *env, bool previous)
{
    const json_t *x;
    const json_t *kern = json_object_get(ev, "kernel");
    if ((x = json_object_get(f, "type")) && !str_in(x, json_string_value(json_object_get(ev, "type"))))
        return false;
    if ((x = json_object_get(f, "kind")) &&
        !str_in(x, json_string_value(json_object_get(kern, "kind"))) &&
        !str_in(x, json_string_value(json_object_get(kern, "also"))))
        return false;
    if ((x = json_object_get(f, "symbol")) && !symbols_match(kern, x, NULL))
        return false;
    if ((x = json_object_get(f, "symbol_regex")) && !symbols_match(kern, NULL, json_string_value(x)) &&
        !regex_match(json_string_value(x), json_string_value(json_object_get(kern, "where"))))
        return false;
    if ((x = json_object_get(f, "text_regex")) &&
        !regex_match(json_string_value(x), json_string_value(json_object_get(ev, "text"))))
        return false;
    if ((x = json_object_get(f, "what")) && !str_in(x, json_string_value(json_object_get(ev, "what"))))
        return false;
    if ((x = json_object_get(f, "workload")) && !str_in(x, json_string_value(json_object_get(ev, "workload"))))
        return false;
    if ((x = json_object_get(f, "severity_min")) &&
        sev_rank(json_string_value(json_object_get(ev, "severity"))) < sev_rank(json_string_value(x)))
        return false;
    if ((x = json_object_get(f, "load")) &&
        !str_in(x, previous ? "unknown" : sw_rfacts_event_load(env->report, ev)))
        return false;
    if ((x = json_object_get(f, "persistent")) &&
        json_is_true(json_object_get(json_object_get(ev, "mem"), "persistent")) != json_is_true(x))
        return false;
    if (!kernel_filters_pass(f, kern))
        return false;
    if ((x = json_object_get(f, "address_bitflip")) &&
        (sw_bitflip_address_bit(json_string_value(json_object_get(ev, "text"))) >= 0) != json_is_true(x))
        return false;
    if ((x = json_object_get(f, "cpu_known")) &&
        (json_integer_value(json_object_get(ev, "cpu")) >= 0 && json_object_get(ev, "cpu")) != json_is_true(x))
        return false;
    return true;
}

/* Distinct values stop being counted here: every rule threshold is far below it, and a run with
 * thousands of crash events must not make matching quadratic. */
#define DISTINCT_CAP 256

static int count_distinct(const json_t *evs, const char *what)
{
    json_t *seen = json_array();
    size_t i;
    const json_t *ev;
    json_array_foreach(evs, i, ev) {
        if (json_array_size(seen) >= DISTINCT_CAP)
            break;
        json_t *key = NULL;
        if (!strcmp(what, "cpu")) {
            const json_t *c = json_object_get(ev, "cpu");
            if (json_is_integer(c) && json_integer_value(c) >= 0)
                key = json_integer(json_integer_value(c));
        } else if (!strcmp(what, "addr")) {
            const json_t *mem = json_object_get(ev, "mem");
            const json_t *a = json_object_get(mem, "paddr");
            if (!json_is_string(a))
                a = json_object_get(mem, "vaddr");
            if (json_is_string(a))
                key = json_string(json_string_value(a));
        } else if (!strcmp(what, "task")) {
            const char *t = json_string_value(json_object_get(json_object_get(ev, "kernel"), "task"));
            if (t && *t)
                key = json_string(t);
        } else if (!strcmp(what, "offset")) {
            char k[160];
            if (sw_user_crash_offset(ev, k, sizeof k))
                key = json_string(k);
        } else {
            const char *w = json_string_value(json_object_get(ev, "workload"));
            char buf[96];
            snprintf(buf, sizeof buf, "%s#%lld", w ? w : "-",
                     (long long)json_integer_value(json_object_get(ev, "worker")));
            key = json_string(buf);
        }
        if (!key)
            continue;
        bool dup = false;
        size_t j;
        const json_t *s;
        json_array_foreach(seen, j, s) dup = dup || json_equal(s, key);
        if (!dup)
            json_array_append(seen, key);
        json_decref(key);
    }
    int n = (int)json_array_size(seen);
    json_decref(seen);
    return n;
}

static double machine_pus(const struct sw_match_env *env)
{
    double pus = sw_json_number(json_object_get(
        json_object_get(json_object_get(env->report, "plan"), "topology"), "pus"));
    if (pus <= 0)
        pus = sw_json_number(sw_rfacts_value(env->facts, "cpu.threads"));
    return pus;
}

static bool events_hold(const json_t *cond, const struct sw_match_env *env, json_t *ev_out)
{
    const json_t *f = json_object_get(cond, "events");
    const char *from = json_string_value(json_object_get(f, "from"));
    json_t *hits = json_array();
    size_t i;
    json_t *ev;
    if (!from || strcmp(from, "previous"))
        json_array_foreach(json_object_get(env->report, "events"), i, ev)
            if (event_passes(f, ev, env, false))
                json_array_append(hits, ev);
    if (!from || strcmp(from, "run"))
        json_array_foreach(json_object_get(json_object_get(env->report, "previous_run"), "last_events"), i, ev)
            if (event_passes(f, ev, env, true))
                json_array_append(hits, ev);
    long n = (long)json_array_size(hits);
    const json_t *x;
    bool ok = true;
    long min = json_object_get(cond, "min") ? (long)json_integer_value(json_object_get(cond, "min"))
               : json_object_get(cond, "max") ? 0 : 1;
    if (n < min)
        ok = false;
    if (ok && (x = json_object_get(cond, "max")) && n > json_integer_value(x))
        ok = false;
    if (ok && (json_object_get(cond, "distinct_cpus_min") || json_object_get(cond, "distinct_cpus_max") ||
               json_object_get(cond, "max_cpu_fraction"))) {
        int c = count_distinct(hits, "cpu");
        if ((x = json_object_get(cond, "distinct_cpus_min")) && c < json_integer_value(x))
            ok = false;
        if ((x = json_object_get(cond, "distinct_cpus_max")) && c > json_integer_value(x))
            ok = false;
        if ((x = json_object_get(cond, "max_cpu_fraction"))) {
            double pus = machine_pus(env);
            if (pus <= 0 || c == 0 || c / pus > json_number_value(x))
                ok = false;
        }
    }
    if (ok && (json_object_get(cond, "distinct_addrs_min") || json_object_get(cond, "distinct_addrs_max"))) {
        int a = count_distinct(hits, "addr");
        if ((x = json_object_get(cond, "distinct_addrs_min")) && a < json_integer_value(x))
            ok = false;
        if ((x = json_object_get(cond, "distinct_addrs_max")) && a > json_integer_value(x))
            ok = false;
    }
    static const char *const bounds[][3] = {{"distinct_tasks_min", "distinct_tasks_max", "task"},
                                            {"distinct_offsets_min", "distinct_offsets_max", "offset"}};
    for (int b = 0; ok && b < 2; b++) {
        const json_t *lo = json_object_get(cond, bounds[b][0]), *hi = json_object_get(cond, bounds[b][1]);
        if (!lo && !hi)
            continue;
        int n_distinct = count_distinct(hits, bounds[b][2]);
        if ((lo && n_distinct < json_integer_value(lo)) || (hi && n_distinct > json_integer_value(hi)))
            ok = false;
    }
    if (ok && (x = json_object_get(cond, "distinct_workers_max")) &&
        count_distinct(hits, "worker") > json_integer_value(x))
        ok = false;
    if (ok)
        merge(ev_out, hits);
    json_decref(hits);
    return ok;
}

/* ---- host evidence: facts host.* (before and after), previous_run.host_evidence, host events ---- */

static void host_items(const struct sw_match_env *env, const char *which, json_t *out, bool *known)
{
    const char *fact = !strcmp(which, "whea") ? "host.whea_events"
                       : !strcmp(which, "guest_crash") ? "host.guest_crash_events" : "host.wsl_crashes";
    const json_t *facts = json_object_get(env->report, "facts");
    const json_t *snaps[3] = {json_object_get(facts, "before"), json_object_get(facts, "after"),
                              env->facts};
    *known = false;
    for (int s = 0; s < 3; s++) {
        if (!snaps[s] || (s == 2 && (snaps[2] == snaps[0] || snaps[2] == snaps[1])))
            continue;
        const json_t *v = sw_rfacts_value(snaps[s], fact);
        if (!json_is_array(v))
            continue;
        *known = true;
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) add_unique(out, x);
    }
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(json_object_get(env->report, "previous_run"), "host_evidence"), i, x) {
        long long id = json_integer_value(json_object_get(x, "id"));
        const char *kind = json_string_value(json_object_get(x, "kind"));
        bool whea = id == 17 || id == 18 || id == 19 || id == 20 || id == 47 || (kind && !strcmp(kind, "whea"));
        bool crash = id == 18590 || (kind && !strcmp(kind, "guest_crash"));
        bool file = kind && (!strcmp(kind, "wsl_crash") || !strcmp(kind, "wsl_crash_file"));
        if ((!strcmp(which, "whea") && whea) || (!strcmp(which, "guest_crash") && crash) ||
            (!strcmp(which, "wsl_crashes") && file)) {
            add_unique(out, x);
            *known = true;
        }
    }
}

static bool host_holds(const json_t *cond, const struct sw_match_env *env, json_t *facts_out)
{
    const char *which = json_string_value(json_object_get(cond, "host"));
    json_t *items = json_array();
    bool known;
    host_items(env, which, items, &known);
    const json_t *ids = json_object_get(cond, "id"), *re = json_object_get(cond, "text_regex");
    long n = 0;
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x) {
        if (ids) {
            bool in = false;
            size_t j;
            const json_t *e;
            json_array_foreach(ids, j, e) in = in || json_equal(e, json_object_get(x, "id"));
            if (!in)
                continue;
        }
        if (re) {
            const char *t = json_string_value(json_object_get(x, "text"));
            const char *m = json_string_value(json_object_get(x, "message"));
            if (!regex_match(json_string_value(re), t) && !regex_match(json_string_value(re), m))
                continue;
        }
        n++;
    }
    json_decref(items);
    const json_t *k = json_object_get(cond, "known");
    if (k && json_is_true(k) != known)
        return false;
    long min = json_object_get(cond, "min") ? (long)json_integer_value(json_object_get(cond, "min"))
               : (json_object_get(cond, "max") || k) ? 0 : 1;
    if (n < min)
        return false;
    if (json_object_get(cond, "max") && n > json_integer_value(json_object_get(cond, "max")))
        return false;
    char path[64];
    snprintf(path, sizeof path, "host.%s", !strcmp(which, "whea") ? "whea_events"
                                          : !strcmp(which, "guest_crash") ? "guest_crash_events" : "wsl_crashes");
    add_fact(facts_out, path);
    return true;
}

/* True when one of the named workloads did work in this run (report.workloads: ops or errors above 0;
 * a workload skipped where it cannot run did none). Kernel events carry no workload: this says what
 * the run was doing when the kernel reported them. */
static bool workloads_ran(const json_t *names, const struct sw_match_env *env)
{
    size_t i;
    const json_t *w;
    json_array_foreach(json_object_get(env->report, "workloads"), i, w) {
        if (str_in(names, json_string_value(json_object_get(w, "name"))) &&
            (sw_json_number(json_object_get(w, "ops")) > 0 || sw_json_number(json_object_get(w, "errors")) > 0))
            return true;
    }
    return false;
}

int sw_match_history_unstable(const json_t *history)
{
    int n = 0;
    size_t i;
    const json_t *r;
    json_array_foreach(history, i, r) {
        const char *st = json_string_value(json_object_get(json_object_get(r, "verdict"), "status"));
        if (st && !strcmp(st, "unstable"))
            n++;
    }
    return n;
}

bool sw_match_cond(const json_t *cond, const struct sw_match_env *env, json_t *ev_out,
                   json_t *facts_out, int depth)
{
    const json_t *x;
    if (depth > 16 || !json_is_object(cond))
        return false;
    if ((x = json_object_get(cond, "all"))) {
        json_t *ev = json_array(), *fa = json_array();
        bool ok = true;
        size_t i;
        const json_t *c;
        json_array_foreach(x, i, c) if (ok && !sw_match_cond(c, env, ev, fa, depth + 1)) ok = false;
        if (ok) {
            merge(ev_out, ev);
            merge(facts_out, fa);
        }
        json_decref(ev);
        json_decref(fa);
        return ok;
    }
    if ((x = json_object_get(cond, "any"))) {
        bool ok = false;
        size_t i;
        const json_t *c;
        /* Every true branch adds its evidence, so a finding lists all that supports it. */
        json_array_foreach(x, i, c) if (sw_match_cond(c, env, ev_out, facts_out, depth + 1)) ok = true;
        return ok;
    }
    if ((x = json_object_get(cond, "not")))
        return !sw_match_cond(x, env, NULL, NULL, depth + 1);
    if ((x = json_object_get(cond, "use")))
        return sw_match_cond(json_object_get(env->defs, json_string_value(x)), env, ev_out, facts_out,
                             depth + 1);
    if ((x = json_object_get(cond, "fact"))) {
        const char *path = json_string_value(x);
        if (!ops_hold(cond, sw_rfacts_value(env->facts, path), "fact"))
            return false;
        add_fact(facts_out, path);
        return true;
    }
    if ((x = json_object_get(cond, "run")))
        return ops_hold(cond, json_object_get(json_object_get(env->report, "run"), json_string_value(x)), "run");
    if (json_object_get(cond, "microcode"))
        return microcode_holds(cond, env, facts_out);
    if (json_object_get(cond, "events"))
        return events_hold(cond, env, ev_out);
    if (json_object_get(cond, "host"))
        return host_holds(cond, env, facts_out);
    if ((x = json_object_get(cond, "workloads_ran")))
        return workloads_ran(x, env);
    if ((x = json_object_get(cond, "previous_run"))) {
        const json_t *pr = json_object_get(env->report, "previous_run");
        bool present = json_is_object(pr);
        if (json_is_boolean(x))
            return present == json_is_true(x);
        const json_t *want = json_object_get(x, "rebooted");
        return present && (!want || json_is_true(json_object_get(pr, "rebooted")) == json_is_true(want));
    }
    if ((x = json_object_get(cond, "history"))) {
        const json_t *um = json_object_get(x, "unstable_min"), *rm = json_object_get(x, "runs_min");
        if (um && sw_match_history_unstable(env->history) < json_integer_value(um))
            return false;
        if (rm && (long long)json_array_size(env->history) < json_integer_value(rm))
            return false;
        return true;
    }
    return false;
}
