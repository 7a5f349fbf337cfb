/* The fixed-size CPU set used in plans: OS CPU numbers, no allocation, so a plan entry can be copied
 * into a worker and applied there without touching the heap. */
#include <stdio.h>
#include <string.h>

#include "core/placement.h"

void sw_cpuset_set(struct sw_cpuset *s, int cpu)
{
    if (cpu >= 0 && cpu < SW_MAX_CPUS)
        s->w[cpu / 64] |= 1ull << (cpu % 64);
}

bool sw_cpuset_isset(const struct sw_cpuset *s, int cpu)
{
    if (cpu < 0 || cpu >= SW_MAX_CPUS)
        return false;
    return (s->w[cpu / 64] >> (cpu % 64)) & 1u;
}

int sw_cpuset_count(const struct sw_cpuset *s)
{
    int n = 0;
    for (unsigned i = 0; i < SW_MAX_CPUS / 64; i++)
        n += __builtin_popcountll(s->w[i]);
    return n;
}

int sw_cpuset_first(const struct sw_cpuset *s)
{
    for (unsigned i = 0; i < SW_MAX_CPUS / 64; i++)
        if (s->w[i])
            return (int)(i * 64) + __builtin_ctzll(s->w[i]);
    return -1;
}

int sw_cpuset_list(const struct sw_cpuset *s, int *out, int max)
{
    int n = 0;
    for (int cpu = 0; cpu < SW_MAX_CPUS && n < max; cpu++)
        if (sw_cpuset_isset(s, cpu))
            out[n++] = cpu;
    return n;
}

const char *sw_cpuset_format(const struct sw_cpuset *s, char *buf, unsigned len)
{
    char all[SW_MAX_CPUS * 6];   /* worst case "0,2,4,...": at most 5 characters per CPU */
    size_t off = 0;
    if (!len)
        return buf;
    all[0] = '\0';
    for (int cpu = 0; cpu < SW_MAX_CPUS; cpu++) {
        if (!sw_cpuset_isset(s, cpu))
            continue;
        int end = cpu;
        while (end + 1 < SW_MAX_CPUS && sw_cpuset_isset(s, end + 1))
            end++;
        if (end == cpu)
            off += (size_t)snprintf(all + off, sizeof all - off, "%s%d", off ? "," : "", cpu);
        else
            off += (size_t)snprintf(all + off, sizeof all - off, "%s%d-%d", off ? "," : "", cpu, end);
        cpu = end;
    }
    if (off < len) {
        memcpy(buf, all, off + 1);
        return buf;
    }
    /* Too long: cut at an item boundary and end with "..." so a cut list is never taken for the set. */
    size_t keep = 0;
    for (size_t i = 0; i < off && i + 4 <= len; i++)
        if (all[i] == ',')
            keep = i;
    if (len < 4) {
        buf[0] = '\0';
        return buf;
    }
    memcpy(buf, all, keep);
    memcpy(buf + keep, "...", 4);
    return buf;
}
