/* The correlator: evaluates the rules database over one report.json and says, in plain words, what the
 * evidence points to. Pure: no I/O, no clock; the same inputs give the same output.
 *
 *   json_t *rules = sw_rules_load_default(&d);              // report/rules.h
 *   json_t *out = sw_correlate(report, rules, history, &d); // {"findings": [...], "verdict": {...}}
 *   sw_correlate_apply(report, rules, history, &d);         // or: store both into the report
 */
#ifndef SW_CORRELATE_H
#define SW_CORRELATE_H

#include <jansson.h>

#include "core/diag.h"

/* report: a report.json object (docs/report-schema.md); rules: a validated database; history: an array
 * of earlier reports of the same machine, or NULL. Returns a new object {"findings": [FINDING...],
 * "verdict": {"status": "stable"|"unstable"|"inconclusive", "summary": "..."}}, or NULL with d set
 * (only for a NULL/invalid report or rules). */
json_t *sw_correlate(const json_t *report, const json_t *rules, const json_t *history, struct sw_diag *d);
/* sw_correlate, then sets report.findings and report.verdict. 0 or -errno. */
int sw_correlate_apply(json_t *report, const json_t *rules, const json_t *history, struct sw_diag *d);

#endif
