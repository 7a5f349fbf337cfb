/* How busy the machine was around a run, so a report can say whether its numbers were disturbed and
 * compare can refuse to rank two runs made under different load: the 1-minute load average before the
 * run (other work, before ours starts) and at its end, and the share of CPU time the hypervisor stole
 * and the guest spent busy during the run (deltas of /proc/stat's cpu line). */
#ifndef SW_RUNLOAD_H
#define SW_RUNLOAD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct sw_load_sample {
    bool ok;
    double loadavg1;                 /* /proc/loadavg's first field */
    uint64_t total, steal, idle;     /* /proc/stat cpu line: all ticks, steal, idle + iowait */
};

/* Reads root/proc/stat and root/proc/loadavg (root "" for this machine). */
void sw_load_read(struct sw_load_sample *s, const char *root);
/* Parses the text of /proc/stat and /proc/loadavg (either may be NULL). */
void sw_load_parse(struct sw_load_sample *s, const char *stat_text, const char *loadavg_text);
/* {"loadavg_before", "loadavg_after", "steal_pct", "busy_pct", "cpus", "source"}; null fields when unknown. */
json_t *sw_load_json(const struct sw_load_sample *before, const struct sw_load_sample *after, int cpus);

#endif
