/* Profile loading: JSON -> struct sw_job, strictly validated before anything starts. Every error is
 * one line naming the file, the JSON path of the bad value and what is allowed; jansson only knows
 * line/column for syntax errors, so those carry them. */
#include "core/profile.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/json_file.h"
#include "core/units.h"


struct pctx {
    const char *file;
    const struct sw_workload *const *table;
    int n;
    struct sw_diag *d;
};

static int perr(struct pctx *c, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int perr(struct pctx *c, const char *path, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sw_fail(c->d, -EINVAL, "%s: %s: %s", c->file, path, msg);
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

/* Unknown keys are errors: a typo ("wieght") must not silently fall back to a default. */
static int check_keys(struct pctx *c, const json_t *obj, const char *path, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok) {
            char list[256] = "";
            size_t off = 0;
            for (const char *const *a = allowed; *a && off < sizeof list; a++)
                off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", off ? ", " : "", *a);
            return perr(c, path, "unknown key '%s' (allowed: %s)", key, list);
        }
    }
    return 0;
}

static int get_string(struct pctx *c, const json_t *v, const char *path, char *out, size_t len, bool nonempty)
{
    if (!json_is_string(v))
        return perr(c, path, "must be a string (got %s)", type_name(v));
    const char *s = json_string_value(v);
    if (strlen(s) >= len)
        return perr(c, path, "is longer than %zu characters", len - 1);
    if (nonempty && !*s)
        return perr(c, path, "must not be empty");
    snprintf(out, len, "%s", s);
    return 0;
}

/* A duration: a string with units ("90s", "10m") or an integer number of seconds. */
static int get_duration(struct pctx *c, const json_t *v, const char *path, uint64_t *ms)
{
    struct sw_diag inner;
    if (json_is_integer(v)) {
        json_int_t s = json_integer_value(v);
        if (s <= 0 || s > 30ll * 86400)
            return perr(c, path, "must be from 1 second to 30 days (got %lld)", (long long)s);
        *ms = (uint64_t)s * 1000;
        return 0;
    }
    if (!json_is_string(v))
        return perr(c, path, "must be a duration such as \"90s\", \"10m\" or \"2h\" (got %s)", type_name(v));
    if (sw_parse_duration_ms(json_string_value(v), ms, &inner) < 0)
        return perr(c, path, "%s", inner.msg);
    return 0;
}

static int get_int(struct pctx *c, const json_t *v, const char *path, long long lo, long long hi, long long *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        if (json_is_integer(v))
            return perr(c, path, "must be an integer from %lld to %lld (got %lld)", lo, hi,
                        (long long)json_integer_value(v));
        return perr(c, path, "must be an integer from %lld to %lld (got %s)", lo, hi, type_name(v));
    }
    *out = (long long)json_integer_value(v);
    return 0;
}

const struct sw_workload *sw_profile_find_workload(const struct sw_workload *const *table, int n, const char *name,
                                                   int *id)
{
    for (int i = 0; i < n; i++)
        if (table[i] && strcmp(table[i]->name, name) == 0) {
            if (id)
                *id = i;
            return table[i];
        }
    return NULL;
}

const char *sw_profile_workload_names(const struct sw_workload *const *table, int n, char *buf, size_t len)
{
    size_t off = 0;
    if (!len)
        return buf;
    buf[0] = '\0';
    for (int i = 0; i < n && off < len; i++)
        off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "", table[i]->name);
    if (!n)
        snprintf(buf, len, "none are built in");
    return buf;
}

int sw_job_workload_check(const struct sw_job_workload *w, struct sw_diag *d)
{
    if (w->pin == SW_PIN_CYCLE && !(w->count_kind == SW_COUNT_EXACT && w->count == 1))
        return sw_fail(d, -EINVAL,
                       "pin 'cycle' runs exactly 1 worker that visits every CPU in turn: set workers to 1 or use "
                       "another pin policy");
    return 0;
}

/* "auto", an integer 1..SW_MAX_WORKERS, or "NN%" of the CPUs (1%..100%: more workers than CPUs is a count). */
static int get_workers(struct pctx *c, const json_t *v, const char *path, struct sw_job_workload *w)
{
    static const char allowed[] = "\"auto\", a count from 1 to 4096, or a share of the CPUs from \"1%\" to \"100%\" "
                                  "(for more workers than CPUs give a count)";
    if (json_is_integer(v)) {
        json_int_t x = json_integer_value(v);
        if (x < 1 || x > SW_MAX_WORKERS)
            return perr(c, path, "must be %s (got %lld)", allowed, (long long)x);
        w->count_kind = SW_COUNT_EXACT;
        w->count = (int)x;
        return 0;
    }
    if (!json_is_string(v))
        return perr(c, path, "must be %s (got %s)", allowed, type_name(v));
    const char *s = json_string_value(v);
    if (strcmp(s, "auto") == 0) {
        w->count_kind = SW_COUNT_AUTO;
        return 0;
    }
    char *end;
    errno = 0;
    double pct = strtod(s, &end);
    if (end != s && strcmp(end, "%") == 0 && !errno && pct >= 1 && pct <= 100) {
        w->count_kind = SW_COUNT_SHARE;
        w->share = pct / 100.0;
        return 0;
    }
    return perr(c, path, "must be %s (got \"%s\")", allowed, s);
}

/* Parameter values may be strings, integers or booleans; each is checked by the workload's defs. */
static int get_params(struct pctx *c, const json_t *obj, const char *path, struct sw_job_workload *w)
{
    if (!json_is_object(obj))
        return perr(c, path, "must be an object of name: value (got %s)", type_name(obj));
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        char text[SW_PARAM_STR];
        char sub[160];
        snprintf(sub, sizeof sub, "%s.%s", path, key);
        if (json_is_string(v))
            snprintf(text, sizeof text, "%s", json_string_value(v));
        else if (json_is_integer(v))
            snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
        else if (json_is_boolean(v))
            snprintf(text, sizeof text, "%s", json_is_true(v) ? "true" : "false");
        else
            return perr(c, sub, "must be a string, an integer or true/false (got %s)", type_name(v));
        struct sw_diag inner;
        if (sw_params_set(&w->params, w->wl->params, w->wl->name, key, text, &inner) < 0)
            return perr(c, sub, "%s", inner.msg);
    }
    return 0;
}

static int load_workload(struct pctx *c, const json_t *o, const char *path, struct sw_job_workload *w)
{
    static const char *const keys[] = {"workload", "workers", "pin", "params", NULL};
    char sub[160];
    if (!json_is_object(o))
        return perr(c, path, "must be an object {\"workload\": NAME, ...} (got %s)", type_name(o));
    int rc = check_keys(c, o, path, keys);
    if (rc < 0)
        return rc;
    json_t *name = json_object_get(o, "workload");
    snprintf(sub, sizeof sub, "%s.workload", path);
    if (!name)
        return perr(c, path, "missing \"workload\" (the name of a workload: see 'stresswsl list')");
    if (!json_is_string(name))
        return perr(c, sub, "must be a string (got %s)", type_name(name));
    w->wl = sw_profile_find_workload(c->table, c->n, json_string_value(name), &w->workload_id);
    if (!w->wl) {
        char known[256];
        return perr(c, sub, "unknown workload '%s' (known: %s)", json_string_value(name),
                    sw_profile_workload_names(c->table, c->n, known, sizeof known));
    }
    struct sw_diag inner;
    if (sw_params_defaults(&w->params, w->wl->params, &inner) < 0)
        return perr(c, sub, "%s", inner.msg);

    w->pin = SW_PIN_NONE;
    json_t *pin = json_object_get(o, "pin");
    if (pin) {
        snprintf(sub, sizeof sub, "%s.pin", path);
        int p = json_is_string(pin) ? sw_pin_from_name(json_string_value(pin)) : -1;
        if (p < 0)
            return perr(c, sub, "unknown pin policy %s%s%s (allowed: %s)", json_is_string(pin) ? "'" : "",
                        json_is_string(pin) ? json_string_value(pin) : type_name(pin), json_is_string(pin) ? "'" : "",
                        sw_pin_names_allowed());
        w->pin = (enum sw_pin)p;
    }
    json_t *workers = json_object_get(o, "workers");
    snprintf(sub, sizeof sub, "%s.workers", path);
    if (workers) {
        if ((rc = get_workers(c, workers, sub, w)) < 0)
            return rc;
    } else if (w->pin == SW_PIN_CYCLE) {
        w->count_kind = SW_COUNT_EXACT;   /* cycle means one worker; no need to say it twice */
        w->count = 1;
    } else {
        w->count_kind = SW_COUNT_AUTO;
    }
    if (sw_job_workload_check(w, &inner) < 0)
        return perr(c, sub, "%s", inner.msg);
    json_t *params = json_object_get(o, "params");
    if (params) {
        snprintf(sub, sizeof sub, "%s.params", path);
        if ((rc = get_params(c, params, sub, w)) < 0)
            return rc;
        if (w->wl->check_params && w->wl->check_params(&w->params, &inner) < 0)
            return perr(c, sub, "%s", inner.msg);
    }
    return 0;
}

int sw_job_params_check(const struct sw_job *job, struct sw_diag *d)
{
    for (int p = 0; p < job->nphases; p++)
        for (int i = 0; i < job->phases[p].n; i++) {
            const struct sw_job_workload *w = &job->phases[p].wl[i];
            if (w->wl->check_params && w->wl->check_params(&w->params, d) < 0)
                return -EINVAL;
        }
    return 0;
}

static int load_phase(struct pctx *c, const json_t *o, const char *path, struct sw_job_phase *ph)
{
    static const char *const keys[] = {"name", "weight", "duty", "workloads", NULL};
    char sub[128];
    if (!json_is_object(o))
        return perr(c, path, "must be an object {\"name\": ..., \"workloads\": [...]} (got %s)", type_name(o));
    int rc = check_keys(c, o, path, keys);
    if (rc < 0)
        return rc;
    json_t *name = json_object_get(o, "name");
    snprintf(sub, sizeof sub, "%s.name", path);
    if (!name)
        return perr(c, path, "missing \"name\" (a short phase name such as \"build\")");
    if ((rc = get_string(c, name, sub, ph->name, sizeof ph->name, true)) < 0)
        return rc;

    ph->weight = 1;
    json_t *weight = json_object_get(o, "weight");
    if (weight) {
        snprintf(sub, sizeof sub, "%s.weight", path);
        if (!json_is_number(weight) || json_number_value(weight) <= 0 || json_number_value(weight) > 1000)
            return perr(c, sub, "must be a number above 0 and at most 1000 (the phase's share of the duration)");
        ph->weight = json_number_value(weight);
    }

    json_t *duty = json_object_get(o, "duty");
    if (duty) {
        static const char *const dkeys[] = {"on", "off", NULL};
        snprintf(sub, sizeof sub, "%s.duty", path);
        if (!json_is_object(duty))
            return perr(c, sub, "must be an object {\"on\": \"2s\", \"off\": \"1s\"} (got %s)", type_name(duty));
        if ((rc = check_keys(c, duty, sub, dkeys)) < 0)
            return rc;
        uint64_t on = 0, off = 0;
        const char *which[] = {"on", "off"};
        uint64_t *dst[] = {&on, &off};
        for (int i = 0; i < 2; i++) {
            json_t *v = json_object_get(duty, which[i]);
            snprintf(sub, sizeof sub, "%s.duty.%s", path, which[i]);
            if (!v)
                return perr(c, sub, "missing (both \"on\" and \"off\" are needed, e.g. \"2s\" and \"1s\")");
            if ((rc = get_duration(c, v, sub, dst[i])) < 0)
                return rc;
            if (*dst[i] < 100 || *dst[i] > 3600000)
                return perr(c, sub, "must be from 100ms to 1h");
        }
        ph->duty_on_ms = (unsigned)on;
        ph->duty_off_ms = (unsigned)off;
    }

    json_t *wls = json_object_get(o, "workloads");
    snprintf(sub, sizeof sub, "%s.workloads", path);
    if (!wls)
        return perr(c, path, "missing \"workloads\" (a list of {\"workload\": NAME, ...})");
    if (!json_is_array(wls) || json_array_size(wls) < 1 || json_array_size(wls) > SW_PHASE_MAX_WORKLOADS)
        return perr(c, sub, "must be a list of 1 to %d workloads (got %s%s)", SW_PHASE_MAX_WORKLOADS,
                    json_is_array(wls) ? "a list of " : type_name(wls),
                    json_is_array(wls) ? (json_array_size(wls) ? "more" : "none") : "");
    size_t i;
    json_t *w;
    json_array_foreach(wls, i, w) {
        char wpath[160];
        snprintf(wpath, sizeof wpath, "%s[%zu]", sub, i);
        if ((rc = load_workload(c, w, wpath, &ph->wl[ph->n])) < 0)
            return rc;
        ph->n++;
    }
    return 0;
}

int sw_job_set_duration(struct sw_job *job, uint64_t total_ms, struct sw_diag *d)
{
    double sum = 0, wmin = 0;
    unsigned trials = job->trials ? job->trials : 1;
    for (int i = 0; i < job->nphases; i++) {
        sum += job->phases[i].weight;
        if (i == 0 || job->phases[i].weight < wmin)
            wmin = job->phases[i].weight;
    }
    if (job->nphases == 0 || sum <= 0)
        return sw_fail(d, -EINVAL, "the job has no phases to run");
    /* The duration covers all trials; the shortest phase of a trial must still get SW_MIN_PHASE_MS. */
    uint64_t per_trial = total_ms / trials;
    if ((double)per_trial * wmin / sum < SW_MIN_PHASE_MS) {
        uint64_t need = ((uint64_t)((double)SW_MIN_PHASE_MS * sum / wmin) * trials + 999) / 1000 * 1000;
        char got[32], min[32];
        return sw_fail(d, -EINVAL,
                       "duration %s is too short for profile '%s': %u trial%s of %d phases need at least %s "
                       "(each phase gets at least %ds)",
                       sw_format_duration(total_ms, got, sizeof got), job->profile, trials, trials == 1 ? "" : "s",
                       job->nphases, sw_format_duration(need, min, sizeof min), SW_MIN_PHASE_MS / 1000);
    }
    job->duration_ms = total_ms;
    uint64_t given = 0;
    for (int i = 0; i < job->nphases; i++) {
        /* The last phase takes the rounding remainder so a trial adds up to total / trials exactly. */
        uint64_t ms = i == job->nphases - 1 ? per_trial - given
                                            : (uint64_t)((double)per_trial * job->phases[i].weight / sum);
        job->phases[i].duration_ms = ms;
        given += ms;
    }
    return 0;
}

static void base_name(const char *path, char *out, size_t len)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    if (n > 5 && strcmp(b + n - 5, ".json") == 0)
        n -= 5;
    if (n >= len)
        n = len - 1;
    memcpy(out, b, n);
    out[n] = '\0';
}

#define PROFILE_MAX_BYTES (1u << 20)   /* the shipped profiles are under 2 KiB */

int sw_profile_load_file(const char *path, const struct sw_workload *const *table, int n, struct sw_job *job,
                         struct sw_diag *d)
{
    static const char *const keys[] = {"schema", "name", "description", "duration", "seed",
                                       "memory", "trials", "phases", NULL};
    struct pctx c = {.file = path, .table = table, .n = n, .d = d};
    memset(job, 0, sizeof *job);
    job->trials = 1;
    json_error_t je;
    bool too_big;
    json_t *root = sw_json_load_bounded(path, PROFILE_MAX_BYTES, JSON_REJECT_DUPLICATES, &je, &too_big);
    if (too_big)
        return sw_fail_input(d, -EFBIG, "%s: larger than %u KiB, more than any profile: is it the right file?", path,
                             PROFILE_MAX_BYTES >> 10);
    if (!root) {
        if (je.line > 0)
            return sw_fail(d, -EINVAL, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        return sw_fail(d, -ENOENT, "cannot read profile '%s': %s", path, je.text);
    }
    int rc = 0;
    long long x;
    json_t *v;
    char sub[64];
    if (!json_is_object(root)) {
        rc = perr(&c, "(top level)", "must be an object {\"schema\": 1, ...} (got %s)", type_name(root));
        goto out;
    }
    if ((rc = check_keys(&c, root, "(top level)", keys)) < 0)
        goto out;
    v = json_object_get(root, "schema");
    if (!v) {
        rc = perr(&c, "schema", "missing (this stresswsl reads \"schema\": %d)", SW_PROFILE_SCHEMA);
        goto out;
    }
    if (!json_is_integer(v) || json_integer_value(v) != SW_PROFILE_SCHEMA) {
        rc = perr(&c, "schema", "unsupported schema (this stresswsl reads \"schema\": %d)", SW_PROFILE_SCHEMA);
        goto out;
    }
    base_name(path, job->profile, sizeof job->profile);
    if ((v = json_object_get(root, "name")) &&
        (rc = get_string(&c, v, "name", job->profile, sizeof job->profile, true)) < 0)
        goto out;
    if ((v = json_object_get(root, "description")) &&
        (rc = get_string(&c, v, "description", job->description, sizeof job->description, false)) < 0)
        goto out;
    snprintf(job->profile_source, sizeof job->profile_source, "%s", path);
    uint64_t total = 0;
    if (!(v = json_object_get(root, "duration"))) {
        rc = perr(&c, "duration", "missing (the default run time, e.g. \"10m\")");
        goto out;
    }
    if ((rc = get_duration(&c, v, "duration", &total)) < 0)
        goto out;
    if ((v = json_object_get(root, "seed"))) {
        if ((rc = get_int(&c, v, "seed", 1, LLONG_MAX, &x)) < 0)
            goto out;
        job->seed = (uint64_t)x;
    }
    if ((v = json_object_get(root, "trials"))) {
        if ((rc = get_int(&c, v, "trials", 1, 100, &x)) < 0)
            goto out;
        job->trials = (unsigned)x;
    }
    if ((v = json_object_get(root, "memory"))) {
        struct sw_diag inner;
        if (!json_is_string(v)) {
            rc = perr(&c, "memory", "must be a size such as \"4G\" or a share of memory such as \"50%%\" (got %s)",
                      type_name(v));
            goto out;
        }
        if (sw_parse_size_or_percent(json_string_value(v), &job->mem_limit, &job->mem_percent, &inner) < 0) {
            rc = perr(&c, "memory", "%s", inner.msg);
            goto out;
        }
        if (!job->mem_percent && job->mem_limit < (1u << 20)) {
            rc = perr(&c, "memory", "must be at least 1M (got \"%s\")", json_string_value(v));
            goto out;
        }
    }
    v = json_object_get(root, "phases");
    if (!v) {
        rc = perr(&c, "phases", "missing (a list of phases, each with workloads)");
        goto out;
    }
    if (!json_is_array(v) || json_array_size(v) < 1 || json_array_size(v) > SW_JOB_MAX_PHASES) {
        rc = perr(&c, "phases", "must be a list of 1 to %d phases (got %s)", SW_JOB_MAX_PHASES,
                  json_is_array(v) ? (json_array_size(v) ? "too many" : "an empty list") : type_name(v));
        goto out;
    }
    size_t i;
    json_t *ph;
    json_array_foreach(v, i, ph) {
        snprintf(sub, sizeof sub, "phases[%zu]", i);
        if ((rc = load_phase(&c, ph, sub, &job->phases[job->nphases])) < 0)
            goto out;
        job->nphases++;
    }
    {
        struct sw_diag inner;
        if ((rc = sw_job_set_duration(job, total, &inner)) < 0)
            rc = perr(&c, "duration", "%s", inner.msg);
    }
out:
    json_decref(root);
    return rc;
}

/* --- finding profiles -------------------------------------------------------------------------- */

int sw_profile_dirs(char dirs[][SW_DATA_PATH], int max)
{
    return sw_data_dirs("profiles", getenv("STRESSWSL_PROFILE_DIR"), dirs, max);
}

static bool is_name(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && !strchr(s, '/') && !(n >= 5 && strcmp(s + n - 5, ".json") == 0);
}

int sw_profile_resolve(const char *name_or_path, char *path, size_t len, struct sw_diag *d)
{
    if (!name_or_path || !*name_or_path)
        return sw_fail(d, -EINVAL, "empty profile name: give a name from 'stresswsl list' or a file path");
    if (!is_name(name_or_path)) {
        if (access(name_or_path, R_OK) != 0)
            return sw_fail(d, -errno, "cannot read profile file '%s': %s", name_or_path, strerror(errno));
        snprintf(path, len, "%s", name_or_path);
        return 0;
    }
    char dirs[SW_PROFILE_MAX_DIRS][512];
    int nd = sw_profile_dirs(dirs, SW_PROFILE_MAX_DIRS);
    char looked[1024] = "";
    size_t off = 0;
    for (int i = 0; i < nd; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s.json", dirs[i], name_or_path);
        if (access(p, R_OK) == 0) {
            if (strlen(p) >= len)
                return sw_fail(d, -ENAMETOOLONG, "profile path '%s' is too long", p);
            snprintf(path, len, "%s", p);
            return 0;
        }
        if (off < sizeof looked)
            off += (size_t)snprintf(looked + off, sizeof looked - off, "%s%s", off ? ", " : "", dirs[i]);
    }
    return sw_fail(d, -ENOENT, "no profile named '%s' (looked in: %s): see 'stresswsl list' or give a file path",
                   name_or_path, nd ? looked : "no profile directory exists; set STRESSWSL_PROFILE_DIR");
}

int sw_profile_load(const char *name_or_path, const struct sw_workload *const *table, int n, struct sw_job *job,
                    struct sw_diag *d)
{
    char path[512];
    int rc = sw_profile_resolve(name_or_path, path, sizeof path, d);
    if (rc < 0)
        return rc;
    return sw_profile_load_file(path, table, n, job, d);
}

/* For a profile that does not validate, still show what it says it is. */
static void peek(struct sw_profile_entry *pe)
{
    json_error_t je;
    bool too_big;
    json_t *root = sw_json_load_bounded(pe->path, PROFILE_MAX_BYTES, 0, &je, &too_big);
    json_t *v;
    uint64_t ms;
    if (!root)
        return;
    if ((v = json_object_get(root, "description")) && json_is_string(v))
        snprintf(pe->description, sizeof pe->description, "%s", json_string_value(v));
    if ((v = json_object_get(root, "duration")) && json_is_string(v) &&
        sw_parse_duration_ms(json_string_value(v), &ms, NULL) == 0)
        pe->duration_ms = ms;
    json_decref(root);
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct sw_profile_entry *)a)->name, ((const struct sw_profile_entry *)b)->name);
}

int sw_profile_list(const struct sw_workload *const *table, int n, struct sw_profile_entry *out, int max,
                    struct sw_diag *d)
{
    char dirs[SW_PROFILE_MAX_DIRS][512];
    int nd = sw_profile_dirs(dirs, SW_PROFILE_MAX_DIRS);
    int count = 0;
    struct sw_job *job = malloc(sizeof *job);
    if (!job)
        return sw_fail(d, -ENOMEM, "out of memory listing profiles");
    for (int i = 0; i < nd; i++) {
        DIR *dp = opendir(dirs[i]);
        if (!dp)
            continue;
        struct dirent *e;
        while ((e = readdir(dp)) && count < max) {
            size_t len = strlen(e->d_name);
            if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0 || e->d_name[0] == '.')
                continue;
            char name[64];
            base_name(e->d_name, name, sizeof name);
            bool seen = false;
            for (int k = 0; k < count && !seen; k++)
                seen = strcmp(out[k].name, name) == 0;   /* an earlier directory overrides */
            if (seen)
                continue;
            struct sw_profile_entry *pe = &out[count++];
            memset(pe, 0, sizeof *pe);
            snprintf(pe->name, sizeof pe->name, "%s", name);
            size_t dl = strlen(dirs[i]);
            if (dl + 1 + len >= sizeof pe->path) {
                count--;
                continue;
            }
            memcpy(pe->path, dirs[i], dl);
            pe->path[dl] = '/';
            memcpy(pe->path + dl + 1, e->d_name, len + 1);
            struct sw_diag inner;
            if (sw_profile_load_file(pe->path, table, n, job, &inner) < 0) {
                snprintf(pe->error, sizeof pe->error, "%s", inner.msg);
                peek(pe);
                continue;
            }
            snprintf(pe->description, sizeof pe->description, "%s", job->description);
            pe->duration_ms = job->duration_ms;
        }
        closedir(dp);
    }
    free(job);
    qsort(out, (size_t)count, sizeof *out, cmp_entry);
    return count;
}
