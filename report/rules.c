#include "report/rules.h"

#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/rfacts.h"

#ifndef SW_BUILD_RULES
#define SW_BUILD_RULES ""
#endif
#ifndef SW_DATADIR
#define SW_DATADIR "/usr/local/share/stresswsl"
#endif

struct vctx {
    const char *origin;
    const char *rule;   /* id, or "(rule N)" before the id is known */
    const json_t *defs;
    struct sw_diag *d;
};

#define VFAIL(v, ...) vfail((v), __VA_ARGS__)

__attribute__((format(printf, 2, 3))) static int vfail(struct vctx *v, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (v->rule)
        return sw_fail(v->d, -EINVAL, "rules file %s: rule '%s': %s", v->origin, v->rule, msg);
    return sw_fail(v->d, -EINVAL, "rules file %s: %s", v->origin, msg);
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(s, *list))
            return true;
    return false;
}

static const char *const k_classes[] = {"hardware-cpu", "hardware-memory", "firmware", "kernel-bug",
                                        "configuration", "environment", NULL};
static const char *const k_conf[] = {"low", "medium", "high", NULL};
static const char *const k_ev_types[] = {"note", "phase", "mem_error", "verify_error", "worker_signal",
                                         "worker_exit", "kernel", "host", "resource", "stall", NULL};
static const char *const k_kinds[] = {"panic", "oops", "bug", "null_deref", "gpf", "invalid_opcode",
    "divide_error", "slab_corruption", "bad_page", "soft_lockup", "hard_lockup", "rcu_stall",
    "hung_task", "mce", "user_segfault", "user_trap", "oom_kill", "warning", NULL};
static const char *const k_sev[] = {"info", "warn", "error", "fatal", NULL};

static int check_regex(struct vctx *v, const json_t *r, const char *key)
{
    if (!json_is_string(r))
        return VFAIL(v, "'%s' must be a string (a POSIX extended regular expression)", key);
    regex_t re;
    int rc = regcomp(&re, json_string_value(r), REG_EXTENDED | REG_NOSUB | REG_ICASE);
    if (rc) {
        char err[128];
        regerror(rc, &re, err, sizeof err);
        return VFAIL(v, "'%s' is not a valid regular expression (%s): %s", key, err,
                     json_string_value(r));
    }
    regfree(&re);
    return 0;
}

static int check_hex(struct vctx *v, const json_t *x, const char *key)
{
    uint64_t u;
    if (!json_is_string(x) || strncmp(json_string_value(x), "0x", 2) || sw_rfacts_hex(x, &u))
        return VFAIL(v, "'%s' must be a hex string like \"0x12b\"", key);
    return 0;
}

static int check_str_or_list(struct vctx *v, const json_t *x, const char *key,
                             const char *const *allowed)
{
    if (json_is_string(x)) {
        if (allowed && !in_list(json_string_value(x), allowed))
            return VFAIL(v, "'%s' has unknown value '%s'", key, json_string_value(x));
        return 0;
    }
    if (!json_is_array(x) || !json_array_size(x))
        return VFAIL(v, "'%s' must be a string or a non-empty list of strings", key);
    size_t i;
    const json_t *e;
    json_array_foreach(x, i, e) {
        if (!json_is_string(e))
            return VFAIL(v, "'%s' must list strings", key);
        if (allowed && !in_list(json_string_value(e), allowed))
            return VFAIL(v, "'%s' has unknown value '%s'", key, json_string_value(e));
    }
    return 0;
}

static int check_count(struct vctx *v, const json_t *x, const char *key)
{
    if (!json_is_integer(x) || json_integer_value(x) < 0)
        return VFAIL(v, "'%s' must be a non-negative integer", key);
    return 0;
}

static int check_cond(struct vctx *v, const json_t *c, int depth);

static int check_fact_ops(struct vctx *v, const json_t *c, const char *const *extra_keys)
{
    int ops = 0;
    const char *k;
    const json_t *x;
    json_object_foreach((json_t *)c, k, x) {
        if (in_list(k, extra_keys))
            continue;
        int rc = 0;
        if (!strcmp(k, "in")) {
            if (!json_is_array(x) || !json_array_size(x))
                rc = VFAIL(v, "'in' must be a non-empty list");
        } else if (!strcmp(k, "eq") || !strcmp(k, "ne")) {
            if (!json_is_string(x) && !json_is_number(x) && !json_is_boolean(x))
                rc = VFAIL(v, "'%s' must be a string, number or boolean", k);
        } else if (!strcmp(k, "regex")) {
            rc = check_regex(v, x, k);
        } else if (!strcmp(k, "contains")) {
            if (!json_is_string(x))
                rc = VFAIL(v, "'contains' must be a string");
        } else if (!strncmp(k, "hex_", 4) && in_list(k + 4, (const char *const[]){"lt", "le", "gt", "ge", "eq", NULL})) {
            rc = check_hex(v, x, k);
        } else if (in_list(k, (const char *const[]){"lt", "le", "gt", "ge", NULL})) {
            if (!json_is_number(x))
                rc = VFAIL(v, "'%s' must be a number", k);
        } else if (!strcmp(k, "version_lt") || !strcmp(k, "version_ge")) {
            if (!json_is_string(x))
                rc = VFAIL(v, "'%s' must be a version string like \"6.9\"", k);
        } else if (!strcmp(k, "exists")) {
            if (!json_is_boolean(x))
                rc = VFAIL(v, "'exists' must be true or false");
        } else {
            rc = VFAIL(v, "unknown key '%s' in a condition", k);
        }
        if (rc)
            return rc;
        ops++;
    }
    if (!ops)
        return VFAIL(v, "a condition on '%s' needs an operator (in, eq, regex, hex_lt, lt, version_lt, exists, ...)",
                     json_string_value(json_object_get(c, "fact")) ? json_string_value(json_object_get(c, "fact"))
                                                                    : "a value");
    return 0;
}

static int check_events(struct vctx *v, const json_t *c)
{
    const json_t *f = json_object_get(c, "events");
    if (!json_is_object(f))
        return VFAIL(v, "'events' must be an object of filters");
    const char *k;
    const json_t *x;
    json_object_foreach((json_t *)f, k, x) {
        int rc = 0;
        if (!strcmp(k, "type"))
            rc = check_str_or_list(v, x, k, k_ev_types);
        else if (!strcmp(k, "kind"))
            rc = check_str_or_list(v, x, k, k_kinds);
        else if (!strcmp(k, "symbol") || !strcmp(k, "workload") || !strcmp(k, "what"))
            rc = check_str_or_list(v, x, k, NULL);
        else if (!strcmp(k, "symbol_regex") || !strcmp(k, "text_regex"))
            rc = check_regex(v, x, k);
        else if (!strcmp(k, "severity_min"))
            rc = json_is_string(x) ? check_str_or_list(v, x, k, k_sev)
                                   : VFAIL(v, "'severity_min' must be one string");
        else if (!strcmp(k, "load"))
            rc = check_str_or_list(v, x, k, (const char *const[]){"light", "full", "unknown", NULL});
        else if (!strcmp(k, "persistent") || !strcmp(k, "cpu_known"))
            rc = json_is_boolean(x) ? 0 : VFAIL(v, "'%s' must be true or false", k);
        else if (!strcmp(k, "from"))
            rc = check_str_or_list(v, x, k, (const char *const[]){"run", "previous", "any", NULL});
        else
            rc = VFAIL(v, "unknown event filter '%s' (type, kind, symbol, symbol_regex, text_regex, what, workload, severity_min, load, persistent, cpu_known, from)", k);
        if (rc)
            return rc;
    }
    json_object_foreach((json_t *)c, k, x) {
        if (!strcmp(k, "events"))
            continue;
        int rc;
        if (in_list(k, (const char *const[]){"min", "max", "distinct_cpus_min", "distinct_cpus_max",
                                              "distinct_addrs_min", "distinct_addrs_max",
                                              "distinct_workers_max", NULL}))
            rc = check_count(v, x, k);
        else if (!strcmp(k, "max_cpu_fraction"))
            rc = (json_is_number(x) && json_number_value(x) > 0 && json_number_value(x) <= 1)
                     ? 0 : VFAIL(v, "'max_cpu_fraction' must be a number in (0, 1]");
        else
            rc = VFAIL(v, "unknown key '%s' beside 'events'", k);
        if (rc)
            return rc;
    }
    return 0;
}

static int check_cond(struct vctx *v, const json_t *c, int depth)
{
    if (depth > 16)
        return VFAIL(v, "conditions nest deeper than 16 levels (a 'use' loop?)");
    if (!json_is_object(c))
        return VFAIL(v, "a condition must be an object");
    const json_t *x;
    if ((x = json_object_get(c, "all")) || (x = json_object_get(c, "any"))) {
        const char *key = json_object_get(c, "all") ? "all" : "any";
        if (json_object_size(c) != 1)
            return VFAIL(v, "'%s' must be alone in its object", key);
        if (!json_is_array(x) || !json_array_size(x))
            return VFAIL(v, "'%s' must be a non-empty list of conditions", key);
        size_t i;
        const json_t *e;
        json_array_foreach(x, i, e) {
            int rc = check_cond(v, e, depth + 1);
            if (rc)
                return rc;
        }
        return 0;
    }
    if ((x = json_object_get(c, "not"))) {
        if (json_object_size(c) != 1)
            return VFAIL(v, "'not' must be alone in its object");
        return check_cond(v, x, depth + 1);
    }
    if ((x = json_object_get(c, "use"))) {
        if (json_object_size(c) != 1 || !json_is_string(x))
            return VFAIL(v, "'use' must be alone and name a definition");
        const json_t *def = json_object_get(v->defs, json_string_value(x));
        if (!def)
            return VFAIL(v, "'use': no condition named '%s' in \"conditions\"", json_string_value(x));
        return check_cond(v, def, depth + 1);
    }
    if ((x = json_object_get(c, "fact"))) {
        if (!json_is_string(x) || !strchr(json_string_value(x), '.'))
            return VFAIL(v, "'fact' must be a path like \"cpu.signature\"");
        return check_fact_ops(v, c, (const char *const[]){"fact", NULL});
    }
    if ((x = json_object_get(c, "run"))) {
        if (!json_is_string(x))
            return VFAIL(v, "'run' must name a field of run, e.g. \"duration_s\"");
        return check_fact_ops(v, c, (const char *const[]){"run", NULL});
    }
    if ((x = json_object_get(c, "microcode"))) {
        if (!json_is_string(x) ||
            !in_list(json_string_value(x), (const char *const[]){"firmware", "visible", "host_current", "host_firmware", NULL}))
            return VFAIL(v, "'microcode' must be firmware, visible, host_current or host_firmware");
        int ops = 0;
        const char *k;
        const json_t *y;
        json_object_foreach((json_t *)c, k, y) {
            int rc = 0;
            if (!strcmp(k, "microcode"))
                continue;
            if (in_list(k, (const char *const[]){"lt", "le", "gt", "ge", "eq", "stream_mask", NULL}))
                rc = check_hex(v, y, k), ops += strcmp(k, "stream_mask") != 0;
            else if (!strcmp(k, "in") || !strcmp(k, "signatures")) {
                if (!json_is_array(y) || !json_array_size(y))
                    rc = VFAIL(v, "'%s' must be a non-empty list of hex strings", k);
                size_t i;
                const json_t *e;
                json_array_foreach(y, i, e) if (!rc) rc = check_hex(v, e, k);
                ops += !strcmp(k, "in");
            } else if (!strcmp(k, "unknown")) {
                rc = json_is_boolean(y) ? 0 : VFAIL(v, "'unknown' must be true or false");
                ops++;
            } else
                rc = VFAIL(v, "unknown key '%s' in a microcode condition", k);
            if (rc)
                return rc;
        }
        if (!ops)
            return VFAIL(v, "a microcode condition needs lt, le, gt, ge, eq, in or unknown");
        return 0;
    }
    if (json_object_get(c, "events"))
        return check_events(v, c);
    if ((x = json_object_get(c, "host"))) {
        if (!json_is_string(x) ||
            !in_list(json_string_value(x), (const char *const[]){"whea", "guest_crash", "wsl_crashes", NULL}))
            return VFAIL(v, "'host' must be whea, guest_crash or wsl_crashes");
        const char *k;
        const json_t *y;
        json_object_foreach((json_t *)c, k, y) {
            int rc = 0;
            if (!strcmp(k, "host"))
                continue;
            if (!strcmp(k, "id")) {
                if (!json_is_array(y) || !json_array_size(y))
                    rc = VFAIL(v, "'id' must be a non-empty list of event ids");
            } else if (!strcmp(k, "text_regex"))
                rc = check_regex(v, y, k);
            else if (!strcmp(k, "min") || !strcmp(k, "max"))
                rc = check_count(v, y, k);
            else if (!strcmp(k, "known"))
                rc = json_is_boolean(y) ? 0 : VFAIL(v, "'known' must be true or false");
            else
                rc = VFAIL(v, "unknown key '%s' in a host condition", k);
            if (rc)
                return rc;
        }
        return 0;
    }
    if ((x = json_object_get(c, "previous_run"))) {
        if (json_object_size(c) != 1)
            return VFAIL(v, "'previous_run' must be alone in its object");
        if (json_is_boolean(x))
            return 0;
        if (!json_is_object(x))
            return VFAIL(v, "'previous_run' must be true, false or {\"rebooted\": bool}");
        const char *k;
        const json_t *y;
        json_object_foreach((json_t *)x, k, y) if (strcmp(k, "rebooted") || !json_is_boolean(y))
            return VFAIL(v, "'previous_run' accepts only {\"rebooted\": true|false}");
        return 0;
    }
    if ((x = json_object_get(c, "history"))) {
        if (json_object_size(c) != 1 || !json_is_object(x))
            return VFAIL(v, "'history' must be alone and an object like {\"unstable_min\": 1}");
        const char *k;
        const json_t *y;
        json_object_foreach((json_t *)x, k, y) {
            if (strcmp(k, "unstable_min") && strcmp(k, "runs_min"))
                return VFAIL(v, "unknown key '%s' in a history condition", k);
            int rc = check_count(v, y, k);
            if (rc)
                return rc;
        }
        return 0;
    }
    const char *first = "";
    const char *k;
    json_object_foreach((json_t *)c, k, x) {
        first = k;
        break;
    }
    return VFAIL(v, "unknown condition '%s' (all, any, not, use, fact, run, microcode, events, host, previous_run, history)",
                 first);
}

static int check_text(struct vctx *v, const json_t *r, const char *key, bool required)
{
    const json_t *x = json_object_get(r, key);
    if (!x)
        return required ? VFAIL(v, "missing \"%s\"", key) : 0;
    if (!json_is_string(x) || !*json_string_value(x))
        return VFAIL(v, "\"%s\" must be a non-empty string", key);
    /* Placeholders must be closed: an unclosed "{" would print raw template text to users. */
    const char *s = json_string_value(x);
    for (const char *p = strchr(s, '{'); p; p = strchr(p + 1, '{'))
        if (!strchr(p, '}'))
            return VFAIL(v, "\"%s\" has an unclosed '{' placeholder", key);
    return 0;
}

static int check_enum(struct vctx *v, const json_t *r, const char *key, const char *const *allowed,
                      bool required)
{
    const json_t *x = json_object_get(r, key);
    if (!x)
        return required ? VFAIL(v, "missing \"%s\"", key) : 0;
    if (!json_is_string(x) || !in_list(json_string_value(x), allowed))
        return VFAIL(v, "\"%s\" must be one of the documented values (got %s)", key,
                     json_is_string(x) ? json_string_value(x) : "a non-string");
    return 0;
}

static int check_rule(struct vctx *v, const json_t *r, const json_t *all_rules)
{
    static const char *const keys[] = {"id", "title", "class", "confidence", "when", "symptoms",
        "summary", "summary_symptoms", "advice", "references", "confidence_with_symptoms",
        "vm_confidence_max", "supersedes", "confounders", "informational", "comment", NULL};
    const char *k;
    const json_t *x;
    json_object_foreach((json_t *)r, k, x) if (!in_list(k, keys))
        return VFAIL(v, "unknown key \"%s\" (see docs/rules.md)", k);
    int rc;
    if ((rc = check_text(v, r, "title", true)) || (rc = check_enum(v, r, "class", k_classes, true)) ||
        (rc = check_enum(v, r, "confidence", k_conf, true)) ||
        (rc = check_text(v, r, "summary", true)) || (rc = check_text(v, r, "advice", true)) ||
        (rc = check_text(v, r, "summary_symptoms", false)) ||
        (rc = check_enum(v, r, "confidence_with_symptoms", k_conf, false)) ||
        (rc = check_enum(v, r, "vm_confidence_max", k_conf, false)))
        return rc;
    if (!json_object_get(r, "when"))
        return VFAIL(v, "missing \"when\"");
    if ((rc = check_cond(v, json_object_get(r, "when"), 0)))
        return rc;
    if ((x = json_object_get(r, "symptoms")) && (rc = check_cond(v, x, 0)))
        return rc;
    if ((x = json_object_get(r, "informational")) && !json_is_boolean(x))
        return VFAIL(v, "\"informational\" must be true or false");
    x = json_object_get(r, "references");
    if (!json_is_array(x))
        return VFAIL(v, "\"references\" must be a list of URLs (may be empty)");
    size_t i;
    const json_t *e;
    json_array_foreach(x, i, e) {
        const char *u = json_string_value(e);
        if (!u || (strncmp(u, "https://", 8) && strncmp(u, "http://", 7)))
            return VFAIL(v, "\"references\" entry %zu is not an http(s) URL", i);
    }
    if ((x = json_object_get(r, "supersedes"))) {
        if (!json_is_array(x))
            return VFAIL(v, "\"supersedes\" must be a list of rule ids");
        json_array_foreach(x, i, e) {
            bool found = false;
            size_t j;
            const json_t *o;
            json_array_foreach(all_rules, j, o) if (json_is_string(e) &&
                json_equal(json_object_get(o, "id"), e)) found = true;
            if (!found)
                return VFAIL(v, "\"supersedes\" names unknown rule '%s'",
                             json_is_string(e) ? json_string_value(e) : "?");
        }
    }
    if ((x = json_object_get(r, "confounders"))) {
        if (!json_is_array(x))
            return VFAIL(v, "\"confounders\" must be a list of {when, text, lower}");
        json_array_foreach(x, i, e) {
            const json_t *t = json_object_get(e, "text"), *l = json_object_get(e, "lower");
            if (!json_is_object(e) || !json_is_string(t) || (l && !json_is_boolean(l)) ||
                json_object_size(e) != 2u + (l != NULL))
                return VFAIL(v, "\"confounders\" entry %zu must be {\"when\": COND, \"text\": \"...\", \"lower\": bool}", i);
            if (!json_object_get(e, "when"))
                return VFAIL(v, "\"confounders\" entry %zu has no \"when\"", i);
            if ((rc = check_cond(v, json_object_get(e, "when"), 0)))
                return rc;
        }
    }
    return 0;
}

int sw_rules_validate(const json_t *db, const char *origin, struct sw_diag *d)
{
    struct vctx v = {origin, NULL, NULL, d};
    if (!json_is_object(db))
        return VFAIL(&v, "the top level must be an object {\"rules_version\": 1, \"rules\": [...]}");
    const json_t *ver = json_object_get(db, "rules_version");
    if (!json_is_integer(ver))
        return VFAIL(&v, "missing \"rules_version\"");
    if (json_integer_value(ver) != SW_RULES_VERSION)
        return VFAIL(&v, "rules_version %lld is not supported (this stresswsl reads version %d): "
                         "use the rules file installed with this version",
                     (long long)json_integer_value(ver), SW_RULES_VERSION);
    const char *k;
    const json_t *x;
    json_object_foreach((json_t *)db, k, x) if (!in_list(k, (const char *const[]){"rules_version", "rules", "conditions", "comment", NULL}))
        return VFAIL(&v, "unknown top-level key \"%s\"", k);
    v.defs = json_object_get(db, "conditions");
    if (v.defs && !json_is_object(v.defs))
        return VFAIL(&v, "\"conditions\" must be an object of named conditions");
    const json_t *rules = json_object_get(db, "rules");
    if (!json_is_array(rules))
        return VFAIL(&v, "\"rules\" must be a list");
    size_t i;
    const json_t *r;
    char label[64];
    json_array_foreach(rules, i, r) {
        const json_t *id = json_object_get(r, "id");
        snprintf(label, sizeof label, "#%zu", i + 1);
        v.rule = label;
        if (!json_is_object(r))
            return VFAIL(&v, "must be an object");
        if (!json_is_string(id) || !*json_string_value(id))
            return VFAIL(&v, "missing \"id\"");
        v.rule = json_string_value(id);
        for (const char *p = v.rule; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
                return VFAIL(&v, "the id must use only a-z, 0-9 and '-'");
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_object_get(json_array_get(rules, j), "id"), id))
                return VFAIL(&v, "the id is used twice");
        int rc = check_rule(&v, r, rules);
        if (rc)
            return rc;
    }
    return 0;
}

json_t *sw_rules_load(const char *path, struct sw_diag *d)
{
    json_error_t je;
    json_t *db = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!db) {
        if (je.line < 0)
            sw_fail(d, -ENOENT, "rules file %s: %s: reinstall stresswsl or point STRESSWSL_RULES at rules.json",
                    path, je.text);
        else
            sw_fail(d, -EINVAL, "rules file %s: line %d column %d: %s", path, je.line, je.column, je.text);
        return NULL;
    }
    if (sw_rules_validate(db, path, d) != 0) {
        json_decref(db);
        return NULL;
    }
    return db;
}

static bool try_path(char *path, size_t cap, const char *dir, const char *suffix)
{
    struct stat st;
    if (!dir || !*dir)
        return false;
    snprintf(path, cap, "%s%s", dir, suffix);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int sw_rules_find(char *path, size_t cap, struct sw_diag *d)
{
    const char *env = getenv("STRESSWSL_RULES");
    if (env && *env) {
        struct stat st;
        if (stat(env, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (try_path(path, cap, env, "/rules.json"))
                return 0;
            return sw_fail(d, -ENOENT, "STRESSWSL_RULES=%s is a directory without rules.json", env);
        }
        snprintf(path, cap, "%s", env);   /* a missing file is reported by the loader, by name */
        return 0;
    }
    /* Next to the program before the source tree: an installed copy reads its own rules even on the
     * machine it was built on. */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            if (try_path(path, cap, exe, "/../share/stresswsl/rules/rules.json"))
                return 0;
        }
    }
    if (try_path(path, cap, SW_BUILD_RULES, "/rules.json"))
        return 0;
    if (try_path(path, cap, SW_DATADIR, "/rules/rules.json"))
        return 0;
    return sw_fail(d, -ENOENT, "no rules database found (looked in $STRESSWSL_RULES, <exe dir>/../share/"
                   "stresswsl/rules, %s, %s/rules): reinstall stresswsl or set STRESSWSL_RULES=/path/rules.json",
                   *SW_BUILD_RULES ? SW_BUILD_RULES : "(no source tree)", SW_DATADIR);
}

json_t *sw_rules_load_default(struct sw_diag *d)
{
    char path[PATH_MAX];
    if (sw_rules_find(path, sizeof path, d) != 0)
        return NULL;
    return sw_rules_load(path, d);
}
