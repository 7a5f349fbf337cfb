/* Reading many machines' results for `stresswsl fleet`: report.json files, run directories, trees of
 * them (e.g. what Ansible's fetch leaves: DEST/<host>/<run-id>/report.json) and bundles made by
 * `stresswsl bundle` (.tar.gz). Everything is hostile input: symbolic links are never followed (inside
 * directories and archives), every file and archive entry is size-capped, directory depth and counts are
 * bounded. Reports are handed to a callback one at a time, so memory does not grow with the fleet. */
#ifndef SW_FLEET_LOAD_H
#define SW_FLEET_LOAD_H

#include <jansson.h>
#include <stdbool.h>

#include "core/diag.h"

#define SW_FLEET_MAX_REPORT_BYTES (32u << 20)   /* one report.json                          */
#define SW_FLEET_MAX_DEPTH 6                     /* directories below a PATH argument        */
#define SW_FLEET_MAX_ENTRIES 200000              /* archive entries / directory entries seen  */

struct sw_fleet_source {
    const char *path;       /* the report file, or "BUNDLE:member"                          */
    const char *machine;    /* a machine name from the layout when the report has none: the
                               first directory under PATH, or the bundle's name              */
    bool from_bundle;       /* redacted copy: its host name is a placeholder                 */
};
/* Returns 0 to go on, or a negative errno to stop the walk. Takes a borrowed report. */
typedef int (*sw_fleet_visit_fn)(void *arg, const json_t *report, const struct sw_fleet_source *src);

struct sw_fleet_load_stats {
    int reports, skipped;
    char skips[5][320];     /* the first few "PATH: why" lines                              */
};

/* Visits every report under path; keep (NULL-terminated, or NULL for all) names the only top-level
 * members the callback needs, so the rest is skipped unparsed (report/json_skim.h). A path that cannot be read at all is an error (-errno, d says
 * which); unreadable or invalid files inside it are skipped and counted in st. */
int sw_fleet_load(const char *path, const char *const *keep, sw_fleet_visit_fn fn, void *arg,
                  struct sw_fleet_load_stats *st, struct sw_diag *d);

#endif
