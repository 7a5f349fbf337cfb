/* --metrics FILE: the run as Prometheus text exposition for node_exporter's textfile collector.
 * Rewritten every few seconds while the run goes and once at its end, always as a temporary file in the
 * same directory renamed over FILE, so the collector never reads half a file. The metric names and
 * labels are listed in docs/metrics.md. */
#ifndef SW_METRICS_H
#define SW_METRICS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/diag.h"
#include "core/event.h"
#include "core/runner.h"

#define SW_METRICS_MAX_WL 32
#define SW_METRICS_LABEL 128   /* label values are cut to this many bytes */

enum sw_metrics_info { SW_MI_CPU_MODEL, SW_MI_CPU_SIGNATURE, SW_MI_UCODE_FIRMWARE, SW_MI_UCODE_VISIBLE,
                       SW_MI_BIOS, SW_MI_KERNEL, SW_MI_WSL, SW_MI_HYPERVISOR, SW_MI_COUNT };

struct sw_metrics {
    char path[1024];
    int interval_s;                      /* between rewrites during the run                        */
    uint64_t last_write_ns;
    char run_id[64], label[80], profile[64], host[128], state[16], verdict[16], lean[SW_METRICS_LABEL];
    char info[SW_MI_COUNT][SW_METRICS_LABEL];
    uint64_t start_ns, end_ns;
    uint64_t kernel[SW_KLOG_KIND_COUNT]; /* kernel events by kind                                  */
    uint64_t severity[4];                /* every event by severity                                */
    int nwl;
    struct {
        char name[40], unit[24];
        uint64_t ops, bytes, errors;
    } wl[SW_METRICS_MAX_WL];
    bool write_failed;                   /* warned once; the run goes on                            */
};

/* Checks that FILE can be written (its directory exists, FILE is not a symlink or a directory) and
 * takes the machine's labels from a facts snapshot (docs/facts-schema.md; may be NULL/null). */
int sw_metrics_open(struct sw_metrics *m, const char *path, const char *label, const char *profile,
                    const json_t *facts, struct sw_diag *d);
/* The recording path: counts the event; no allocation, no I/O. */
void sw_metrics_event(struct sw_metrics *m, const struct sw_event *ev);
/* Takes the workload totals of a tick and rewrites FILE when interval_s has passed (or tick->done). */
void sw_metrics_tick(struct sw_metrics *m, const struct sw_run_tick *tick, struct sw_diag *d);
/* The end: run state, end time, verdict (status, and lean when the verdict has one) from report.json;
 * rewrites FILE. 0 or -errno with d set. */
int sw_metrics_finish(struct sw_metrics *m, const json_t *report, struct sw_diag *d);
/* The exposition text itself (what the file holds). */
int sw_metrics_format(const struct sw_metrics *m, FILE *out);
/* Writes s as a label value: backslash, double quote and newline escaped. */
void sw_metrics_label_value(FILE *out, const char *s);

#endif
