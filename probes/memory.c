/* memory.*: /proc/meminfo and the cgroup limits (v2, else v1) that really bound a run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/budget.h"
#include "probes/probe_int.h"

static void meminfo(struct sw_probe_ctx *c, json_t *s, const char *mi, const char *key, const char *name)
{
    const char *p = mi ? strstr(mi, key) : NULL;
    while (p && p != mi && p[-1] != '\n')
        p = strstr(p + 1, key);
    unsigned long long kb;
    if (p && sscanf(p + strlen(key), ": %llu", &kb) == 1)
        sw_fact_set(s, name, sw_fact_int((long long)(kb * 1024), "/proc/meminfo"));
    else
        sw_fact_set(s, name, sw_fact_unavail("no %s in /proc/meminfo", key));
    (void)c;
}

/* A cgroup v2 limit file of our own cgroup: "max" = no limit (value null, with a source). */
static void cg_limit(struct sw_probe_ctx *c, json_t *s, const char *cgpath, const char *file, const char *name)
{
    char abs[4096], buf[64];
    snprintf(abs, sizeof abs, "/sys/fs/cgroup%s%s/%s", cgpath, strcmp(cgpath, "/") ? "" : "", file);
    if (!strcmp(cgpath, "/"))
        snprintf(abs, sizeof abs, "/sys/fs/cgroup/%s", file);
    if (sw_sysroot_read_trim(c->root, abs, buf, sizeof buf) < 0) {
        sw_fact_set(s, name, sw_fact_unavail("no %s (root cgroup or controller not enabled): no limit applies here",
                                             abs));
        return;
    }
    if (!strcmp(buf, "max")) {
        json_t *f = sw_fact(NULL, abs);
        sw_fact_note(f, "unlimited");
        sw_fact_set(s, name, f);
        return;
    }
    sw_fact_set(s, name, sw_fact_int(strtoll(buf, NULL, 10), abs));
}

/* No v2 memory limit: the v1 memory controller, read exactly as the run's budget reads it (the
 * smallest limit from our cgroup up; the huge "no limit" value counts as none), so probe and run agree. */
static void cg_v1_memory(struct sw_probe_ctx *c, json_t *s)
{
    struct sw_budget_inputs in;
    struct sw_diag d;
    if (sw_budget_read(&in, c->root, &d) != 0 || in.cgroup_version != 1)
        return;
    const char *src = "/sys/fs/cgroup/memory/.../memory.limit_in_bytes (cgroup v1)";
    json_t *f = in.cgroup_mem_max ? sw_fact_int((long long)in.cgroup_mem_max, src) : sw_fact(NULL, src);
    sw_fact_note(f, in.cgroup_mem_max ? "cgroup v1 memory limit: the run's memory budget stays under it"
                                      : "cgroup v1: no memory limit set");
    sw_fact_set(s, "cgroup_max", f);
}

json_t *sw_probe_memory(struct sw_probe_ctx *c)
{
    json_t *s = json_object();
    char *mi = sw_sysroot_slurp(c->root, "/proc/meminfo", 1 << 16, NULL);
    meminfo(c, s, mi, "MemTotal", "total");
    meminfo(c, s, mi, "MemAvailable", "available");
    meminfo(c, s, mi, "SwapTotal", "swap_total");
    meminfo(c, s, mi, "SwapFree", "swap_free");
    free(mi);

    char cg[4096];
    char *path = NULL;
    if (sw_sysroot_read(c->root, "/proc/self/cgroup", cg, sizeof cg) > 0) {
        for (char *line = strtok(cg, "\n"); line; line = strtok(NULL, "\n"))
            if (!strncmp(line, "0::", 3)) {
                path = line + 3;
                break;
            }
    }
    if (!path) {
        sw_fact_set(s, "cgroup_max", sw_fact_unavail("no cgroup v2 entry in /proc/self/cgroup"));
        sw_fact_set(s, "cgroup_pids_max", sw_fact_unavail("no cgroup v2 entry in /proc/self/cgroup"));
    } else {
        cg_limit(c, s, path, "memory.max", "cgroup_max");
        cg_limit(c, s, path, "pids.max", "cgroup_pids_max");
    }
    if (json_object_get(json_object_get(s, "cgroup_max"), "unavailable"))
        cg_v1_memory(c, s);
    return s;
}
