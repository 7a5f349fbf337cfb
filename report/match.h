/* Evaluation of the rules' condition language (docs/rules.md) over one report, collecting the events
 * and facts that made a condition true. Internal to report/: the correlator is the public entry. */
#ifndef SW_MATCH_H
#define SW_MATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct sw_match_env {
    const json_t *report;
    const json_t *facts;     /* sw_rfacts_snapshot(report)                     */
    const json_t *history;   /* array of earlier reports of this machine, or NULL */
    const json_t *defs;      /* the database's named "conditions"               */
};

/* True when cond holds. When it does, appends the events (borrowed report objects) that satisfied it to
 * ev_out and the fact paths to facts_out (both may be NULL; duplicates are skipped). */
bool sw_match_cond(const json_t *cond, const struct sw_match_env *env, json_t *ev_out,
                   json_t *facts_out, int depth);
/* True when ev came from previous_run.last_events rather than this run. */
bool sw_match_is_previous(const struct sw_match_env *env, const json_t *ev);
/* True when version is older than the fix of its branch in fixes (["6.6.26", "6.8.5", "6.9"]); a branch
 * without a listed fix is unfixed when older than the newest fix, fixed when newer. */
bool sw_version_before_fix(const char *version, const json_t *fixes);
/* Number of earlier reports (history) whose verdict is unstable. */
int sw_match_history_unstable(const json_t *history);

/* Fills a rule's text template: {cpu.brand}, {cpu.brand|model}, {memory.total|size}, {evidence.cpus},
 * {evidence.times}, {evidence.workloads}, {evidence.load}, {evidence.count}, {evidence.kinds},
 * {evidence.symbols}, {evidence.addresses}, {run.duration}, {run.profile}, {history.unstable},
 * {history.runs}. Unknown values print as "unknown". Returns a malloc'd string. */
char *sw_template_fill(const char *tmpl, const struct sw_match_env *env, const json_t *events);

#endif
