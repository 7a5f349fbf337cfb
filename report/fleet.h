/* `stresswsl fleet`: many machines' runs in, the fleet's answer out: the failure rate per cohort (CPU,
 * firmware microcode, BIOS, kernel, WSL, hypervisor) with Wilson intervals, the cohorts the rules flag
 * as known-bad, a before/after view per cohort when runs carry labels, and the machines to look at
 * first. The unit of a rate is a machine in a cohort (a machine is unstable there when any of its
 * conclusive runs in that cohort failed), so repeated trials on one machine do not count as many
 * machines. Reports are reduced to a small fixed record as they are read (bounded memory).
 *
 *   struct sw_fleet *f = sw_fleet_new(rules);
 *   sw_fleet_load(path, sw_fleet_members, sw_fleet_add, f, &stats, &d);     // report/fleet_load.h, per PATH
 *   json_t *out = sw_fleet_result(f, &stats);             // docs/fleet-schema.md
 *   sw_fleet_write_markdown(out, stdout, &d);             // or _html, _csv (report/fleet_write.c)
 */
#ifndef SW_FLEET_H
#define SW_FLEET_H

#include <jansson.h>
#include <stdio.h>

#include "core/diag.h"
#include "report/fleet_load.h"

#define SW_FLEET_MAX_RUNS 100000

struct sw_fleet;

/* rules (may be NULL; borrowed) judge reports written without a verdict. */
struct sw_fleet *sw_fleet_new(const json_t *rules);
void sw_fleet_free(struct sw_fleet *f);
/* The top-level report members sw_fleet_add reads (the keep list for sw_fleet_load). */
extern const char *const sw_fleet_members[];
/* A sw_fleet_visit_fn: reduces one report to its record. */
int sw_fleet_add(void *fleet, const json_t *report, const struct sw_fleet_source *src);
int sw_fleet_runs(const struct sw_fleet *f);
/* The analysis (docs/fleet-schema.md); stats (may be NULL) adds what was skipped. */
json_t *sw_fleet_result(struct sw_fleet *f, const struct sw_fleet_load_stats *stats);
/* 1 when any machine found instability, else 0. */
int sw_fleet_exit_code(const json_t *result);

int sw_fleet_write_markdown(const json_t *res, FILE *out, struct sw_diag *d);
int sw_fleet_write_html(const json_t *res, FILE *out, struct sw_diag *d);
/* The cohort table as CSV (RFC 4180 quoting), one row per dimension and cohort. */
int sw_fleet_write_csv(const json_t *res, FILE *out, struct sw_diag *d);

#endif
