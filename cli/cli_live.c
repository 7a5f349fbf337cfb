#include "cli/live.h"

#include <string.h>

#include "cli/cli.h"

static void on_event(void *arg, const struct sw_event *ev)
{
    struct sw_live *l = arg;
    if (l->metrics_on)
        sw_metrics_event(&l->metrics, ev);
    if (l->events_on)
        sw_events_out_push(&l->events, ev);
}

static void on_flush(void *arg, const struct sw_run_tick *t)
{
    struct sw_live *l = arg;
    if (l->events_on)
        sw_events_out_flush(&l->events, t->run_id, t->names);
    if (l->metrics_on) {
        struct sw_diag d = {0};
        bool failed = l->metrics.write_failed;
        sw_metrics_tick(&l->metrics, t, &d);
        if (l->metrics.write_failed && !failed)
            sw_cli_warn("%s (the run goes on; warned once)", d.msg);
    }
}

int sw_live_open(struct sw_live *l, const char *metrics_path, const char *events_path, const char *label,
                 const char *profile, const json_t *facts, struct sw_diag *d)
{
    memset(l, 0, sizeof *l);
    if (metrics_path) {
        int rc = sw_metrics_open(&l->metrics, metrics_path, label, profile, facts, d);
        if (rc < 0)
            return rc;
        l->metrics_on = true;
    }
    if (events_path) {
        int rc = sw_events_out_open(&l->events, events_path, label, d);
        if (rc < 0)
            return rc;
        l->events_on = true;
    }
    l->observer = (struct sw_run_observer){l, on_event, on_flush};
    return 0;
}

const struct sw_run_observer *sw_live_observer(struct sw_live *l)
{
    return l->metrics_on || l->events_on ? &l->observer : NULL;
}

void sw_live_close(struct sw_live *l, const json_t *report)
{
    if (l->metrics_on) {
        /* A run that could not start still ends its metrics: state "failed", verdict inconclusive. */
        json_t *none = report ? NULL : json_pack("{s:{s:s}}", "run", "status", "failed_to_start");
        struct sw_diag d = {0};
        if (sw_metrics_finish(&l->metrics, report ? report : none, &d) < 0)
            sw_cli_warn("%s", d.msg);
        json_decref(none);
    }
    if (l->events_on)
        sw_events_out_close(&l->events, report, 2000);
    l->metrics_on = l->events_on = false;
}
