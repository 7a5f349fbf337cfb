/* Runs one workload in-process for a bounded time, without the runner: for workload unit tests.
 * Sets up a one-slot arena, a ctx with the given parameters, budget and injection, a private temp
 * dir (removed afterwards), calls run(), and collects the events it reported. */
#ifndef SW_WL_HARNESS_H
#define SW_WL_HARNESS_H

#include <stdbool.h>

#include "core/workload.h"

#define SW_WLH_MAX_EVENTS 256

struct sw_wlh_result {
    int rc;                  /* run()'s return                   */
    uint64_t ops, bytes, errors;
    int n_events;
    struct sw_event events[SW_WLH_MAX_EVENTS];
    char diag[512];          /* set if the harness could not start */
};

/* params: "key=value" strings, NULL-terminated (may be NULL). Returns 0, or -1 with r->diag set. */
int sw_wlh_run(const char *workload, const char *const *params, unsigned ms, uint64_t mem_budget,
               unsigned inject, struct sw_wlh_result *r);
/* True when the calling process has no child left, reaped or not: a workload reaped all it made. */
bool sw_wlh_no_children(void);
/* The last event of a type in r, or NULL. */
const struct sw_event *sw_wlh_last(const struct sw_wlh_result *r, enum sw_ev_type type);
/* The first event whose text starts with prefix, or NULL. */
const struct sw_event *sw_wlh_find_text(const struct sw_wlh_result *r, const char *prefix);
/* For an injection run: checks run() returned OK with exactly one error, and returns that error's
 * event of the given type (its text printed), or NULL (the checks have failed then). */
const struct sw_event *sw_wlh_the_injected(const struct sw_wlh_result *r, enum sw_ev_type type);
/* Prints the text of every error event in r (to explain a failed check). */
void sw_wlh_print_errors(const struct sw_wlh_result *r);
/* Count of events of a type in r. */
int sw_wlh_count(const struct sw_wlh_result *r, enum sw_ev_type type);

#endif
