/* A run's outcome for repeated-run statistics (compare, fleet): stable, unstable or inconclusive, and
 * failure counts with their Wilson interval. */
#ifndef SW_OUTCOME_H
#define SW_OUTCOME_H

#include <jansson.h>

enum sw_outcome { SW_OUT_STABLE = 0, SW_OUT_UNSTABLE, SW_OUT_INCONCLUSIVE };

/* "stable", "unstable" or "inconclusive" for one report: its verdict; without one, the rules (may be
 * NULL) judge it; without rules, the verdict from its events alone (report/verdict.h). */
enum sw_outcome sw_run_outcome(const json_t *report, const json_t *rules);
const char *sw_outcome_name(enum sw_outcome o);

/* k failed out of n conclusive units (runs or machines), with the 95% Wilson interval. */
struct sw_rate {
    int units, conclusive, inconclusive, failed;
    double rate, ci_low, ci_high;
};
void sw_rate_add(struct sw_rate *r, enum sw_outcome o);
/* Computes rate and interval from the counts. */
void sw_rate_finish(struct sw_rate *r);

#endif
