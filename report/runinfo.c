/* The run's conditions every writer shows beside the environment: which tool version wrote it,
 * whether the kernel log was watched (and why not), the vCPUs, the cgroup memory limit, how loaded
 * the machine was and how much time the hypervisor stole, and whether the faults were injected on
 * purpose (a synthetic report). Also the exact command to reproduce the run, with its seed. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report/rfacts.h"
#include "report/writers.h"

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* One row, its value formatted in place. */
__attribute__((format(printf, 5, 6))) static void rowf(struct sw_env_row *rows, int *n, int max, const char *label,
                                                       const char *fmt, ...)
{
    if (*n >= max)
        return;
    snprintf(rows[*n].label, sizeof rows[*n].label, "%s", label);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rows[*n].value, sizeof rows[*n].value, fmt, ap);
    va_end(ap);
    (*n)++;
}

bool sw_report_is_synthetic(const json_t *report)
{
    return json_is_true(json_object_get(json_object_get(report, "run"), "synthetic"));
}

/* "no: why" from the runner's note when the kernel-log watcher could not run or stopped early. */
static const char *kmsg_watch(const json_t *report, char *buf, size_t cap)
{
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(report, "events"), i, e) {
        const char *t = str(e, "text");
        if (!strcmp(str(e, "type"), "note") && !strncmp(t, "monitor kmsg", 12)) {
            snprintf(buf, cap, "%s: %s", strstr(t, "ended early") ? "partly" : "no", t + 8);
            return buf;
        }
    }
    snprintf(buf, cap, "yes (/dev/kmsg, throughout the run)");
    return buf;
}

int sw_report_run_rows(const json_t *report, struct sw_env_row *rows, int max)
{
    const json_t *run = json_object_get(report, "run"), *plan = json_object_get(report, "plan");
    const json_t *budget = json_object_get(plan, "budget"), *load = json_object_get(report, "load");
    int n = 0;
    char v[256], a[64];
    const char *ver = str(json_object_get(report, "tool"), "version");
    snprintf(v, sizeof v, "stresswsl %s", *ver ? ver : "(version not recorded)");
    rowf(rows, &n, max, "Tool", "%s", v);
    if (sw_report_is_synthetic(report)) {
        snprintf(v, sizeof v, "SYNTHETIC: faults were injected on purpose (");
        size_t i;
        const json_t *x;
        json_array_foreach(json_object_get(run, "injected"), i, x)
            snprintf(v + strlen(v), sizeof v - strlen(v), "%s%s", i ? ", " : "", json_string_value(x));
        snprintf(v + strlen(v), sizeof v - strlen(v), "); its errors say nothing about this machine");
        rowf(rows, &n, max, "Injected faults", "%s", v);
    }
    rowf(rows, &n, max, "Kernel log watched", "%s", kmsg_watch(report, v, sizeof v));
    long long cpus = json_integer_value(json_object_get(budget, "online_cpus"));
    long long pus = json_integer_value(json_object_get(json_object_get(plan, "topology"), "pus"));
    if (cpus > 0) {
        snprintf(v, sizeof v, "%lld online%s", cpus, json_is_true(json_object_get(plan, "is_vm")) ? " (virtual CPUs)" : "");
        if (pus > 0 && pus != cpus)
            snprintf(v + strlen(v), sizeof v - strlen(v), ", %lld in the topology", pus);
        rowf(rows, &n, max, "CPUs", "%s", v);
    }
    const json_t *cg = json_object_get(budget, "cgroup_mem_max");
    long long cgv = json_integer_value(json_object_get(budget, "cgroup_version"));
    if (json_is_number(cg))
        snprintf(v, sizeof v, "%s (cgroup v%lld)", sw_fmt_size(sw_json_number(cg), a, sizeof a), cgv);
    else if (budget)
        snprintf(v, sizeof v, "none%s", cgv ? (cgv == 1 ? " (cgroup v1)" : " (cgroup v2)") : "");
    else
        snprintf(v, sizeof v, "not recorded");
    rowf(rows, &n, max, "cgroup memory limit", "%s", v);
    if (json_is_object(load)) {
        const json_t *lb = json_object_get(load, "loadavg_before"), *la = json_object_get(load, "loadavg_after");
        if (json_is_number(lb)) {
            char after[32] = "unknown";
            if (json_is_number(la))
                snprintf(after, sizeof after, "%.2f", sw_json_number(la));
            long long lc = json_integer_value(json_object_get(load, "cpus"));
            snprintf(v, sizeof v, "%.2f before the run (other work), %s at its end (1-minute load average)%s",
                     sw_json_number(lb), after,
                     lc > 0 && sw_json_number(lb) >= 0.5 * (double)lc
                         ? "; the machine was already busy: rates are not comparable with a quiet run" : "");
            rowf(rows, &n, max, "Load", "%s", v);
        }
        const json_t *st = json_object_get(load, "steal_pct"), *busy = json_object_get(load, "busy_pct");
        if (json_is_number(st)) {
            snprintf(v, sizeof v, "%.1f%% of CPU time during the run%s; the guest was busy %.1f%%", sw_json_number(st),
                     sw_json_number(st) >= 5 ? " (the host was busy elsewhere: rates are lower than the machine can do)" : "",
                     sw_json_number(busy));
            rowf(rows, &n, max, "Steal (hypervisor)", "%s", v);
        }
    }
    return n;
}

const char *sw_report_reproduce(const json_t *report, char *buf, size_t cap)
{
    const json_t *run = json_object_get(report, "run");
    const char *cmd = *str(run, "command") ? str(run, "command") : "stresswsl";
    const json_t *seed = json_object_get(run, "seed");
    /* The seed makes the run repeat exactly; add it unless the command already fixed it. */
    if (json_is_integer(seed) && json_integer_value(seed) > 0 && !strstr(cmd, "--seed"))
        snprintf(buf, cap, "%s --seed %llu", cmd, (unsigned long long)json_integer_value(seed));
    else
        snprintf(buf, cap, "%s", cmd);
    return buf;
}
