#include "report/rules_check.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/event.h"
#include "report/regex_cache.h"
#include "report/rfacts.h"

int sw_rules_vfail(struct vctx *v, const char *fmt, ...)
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

bool sw_rules_in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(s, *list))
            return true;
    return false;
}

const char *const sw_rule_classes[] = {"hardware-cpu", "hardware-memory", "hardware-storage", "hardware-gpu",
                                       "firmware",     "kernel-bug",      "driver-bug",       "program-bug",
                                       "configuration", "environment",    "unknown",          NULL};
const char *const sw_rule_confidences[] = {"low", "medium", "high", NULL};
static const char *const k_ev_types[] = {"note", "phase", "mem_error", "verify_error", "worker_signal",
                                         "worker_exit", "kernel", "host", "resource", "stall", NULL};
/* The workload names, from the registry's own list (names only: no link to the workloads). */
static const char *const k_workload_names[] = {
#define SW_WORKLOAD(name) #name,
#include "stress/workloads.def"
#undef SW_WORKLOAD
    NULL};
static const char *const k_sev[] = {"info", "warn", "error", "fatal", NULL};
static const char *const k_mce_units[] = {"core", "l2_cache", "l3_cache", "load_store", "instruction_fetch", "memory",
                                          "bus", "unknown", NULL};

static int check_regex(struct vctx *v, const json_t *r, const char *key)
{
    if (!json_is_string(r))
        return VFAIL(v, "'%s' must be a string (a POSIX extended regular expression)", key);
    char err[128] = "";
    /* Compiled here, once: matching looks the compiled form up (report/regex_cache.h). */
    if (!sw_regex_get(json_string_value(r), err, sizeof err))
        return VFAIL(v, "'%s' is not a valid regular expression (%s): %s", key, err, json_string_value(r));
    return 0;
}

/* Event kinds: the classifier's own names (core/event.h), the one vocabulary. */
static int check_kinds(struct vctx *v, const json_t *x, const char *key)
{
    int rc = sw_rules_check_str_or_list(v, x, key, NULL);
    if (rc)
        return rc;
    const json_t *one = json_is_string(x) ? x : NULL;
    size_t i = 0, n = json_is_array(x) ? json_array_size(x) : 1;
    for (; i < n; i++) {
        const json_t *e = one ? one : json_array_get(x, i);
        if (sw_klog_kind_from_name(json_string_value(e)) <= 0)
            return VFAIL(v, "'%s' has unknown event kind '%s' (the classifier's kinds: see docs/rules.md)", key,
                         json_string_value(e));
    }
    return 0;
}

static int check_bool(struct vctx *v, const json_t *x, const char *key)
{
    return json_is_boolean(x) ? 0 : VFAIL(v, "'%s' must be true or false", key);
}

static int check_hex(struct vctx *v, const json_t *x, const char *key)
{
    uint64_t u;
    if (!json_is_string(x) || strncmp(json_string_value(x), "0x", 2) || sw_rfacts_hex(x, &u))
        return VFAIL(v, "'%s' must be a hex string like \"0x12b\"", key);
    return 0;
}

int sw_rules_check_str_or_list(struct vctx *v, const json_t *x, const char *key, const char *const *allowed)
{
    if (json_is_string(x)) {
        if (allowed && !sw_rules_in_list(json_string_value(x), allowed))
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
        if (allowed && !sw_rules_in_list(json_string_value(e), allowed))
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


static int check_fact_ops(struct vctx *v, const json_t *c, const char *const *extra_keys)
{
    int ops = 0;
    const char *k;
    const json_t *x;
    json_object_foreach((json_t *)c, k, x) {
        if (sw_rules_in_list(k, extra_keys))
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
        } else if (!strncmp(k, "hex_", 4) && sw_rules_in_list(k + 4, (const char *const[]){"lt", "le", "gt", "ge", "eq", NULL})) {
            rc = check_hex(v, x, k);
        } else if (sw_rules_in_list(k, (const char *const[]){"lt", "le", "gt", "ge", NULL})) {
            if (!json_is_number(x))
                rc = VFAIL(v, "'%s' must be a number", k);
        } else if (!strcmp(k, "version_lt") || !strcmp(k, "version_ge")) {
            if (!json_is_string(x))
                rc = VFAIL(v, "'%s' must be a version string like \"6.9\"", k);
        } else if (!strcmp(k, "version_before_fix")) {
            size_t i;
            const json_t *e;
            if (!json_is_array(x) || !json_array_size(x))
                rc = VFAIL(v, "'version_before_fix' must list the fixed versions, one per branch (\"6.6.26\", \"6.9\")");
            json_array_foreach(x, i, e) if (!rc && (!json_is_string(e) || !strchr(json_string_value(e), '.')))
                rc = VFAIL(v, "'version_before_fix' entry %zu is not a version like \"6.6.26\"", i);
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
            rc = sw_rules_check_str_or_list(v, x, k, k_ev_types);
        else if (!strcmp(k, "kind"))
            rc = check_kinds(v, x, k);
        else if (sw_rules_in_list(k, (const char *const[]){"symbol", "workload", "what", "module", "subsystem", "task",
                                                         "mce_unit", NULL}))
            rc = sw_rules_check_str_or_list(v, x, k, !strcmp(k, "mce_unit") ? k_mce_units : NULL);
        else if (sw_rules_in_list(k, (const char *const[]){"symbol_regex", "text_regex", "module_regex", "task_regex",
                                                         "where_regex", "function_regex", NULL}))
            rc = check_regex(v, x, k);
        else if (!strcmp(k, "severity_min"))
            rc = json_is_string(x) ? sw_rules_check_str_or_list(v, x, k, k_sev)
                                   : VFAIL(v, "'severity_min' must be one string");
        else if (!strcmp(k, "load"))
            rc = sw_rules_check_str_or_list(v, x, k, (const char *const[]){"light", "full", "unknown", NULL});
        else if (sw_rules_in_list(k, (const char *const[]){"persistent", "cpu_known", "mce_corrected", "stall_starved",
                                                         "stall_false_positive", "has_module", "address_bitflip", "tainted", NULL}))
            rc = check_bool(v, x, k);
        else if (!strcmp(k, "taint"))
            rc = json_is_string(x) && strspn(json_string_value(x), "ABCDEFGIKLMNOPRSTUWX") == strlen(json_string_value(x)) &&
                         *json_string_value(x)
                     ? 0 : VFAIL(v, "'taint' must be taint letters like \"POE\" (any of them matches)");
        else if (!strcmp(k, "uptime_max"))
            rc = json_is_number(x) && json_number_value(x) >= 0 ? 0 : VFAIL(v, "'uptime_max' must be seconds (a number)");
        else if (!strcmp(k, "stall_cpus_min"))
            rc = json_is_integer(x) && json_integer_value(x) >= 0 ? 0 : VFAIL(v, "'%s' must be a non-negative integer", k);
        else if (!strcmp(k, "from"))
            rc = sw_rules_check_str_or_list(v, x, k, (const char *const[]){"run", "previous", "any", NULL});
        else
            rc = VFAIL(v, "unknown event filter '%s' (see docs/rules.md, FILTER)", k);
        if (rc)
            return rc;
    }
    json_object_foreach((json_t *)c, k, x) {
        if (!strcmp(k, "events"))
            continue;
        int rc;
        if (sw_rules_in_list(k, (const char *const[]){"min", "max", "distinct_cpus_min", "distinct_cpus_max",
                                              "distinct_addrs_min", "distinct_addrs_max",
                                              "distinct_workers_max", "distinct_tasks_min", "distinct_tasks_max",
                                              "distinct_offsets_min", "distinct_offsets_max", NULL}))
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

int sw_rules_check_cond(struct vctx *v, const json_t *c, int depth)
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
            int rc = sw_rules_check_cond(v, e, depth + 1);
            if (rc)
                return rc;
        }
        return 0;
    }
    if ((x = json_object_get(c, "not"))) {
        if (json_object_size(c) != 1)
            return VFAIL(v, "'not' must be alone in its object");
        return sw_rules_check_cond(v, x, depth + 1);
    }
    if ((x = json_object_get(c, "use"))) {
        if (json_object_size(c) != 1 || !json_is_string(x))
            return VFAIL(v, "'use' must be alone and name a definition");
        const json_t *def = json_object_get(v->defs, json_string_value(x));
        if (!def)
            return VFAIL(v, "'use': no condition named '%s' in \"conditions\"", json_string_value(x));
        return sw_rules_check_cond(v, def, depth + 1);
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
            !sw_rules_in_list(json_string_value(x), (const char *const[]){"firmware", "visible", "host_current", "host_firmware", NULL}))
            return VFAIL(v, "'microcode' must be firmware, visible, host_current or host_firmware");
        int ops = 0;
        const char *k;
        const json_t *y;
        json_object_foreach((json_t *)c, k, y) {
            int rc = 0;
            if (!strcmp(k, "microcode"))
                continue;
            if (sw_rules_in_list(k, (const char *const[]){"lt", "le", "gt", "ge", "eq", "stream_mask", NULL}))
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
            !sw_rules_in_list(json_string_value(x), (const char *const[]){"whea", "guest_crash", "wsl_crashes", NULL}))
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
    if ((x = json_object_get(c, "workloads_ran"))) {
        if (json_object_size(c) != 1)
            return VFAIL(v, "'workloads_ran' must be alone in its object");
        int rc = sw_rules_check_str_or_list(v, x, "workloads_ran", NULL);
        if (rc)
            return rc;
        const json_t *one = json_is_string(x) ? x : NULL;
        for (size_t i = 0, n = one ? 1 : json_array_size(x); i < n; i++) {
            const char *name = json_string_value(one ? one : json_array_get(x, i));
            if (!sw_rules_in_list(name, k_workload_names))
                return VFAIL(v, "'workloads_ran' names unknown workload '%s' (see stresswsl list)", name);
        }
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
    return VFAIL(v, "unknown condition '%s' (all, any, not, use, fact, run, microcode, events, host, previous_run, history, workloads_ran)",
                 first);
}
