/* Whether two sides of a comparison ran under the same conditions: a throughput change means little
 * when the hypervisor stole more CPU time on one side, the machine was already busy before a run, or
 * the CPU count differs. Reads each report's "load" (probes/runload.c) and plan. */
#include <math.h>
#include <stdio.h>

#include "report/compare.h"
#include "report/rfacts.h"

#define STEAL_GAP_PCT 5.0     /* steal differing by more than this between sides */
#define BUSY_LOAD_SHARE 0.5   /* a 1-minute load above this share of the CPUs before a run */

struct side_load {
    int runs, recorded;
    double steal_max, busy_load, busy_cpus;   /* the busiest start: load average and its CPUs */
    long long cpus_min, cpus_max;
};

static void scan(const json_t *reports, struct side_load *s)
{
    *s = (struct side_load){0, 0, -1, -1, 0, 0, 0};
    size_t i;
    const json_t *r;
    json_array_foreach(reports, i, r) {
        s->runs++;
        const json_t *load = json_object_get(r, "load");
        long long cpus = json_integer_value(json_object_get(json_object_get(json_object_get(r, "plan"), "budget"),
                                                            "online_cpus"));
        if (cpus > 0) {
            s->cpus_min = s->cpus_min && s->cpus_min < cpus ? s->cpus_min : cpus;
            s->cpus_max = s->cpus_max > cpus ? s->cpus_max : cpus;
        }
        if (!json_is_object(load))
            continue;
        s->recorded++;
        const json_t *st = json_object_get(load, "steal_pct"), *lb = json_object_get(load, "loadavg_before");
        if (json_is_number(st) && sw_json_number(st) > s->steal_max)
            s->steal_max = sw_json_number(st);
        if (json_is_number(lb) && cpus > 0 && sw_json_number(lb) / (double)cpus > s->busy_load / (s->busy_cpus ? s->busy_cpus : 1)) {
            s->busy_load = sw_json_number(lb);
            s->busy_cpus = (double)cpus;
        }
    }
}

json_t *sw_compare_conditions(const json_t *before, const json_t *after)
{
    json_t *out = json_array();
    struct side_load s[2];
    scan(before, &s[0]);
    scan(after, &s[1]);
    static const char *const name[2] = {"BEFORE", "AFTER"};
    char text[256];
    for (int k = 0; k < 2; k++) {
        if (s[k].recorded < s[k].runs) {
            snprintf(text, sizeof text, "%s: %d of %d runs recorded no load or steal (an older stresswsl): "
                     "whether they ran under the same conditions is unknown", name[k], s[k].runs - s[k].recorded,
                     s[k].runs);
            json_array_append_new(out, json_string(text));
        }
        if (s[k].busy_cpus > 0 && s[k].busy_load >= BUSY_LOAD_SHARE * s[k].busy_cpus) {
            snprintf(text, sizeof text, "%s: the machine was already busy before a run (load %.2f on %.0f CPUs)",
                     name[k], s[k].busy_load, s[k].busy_cpus);
            json_array_append_new(out, json_string(text));
        }
    }
    if (s[0].steal_max >= 0 && s[1].steal_max >= 0 && fabs(s[0].steal_max - s[1].steal_max) > STEAL_GAP_PCT) {
        snprintf(text, sizeof text, "the hypervisor stole up to %.1f%% of CPU time BEFORE and %.1f%% AFTER",
                 s[0].steal_max, s[1].steal_max);
        json_array_append_new(out, json_string(text));
    }
    if (s[0].cpus_max && s[1].cpus_max && (s[0].cpus_min != s[1].cpus_min || s[0].cpus_max != s[1].cpus_max)) {
        snprintf(text, sizeof text, "the CPU count differs (%lld BEFORE, %lld AFTER)", s[0].cpus_max, s[1].cpus_max);
        json_array_append_new(out, json_string(text));
    }
    return out;
}
