/* Recovery: at the start of every run, find an earlier run whose journal has no clean end and that no
 * run has reported yet, and describe it as report.json's "previous_run" (docs/report-schema.md): when
 * it stopped, which phase and workloads were running, its last events, and whether the machine
 * restarted since (the boot id changed: a guest crash or restart) or only the process was killed.
 * Each abrupt run is shown once: its journal is marked reported. Its own <run_dir>/tmp is removed, and
 * an "abrupt" report.json is written into its run directory if it has none. A journal that cannot be
 * read (truncated, overwritten, a damaged header) in a directory without a report is reported as
 * "ended abruptly, journal damaged" with the records that still pass their CRC. Nothing a journal
 * says is used as a path; directories and files that are symlinks or not the user's are skipped. */
#ifndef SW_RECOVER_H
#define SW_RECOVER_H

#include <jansson.h>
#include <stdbool.h>

#include "core/diag.h"

#define SW_RECOVER_LAST_EVENTS 10
#define SW_RECOVER_CAUSE_REBOOT "the machine restarted (boot id changed): a guest crash or restart"
#define SW_RECOVER_CAUSE_KILLED "the stresswsl process was killed (same boot)"
#define SW_RECOVER_CAUSE_UNKNOWN "unknown: the journal's header is damaged, so the boot it ran in is not known"

#define SW_RECOVER_PATH_MAX 1024      /* a run directory path                                      */
#define SW_RECOVER_MAX_RUNS 1024      /* run directories looked at per scan                        */
#define SW_RECOVER_MAX_PER_SCAN 16    /* abrupt runs processed per scan, newest first; others later */
#define SW_RECOVER_LIST_MAX 65536     /* bytes of external-runs read; the oldest entries are dropped */
#define SW_RECOVER_SETTLE_S 5         /* a damaged journal younger than this may be a run starting  */

/* Describes one journal (no marking, no side effects). *out = NULL when it ended cleanly and is
 * intact. Returns 0, -EBADMSG for a file in which nothing can be read, -EWOULDBLOCK when its run is
 * still alive (locked). */
int sw_recover_journal(const char *journal_path, const char *boot_id_now, json_t **out, struct sw_diag *d);
/* Scans <state_dir>/runs/NAME/journal and the run directories listed in <state_dir>/external-runs;
 * reports the newest unreported abrupt run in *out (NULL if none) and marks every abrupt one as
 * reported. Returns 0 (an unreadable state dir is not an error: nothing to report); d->msg is set to
 * a one-line warning when run directories were skipped as unsafe ("" otherwise). */
int sw_recover_scan(const char *state_dir, const char *boot_id_now, json_t **out, struct sw_diag *d);
/* Remembers a run directory outside <state_dir>/runs (--out; an absolute path without "." or "..")
 * for later scans. 0 or -errno. */
int sw_recover_remember(const char *state_dir, const char *run_dir);

#endif
