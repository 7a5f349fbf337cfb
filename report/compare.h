/* `stresswsl compare BEFORE AFTER`: what changed in the environment, each side's failure rate with a
 * confidence interval over repeated runs, per-workload throughput change with its noise band, and a
 * verdict: fixed, improved, unchanged, regressed or inconclusive. */
#ifndef SW_COMPARE_H
#define SW_COMPARE_H

#include <jansson.h>
#include <stdio.h>

#include "core/diag.h"

#define SW_COMPARE_REPORT_MAX (64 << 20)   /* bytes: a report.json is far smaller (bounded event log) */

/* Appends the reports found at path to `reports` (an array): a report.json file, a run directory
 * holding report.json, or a directory of run directories. 0, or -errno with d naming the path. */
int sw_compare_load_path(const char *path, json_t *reports, struct sw_diag *d);
/* before/after: arrays of reports (one per run). rules (may be NULL) judges reports written without a
 * verdict. Returns the comparison object (docs/report-schema.md, "compare --json") or NULL with d set. */
json_t *sw_compare(const json_t *before, const json_t *after, const json_t *rules, struct sw_diag *d);
int sw_compare_write_text(const json_t *cmp, FILE *out, struct sw_diag *d);
int sw_compare_write_markdown(const json_t *cmp, FILE *out, struct sw_diag *d);
/* Why the two sides' throughput is not comparable (load before a run, hypervisor steal, CPU count,
 * no load recorded): an array of sentences, empty when nothing says so (report/compare_load.c). */
json_t *sw_compare_conditions(const json_t *before, const json_t *after);
/* 0 when AFTER is stable and not worse (fixed, improved with no failures, unchanged and clean), else 1. */
int sw_compare_exit_code(const json_t *cmp);

#endif
