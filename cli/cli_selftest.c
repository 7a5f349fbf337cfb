/* The selftest's cases and its judge (see cli/selftest.h). The judge only reads report.json fields
 * documented in docs/report-schema.md, so it checks the whole path a user relies on: detector ->
 * event ring -> runner -> report.json, and the exit code. */
#include "cli/selftest.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/workload.h"

#define T(x) (1u << (x))
/* The lowest and highest user-space addresses a buffer can plausibly have (x86-64/arm64 with up to
 * 57-bit virtual addresses; the first page is never mapped). */
#define USER_VADDR_MIN 0x1000ull
#define USER_VADDR_END (1ull << 57)

/* What detects each kind of injected fault (enum sw_inject), for whichever workload honours it. */
static const struct sw_selftest_case by_kind[] = {
    {.inject = SW_INJ_BITFLIP, .fault = "bitflip", .what = "one bit flipped behind the verifier's back",
     .want_types = T(SW_EV_MEM_ERROR), .need_cpu = true, .need_addr = true, .one_bit = true},
    {.inject = SW_INJ_CORRUPT, .fault = "corrupt", .what = "a data block, argument or result corrupted",
     .want_types = T(SW_EV_MEM_ERROR) | T(SW_EV_VERIFY_ERROR), .need_cpu = true, .need_addr = true},
    {.inject = SW_INJ_SEGV, .fault = "segv", .what = "a child killed by SIGSEGV", .want_types = T(SW_EV_WORKER_SIGNAL),
     .want_signo = 11},
    {.inject = SW_INJ_WRONG, .fault = "wrong", .what = "a wrong but well-formed result",
     .want_types = T(SW_EV_VERIFY_ERROR), .need_cpu = true},
};
#define NKINDS (int)(sizeof by_kind / sizeof by_kind[0])

int sw_selftest_build(const struct sw_workload *const *wls, int nwl, struct sw_selftest_case *out, int cap)
{
    int n = 0;
    for (int w = 0; w < nwl && n < cap; w++)
        out[n++] = (struct sw_selftest_case){.workload = wls[w]->name, .fault = "clean", .what = "nothing"};
    for (int w = 0; w < nwl; w++)
        for (int k = 0; k < NKINDS && n < cap; k++)
            if (wls[w]->injects & by_kind[k].inject) {
                out[n] = by_kind[k];
                out[n++].workload = wls[w]->name;
            }
    return n;
}

/* Sizes that keep each case short and light; everything else stays at the workload's defaults. */
static const struct {
    const char *workload, *name, *value;
} tuning[] = {
    {"memory", "size", "8M"},       /* a pass takes a few ms even on a busy machine: the flip is found at once */
    {"heap", "max_size", "1M"},     /* still past the 128K mmap threshold                              */
    {"compile", "units", "4"},      /* the reference build of 16 units alone can take a second here     */
    {"pressure", "max", "64M"},     /* a small cgroup fills (and OOM-kills) within the second            */
    {"pressure", "life_ms", "100"},
};

int sw_selftest_tune(const struct sw_workload *wl, struct sw_params *p, struct sw_diag *d)
{
    for (size_t i = 0; i < sizeof tuning / sizeof tuning[0]; i++) {
        if (strcmp(tuning[i].workload, wl->name) != 0)
            continue;
        int rc = sw_params_set(p, wl->params, wl->name, tuning[i].name, tuning[i].value, d);
        if (rc < 0)
            return rc;
    }
    return 0;
}

const char *sw_selftest_fault_name(unsigned inject)
{
    switch (inject) {
    case 0:
        return "clean";
    case SW_INJ_BITFLIP:
        return "bitflip";
    case SW_INJ_CORRUPT:
        return "corrupt";
    case SW_INJ_SEGV:
        return "segv";
    case SW_INJ_WRONG:
        return "wrong";
    default:
        return "mixed";
    }
}

static const char *str_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static long long int_of(const json_t *o, const char *key, long long def)
{
    const json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

static uint64_t hex_of(const json_t *o, const char *key, bool *ok)
{
    const char *s = json_string_value(json_object_get(o, key));
    char *end;
    if (!s || strncmp(s, "0x", 2) != 0) {
        *ok = false;
        return 0;
    }
    uint64_t v = strtoull(s + 2, &end, 16);
    if (end == s + 2 || *end)
        *ok = false;
    return v;
}

/* "3", "0-3,8" -> is cpu in it; *single gets the CPU when the list is exactly one CPU, else -1. */
static bool cpulist_has(const char *list, int cpu, int *single)
{
    bool found = false;
    int count = 0, last = -1;
    for (const char *p = list; *p;) {
        char *end;
        long a = strtol(p, &end, 10), b = a;
        if (end == p)
            break;
        p = end;
        if (*p == '-') {
            b = strtol(p + 1, &end, 10);
            if (end == p + 1)
                break;
            p = end;
        }
        if (cpu >= a && cpu <= b)
            found = true;
        count += (int)(b - a + 1);
        last = (int)a;
        if (*p == ',')
            p++;
    }
    *single = count == 1 ? last : -1;
    return found;
}

/* The plan's placement entry of worker w for workload wl, or NULL. */
static const json_t *placement_of(const json_t *report, const char *wl, long long w)
{
    const json_t *phases = json_object_get(json_object_get(report, "plan"), "phases");
    size_t i, j, k;
    const json_t *ph, *wo, *pl;
    json_array_foreach(phases, i, ph)
    {
        json_array_foreach(json_object_get(ph, "workloads"), j, wo)
        {
            if (strcmp(str_of(wo, "name"), wl) != 0)
                continue;
            json_array_foreach(json_object_get(wo, "placement"), k, pl)
            {
                if (int_of(pl, "worker", -2) == w)
                    return pl;
            }
        }
    }
    return NULL;
}

/* ops, errors and worker exits of the workload in report.workloads[]; false if it is absent. */
static bool workload_totals(const json_t *report, const char *wl, long long *ops, long long *errors, char *bad_exit,
                            size_t len)
{
    const json_t *w;
    size_t i, k;
    bool seen = false;
    *ops = *errors = 0;
    bad_exit[0] = '\0';
    json_array_foreach(json_object_get(report, "workloads"), i, w)
    {
        if (strcmp(str_of(w, "name"), wl) != 0)
            continue;
        seen = true;
        *ops += int_of(w, "ops", 0);
        *errors += int_of(w, "errors", 0);
        const json_t *x;
        json_array_foreach(json_object_get(w, "worker_results"), k, x)
        {
            const char *e = str_of(x, "exit");
            if (strcmp(e, "ok") != 0 && !bad_exit[0])
                snprintf(bad_exit, len, "worker %lld exit '%s'", int_of(x, "worker", -1), e);
        }
    }
    return seen;
}

static int popcount64(uint64_t v)
{
    return __builtin_popcountll(v);
}

static bool is_error(const json_t *ev)
{
    const char *s = str_of(ev, "severity");
    return !strcmp(s, "error") || !strcmp(s, "fatal");
}

static int type_of(const json_t *ev)
{
    const char *t = str_of(ev, "type");
    for (int i = 0; i < SW_EV_TYPE_COUNT; i++)
        if (!strcmp(t, sw_ev_type_name((enum sw_ev_type)i)))
            return i;
    return -1;
}

/* Checks who an error event names: the case's workload, a worker of its plan, and that worker's CPU
 * when the worker was pinned to one. Returns false with why set. */
static bool attributed(const struct sw_selftest_case *c, const json_t *report, const json_t *ev, char *why,
                       size_t len)
{
    const char *wl = str_of(ev, "workload");
    long long worker = int_of(ev, "worker", -1), cpu = int_of(ev, "cpu", -1);
    if (strcmp(wl, c->workload) != 0) {
        snprintf(why, len, "%s event #%lld attributed to workload '%s', not '%s'", str_of(ev, "type"),
                 int_of(ev, "seq", -1), wl[0] ? wl : "(none)", c->workload);
        return false;
    }
    const json_t *pl = placement_of(report, c->workload, worker);
    if (!pl) {
        snprintf(why, len, "%s event #%lld names worker %lld, which the plan does not have", str_of(ev, "type"),
                 int_of(ev, "seq", -1), worker);
        return false;
    }
    int single;
    const char *cpus = str_of(pl, "cpus");
    bool in = cpulist_has(cpus, (int)cpu, &single);
    if (cpu >= 0 && cpus[0] && !in) {
        snprintf(why, len, "%s event #%lld says cpu %lld but worker %lld was pinned to cpus %s", str_of(ev, "type"),
                 int_of(ev, "seq", -1), cpu, worker, cpus);
        return false;
    }
    if (int_of(ev, "pid", 0) <= 0) {
        snprintf(why, len, "%s event #%lld has no pid", str_of(ev, "type"), int_of(ev, "seq", -1));
        return false;
    }
    return true;
}

/* Does this (attributed) error event prove the injected fault? Fills what with a description. */
static bool proves(const struct sw_selftest_case *c, const json_t *report, const json_t *ev, char *what, size_t len)
{
    int t = type_of(ev);
    long long cpu = int_of(ev, "cpu", -1);
    if (t < 0 || !(c->want_types & (1u << t)))
        return false;
    if (c->need_cpu && cpu < 0)
        return false;
    const json_t *pl = placement_of(report, c->workload, int_of(ev, "worker", -1));
    const char *cpus = str_of(pl, "cpus");
    size_t off;
    if (cpu >= 0 || !cpus[0])
        off = (size_t)snprintf(what, len, "%s by worker %lld on cpu %lld", str_of(ev, "type"),
                               int_of(ev, "worker", -1), cpu);
    else   /* a child's fault: the worker cannot know the child's CPU, but the child inherited its pinning */
        off = (size_t)snprintf(what, len, "%s by worker %lld (child of the worker pinned to cpu %s)",
                               str_of(ev, "type"), int_of(ev, "worker", -1), cpus);
    if (off >= len)
        off = len - 1;
    if (c->want_signo > 0) {
        const json_t *f = json_object_get(ev, "fault");
        if (int_of(f, "signo", 0) != c->want_signo)
            return false;
        snprintf(what + off, len - off, ": %s signal %lld (%s)", str_of(ev, "what"), int_of(f, "signo", 0),
                 str_of(f, "signal"));
        return true;
    }
    if (t == SW_EV_MEM_ERROR) {
        const json_t *m = json_object_get(ev, "mem");
        bool ok = true;
        uint64_t va = hex_of(m, "vaddr", &ok), fl = hex_of(m, "flipped_bits", &ok);
        uint64_t ex = hex_of(m, "expected", &ok), ac = hex_of(m, "actual", &ok);
        if (!ok || ex == ac || (ex ^ ac) != fl)
            return false;
        if (c->need_addr && (va < USER_VADDR_MIN || va >= USER_VADDR_END))
            return false;
        if (c->one_bit && popcount64(fl) != 1)
            return false;
        snprintf(what + off, len - off, ": %s at 0x%" PRIx64 " flipped 0x%" PRIx64 " (%d bit%s)", str_of(ev, "what"),
                 va, fl, popcount64(fl), popcount64(fl) == 1 ? "" : "s");
        return true;
    }
    if (t == SW_EV_VERIFY_ERROR) {
        const json_t *v = json_object_get(ev, "verify");
        bool ok = true;
        uint64_t want = hex_of(v, "want", &ok), got = hex_of(v, "got", &ok);
        if (!ok || want == got)
            return false;
        snprintf(what + off, len - off, ": %s want 0x%" PRIx64 " got 0x%" PRIx64, str_of(ev, "what"), want, got);
        return true;
    }
    snprintf(what + off, len - off, ": %s", str_of(ev, "what"));
    return true;
}

void sw_selftest_judge(const struct sw_selftest_case *c, const json_t *report, int exit_code,
                       struct sw_selftest_verdict *v)
{
    memset(v, 0, sizeof *v);
    if (!json_is_object(report)) {
        snprintf(v->detail, sizeof v->detail, "no report.json");
        return;
    }
    long long rep_exit = int_of(json_object_get(report, "run"), "exit_code", -1);
    long long ops, errors;
    char bad_exit[96];
    bool seen = workload_totals(report, c->workload, &ops, &errors, bad_exit, sizeof bad_exit);
    v->ops = ops;
    if (!seen) {
        snprintf(v->detail, sizeof v->detail, "report.json has no results for workload '%s'", c->workload);
        return;
    }
    const json_t *events = json_object_get(report, "events");
    if (!json_is_array(events)) {
        snprintf(v->detail, sizeof v->detail, "report.json has no events array");
        return;
    }
    const json_t *ev, *first_error = NULL;
    size_t i;
    char why[240] = "", what[240] = "", first_what[240] = "";
    bool misattributed = false;
    json_array_foreach(events, i, ev)
    {
        if (!is_error(ev))
            continue;
        v->error_events++;
        if (!first_error)
            first_error = ev;
        if (!misattributed && !attributed(c, report, ev, why, sizeof why)) {
            misattributed = true;
            continue;
        }
        if (c->inject && proves(c, report, ev, what, sizeof what) && v->matched++ == 0)
            memcpy(first_what, what, sizeof first_what);
    }
    if (rep_exit != exit_code) {
        snprintf(v->detail, sizeof v->detail, "the runner returned exit %d but report.json says %lld", exit_code,
                 rep_exit);
        return;
    }
    if (!c->inject) {
        if (v->error_events) {
            snprintf(v->detail, sizeof v->detail, "clean run reported %d error event(s), first: %s: %s",
                     v->error_events, str_of(first_error, "type"), str_of(first_error, "text"));
        } else if (errors) {
            snprintf(v->detail, sizeof v->detail, "clean run counted %lld error(s)", errors);
        } else if (exit_code != 0) {
            snprintf(v->detail, sizeof v->detail, "clean run exited %d (want 0)", exit_code);
        } else if (bad_exit[0]) {
            snprintf(v->detail, sizeof v->detail, "clean run: %s", bad_exit);
        } else if (ops <= 0) {
            snprintf(v->detail, sizeof v->detail, "clean run did no work (0 ops)");
        } else {
            v->pass = true;
            snprintf(v->detail, sizeof v->detail, "exit 0, %lld ops, no error events", ops);
        }
        return;
    }
    if (misattributed) {
        snprintf(v->detail, sizeof v->detail, "%s", why);
    } else if (!v->matched) {
        if (first_error)
            snprintf(v->detail, sizeof v->detail, "not detected as injected: %d error event(s) but none fits, first: "
                                                  "%s cpu %lld: %s",
                     v->error_events, str_of(first_error, "type"), int_of(first_error, "cpu", -1),
                     str_of(first_error, "text"));
        else
            snprintf(v->detail, sizeof v->detail, "not detected: no error event in report.json (exit %d, %lld ops)",
                     exit_code, ops);
    } else if (exit_code != 1) {
        snprintf(v->detail, sizeof v->detail, "detected (%s) but the run exited %d, not 1", first_what, exit_code);
    } else if (errors <= 0) {
        snprintf(v->detail, sizeof v->detail, "detected (%s) but the workload's error count is 0", first_what);
    } else if (bad_exit[0]) {
        snprintf(v->detail, sizeof v->detail, "detected, but %s", bad_exit);
    } else {
        v->pass = true;
        snprintf(v->detail, sizeof v->detail, "%s; %d event(s), exit 1", first_what, v->matched);
    }
}
