#include "probes/runload.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads at most cap-1 bytes of a small /proc file. */
static bool slurp(const char *root, const char *path, char *buf, size_t cap)
{
    char full[512];
    snprintf(full, sizeof full, "%s%s", root, path);
    int fd = open(full, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    return true;
}

void sw_load_parse(struct sw_load_sample *s, const char *stat_text, const char *loadavg_text)
{
    memset(s, 0, sizeof *s);
    s->loadavg1 = -1;
    if (loadavg_text) {
        char *end;
        double v = strtod(loadavg_text, &end);
        if (end != loadavg_text && v >= 0 && v < 1e6)
            s->loadavg1 = v;
    }
    if (!stat_text || strncmp(stat_text, "cpu ", 4) != 0)
        return;
    /* user nice system idle iowait irq softirq steal (guest time is already in user) */
    unsigned long long f[8] = {0};
    int n = sscanf(stat_text + 4, "%llu %llu %llu %llu %llu %llu %llu %llu", &f[0], &f[1], &f[2], &f[3], &f[4],
                   &f[5], &f[6], &f[7]);
    if (n < 4)
        return;
    for (int i = 0; i < 8; i++)
        s->total += f[i];
    s->idle = f[3] + f[4];
    s->steal = f[7];
    s->ok = true;
}

void sw_load_read(struct sw_load_sample *s, const char *root)
{
    char stat[1024], la[128];   /* the cpu line is first; the rest of /proc/stat is not needed */
    bool have_stat = slurp(root, "/proc/stat", stat, sizeof stat);
    bool have_la = slurp(root, "/proc/loadavg", la, sizeof la);
    sw_load_parse(s, have_stat ? stat : NULL, have_la ? la : NULL);
}

static json_t *pct_or_null(double v, bool ok)
{
    return ok ? json_real((double)(long long)(v * 10 + 0.5) / 10) : json_null();
}

json_t *sw_load_json(const struct sw_load_sample *a, const struct sw_load_sample *b, int cpus)
{
    bool delta = a->ok && b->ok && b->total > a->total && b->steal >= a->steal && b->idle >= a->idle;
    double dt = delta ? (double)(b->total - a->total) : 1;
    json_t *o = json_object();
    json_object_set_new(o, "loadavg_before", a->loadavg1 >= 0 ? json_real(a->loadavg1) : json_null());
    json_object_set_new(o, "loadavg_after", b->loadavg1 >= 0 ? json_real(b->loadavg1) : json_null());
    json_object_set_new(o, "steal_pct", pct_or_null(delta ? 100.0 * (double)(b->steal - a->steal) / dt : 0, delta));
    json_object_set_new(o, "busy_pct",
                        pct_or_null(delta ? 100.0 * (dt - (double)(b->idle - a->idle) - (double)(b->steal - a->steal)) / dt : 0,
                                    delta));
    json_object_set_new(o, "cpus", cpus > 0 ? json_integer(cpus) : json_null());
    json_object_set_new(o, "source", json_string("/proc/stat, /proc/loadavg"));
    return o;
}
