/* The run's live outputs (--metrics FILE, --events FILE|-) behind one runner observer. */
#ifndef SW_CLI_LIVE_H
#define SW_CLI_LIVE_H

#include <jansson.h>
#include <stdbool.h>

#include "core/events_out.h"
#include "core/runner.h"
#include "report/metrics.h"

struct sw_live {
    bool metrics_on, events_on;
    struct sw_metrics metrics;
    struct sw_events_out events;
    struct sw_run_observer observer;
};

/* Opens what the options ask for; 0, or -errno with d set (bad path: exit 2). facts: the snapshot
 * taken before the run (machine labels for the metrics). */
int sw_live_open(struct sw_live *l, const char *metrics_path, const char *events_path, const char *label,
                 const char *profile, const json_t *facts, struct sw_diag *d);
/* The observer to put in sw_run_opts.observer, or NULL when no live output was asked for. */
const struct sw_run_observer *sw_live_observer(struct sw_live *l);
/* The final metrics (verdict, end time) and the events' run_end line; closes. report may be NULL. */
void sw_live_close(struct sw_live *l, const json_t *report);

#endif
